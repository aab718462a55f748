"""gunicorn's access log, with only the fields its format names worked out per request.

gunicorn's ``Logger.atoms`` builds some twenty fields for every request, then one more per
request header, per response header and per WSGI environ key (a hundred or so), and copies
them all again to escape quotes, whatever ``access_log_format`` uses: on a cached snippet
page that was about a tenth of the worker's CPU (docs/performance.md, "Paste site vs
peers"). ``Logger`` here reads the format once and, per request, works out those fields
alone, by gunicorn's own rules for each (``atoms``), so the lines are the same characters
(tests/composite/test_accesslog.py holds them against gunicorn's for many formats).
"""

import os
import re

from gunicorn import glogging

# ``%(name)s`` in an access log format; a name in braces is a header or environ key.
FIELD = re.compile(r"%\(([^)]*)\)")
HEADER = re.compile(r"\{(?P<key>.*)\}(?P<source>[ioe])", re.DOTALL | re.IGNORECASE)
UNKNOWN = object()  # a name gunicorn has no field for: left out, so the line shows "-"


class Logger(glogging.Logger):
    """Set as gunicorn's ``logger_class`` (config/gunicorn.conf.py)."""

    def setup(self, cfg):
        super().setup(cfg)
        self.named = fields_named(cfg.access_log_format)

    def atoms(self, resp, req, environ, request_time):
        """The fields ``access_log_format`` names, as gunicorn's ``atoms`` works them out."""
        named = getattr(self, "named", None)
        if named is None:
            return super().atoms(resp, req, environ, request_time)
        atoms = {}
        for name, key, source in named:
            if source is None:
                value = plain_atom(self, name, resp, environ, request_time)
                if value is not UNKNOWN:
                    atoms[name] = value
            else:
                value = header_atom(key, source, resp, req, environ)
                if value is not None:
                    atoms[name.lower()] = value
        return atoms


def fields_named(log_format):
    """Each field ``log_format`` names, once: (name, header key or None, source or None)."""
    named = {}
    for name in FIELD.findall(log_format):
        header = HEADER.fullmatch(name)
        named[name] = (name, header["key"].lower(), header["source"].lower()) if header else (name, None, None)
    return tuple(named.values())


def plain_atom(logger, name, resp, environ, request_time):
    """One of gunicorn's one-letter fields (``UNKNOWN`` for a name it has no field for)."""
    if name == "h":
        return environ.get("REMOTE_ADDR", "-")
    if name == "l":
        return "-"
    if name == "u":
        return logger._get_user(environ) or "-"  # pylint: disable=protected-access (gunicorn's own rule)
    if name == "t":
        return logger.now()
    if name == "r":
        return f"{environ['REQUEST_METHOD']} {environ['RAW_URI']} {environ['SERVER_PROTOCOL']}"
    if name == "s":
        status = resp.status
        return status.split(None, 1)[0] if isinstance(status, str) else status
    if name in ("b", "B"):
        sent = getattr(resp, "sent", None)
        if name == "B":
            return sent
        return sent is not None and str(sent) or "-"
    return timed_atom(name, environ, request_time)


ENVIRON_FIELDS = {"m": "REQUEST_METHOD", "U": "PATH_INFO", "q": "QUERY_STRING", "H": "SERVER_PROTOCOL"}
DEFAULTED_FIELDS = {"f": "HTTP_REFERER", "a": "HTTP_USER_AGENT"}


def timed_atom(name, environ, request_time):
    if name in ENVIRON_FIELDS:
        return environ.get(ENVIRON_FIELDS[name])
    if name in DEFAULTED_FIELDS:
        return environ.get(DEFAULTED_FIELDS[name], "-")
    seconds, microseconds = request_time.seconds, request_time.microseconds
    if name == "T":
        return seconds
    if name == "D":
        return seconds * 1000000 + microseconds
    if name == "M":
        return seconds * 1000 + int(microseconds / 1000)
    if name == "L":
        return "%d.%06d" % (seconds, microseconds)  # noqa: UP031 (gunicorn's exact form)
    if name == "p":
        return f"<{os.getpid()}>"
    return UNKNOWN


def header_atom(key, source, resp, req, environ):
    """A request header (``i``), response header (``o``) or environ key (``e``); the last of
    several with one name, as gunicorn's dict of them keeps."""
    if source == "e":
        return next((value for name, value in reversed(environ.items()) if name.lower() == key), None)
    headers = (req.headers if hasattr(req, "headers") else req) if source == "i" else resp.headers
    if hasattr(headers, "items"):
        headers = headers.items()
    return next((value for name, value in reversed(list(headers)) if name.lower() == key), None)
