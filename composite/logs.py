"""Log lines that a request cannot forge.

Request data ends up in log messages: gunicorn's access log (request line, Referer,
User-Agent) and the apps' own lines (a decoded path such as ``/diff/%0d%0a...``). Raw, a
CR or LF there starts a fake log line, U+0085 or U+2028 does for tools that split lines the
Unicode way, and an ESC sequence rewrites the terminal that shows the log. ``install()``
makes every log record escape those characters in its message (``\\r``, ``\\x1b``,
``\\u2028``) for every app and gunicorn alike; tracebacks, which are not request data,
keep their lines.
"""

import logging
import re

# C0 controls except tab, DEL, C1 controls, and the Unicode line and paragraph separators.
CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
# Terminal colours (SGR sequences), as Werkzeug's development server adds to its own lines.
TERMINAL_STYLE = re.compile("\x1b\\[[0-9;]*m")


def escape(text):
    return CONTROL.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


class EscapedLogRecord(logging.LogRecord):
    def getMessage(self):
        return escape(super().getMessage())


class WithoutTerminalStyles(logging.Filter):
    """Drop the colours a logger adds to its own messages, so they are not escaped into text.

    For Werkzeug's development server (``composite serve``), which colours its banner and
    request lines; it already escapes control characters in request data itself, so the only
    SGR sequences in its records are its own.
    """

    def filter(self, record):
        if isinstance(record.msg, str):
            record.msg = TERMINAL_STYLE.sub("", record.msg)
        if record.args and isinstance(record.args, tuple):
            record.args = tuple(TERMINAL_STYLE.sub("", arg) if isinstance(arg, str) else arg for arg in record.args)
        return True


def install():
    """Make this process's log records escape control characters (once; idempotent)."""
    if logging.getLogRecordFactory() is logging.LogRecord:
        logging.setLogRecordFactory(EscapedLogRecord)
