"""A request id for every request, so one page view can be followed through every app's log.

The id is the router's ``X-Request-ID`` when it sent a usable one (Heroku's router does;
nginx and HAProxy can), else a new random one. It is put back in the environ as
``HTTP_X_REQUEST_ID`` (where every framework's request object finds the header), returned
in the response's ``X-Request-ID`` (which gunicorn's access log line writes), and passed on
by every app-to-app call (``apps.sitewide.request_id_headers``), so the highlighter's log
line for a snippet page carries the page's own id.

A client-supplied id is only a label: it is kept when it is short and made of safe
characters (so it cannot forge log lines or bloat them), and replaced otherwise.
"""

import re
import uuid

HEADER = "X-Request-ID"
ENVIRON_KEY = "HTTP_X_REQUEST_ID"
USABLE = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}")


def request_id(environ):
    """The id this request goes by: the incoming one if usable, else a fresh one."""
    offered = environ.get(ENVIRON_KEY, "")
    return offered if USABLE.fullmatch(offered) else uuid.uuid4().hex


class RequestId:
    """WSGI middleware: give the request its id and answer with it."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        rid = environ[ENVIRON_KEY] = request_id(environ)

        def start_with_id(status, headers, exc_info=None):
            headers = [(name, value) for name, value in headers if name.lower() != "x-request-id"]
            headers.append((HEADER, rid))
            return start_response(status, headers, exc_info)

        return self.app(environ, start_with_id)
