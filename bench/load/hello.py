"""The two baselines the load bench compares the site with, served by the same gunicorn config.

    bare   a WSGI hello-world: the floor of gunicorn + WSGI on this machine
    flask  a plain Flask hello-world: the floor of a framework's request handling
"""

from flask import Flask

BODY = b"Hello, world!\n"


def bare(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(BODY)))])
    return [BODY]


flask = Flask(__name__)


@flask.get("/")
def hello():
    return BODY, 200, {"Content-Type": "text/plain"}
