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
    #: Set by a filter that has already escaped what came from a request (``DevelopmentServerLines``).
    own_lines = False

    def getMessage(self):
        message = super().getMessage()
        return message if self.own_lines else escape(message)


class DevelopmentServerLines(logging.Filter):
    """Werkzeug's development server (``composite serve``) as a person reads it in a terminal.

    Its format strings are its own text: the banner is several lines ("WARNING: ...", then
    " * Running on http://..."), coloured, and so are its request lines. What a request sent
    is only ever in the arguments. So the colours are dropped, the arguments are escaped here
    (and their colours dropped: any left are a client's), and the banner keeps its lines
    instead of becoming one line with a literal ``\\n`` before the address to open.
    """

    def filter(self, record):
        if not isinstance(record.msg, str):
            return True
        message = TERMINAL_STYLE.sub("", record.msg)
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            shown = tuple(escape(TERMINAL_STYLE.sub("", arg)) if isinstance(arg, str) else arg for arg in args)
            try:
                message = message % shown
            except (TypeError, ValueError):
                message = escape(message) + " " + escape(repr(args))
        record.msg, record.args, record.own_lines = message.rstrip("\n"), None, True
        return True


def install():
    """Make this process's log records escape control characters (once; idempotent)."""
    if logging.getLogRecordFactory() is logging.LogRecord:
        logging.setLogRecordFactory(EscapedLogRecord)
