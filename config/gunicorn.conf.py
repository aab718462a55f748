"""gunicorn settings for the Procfile's ``web:`` process, from the environment.

Threaded workers so that one slow request holds one thread, not a whole worker; a request
timeout under the PaaS router's 30 s; access log to stdout. A malformed variable stops the
server before it starts, with one line naming it (not a traceback).
"""

from config.web import settings_or_exit

# PORT, WEB_CONCURRENCY, WEB_THREADS, WEB_TIMEOUT, LOG_LEVEL, FORWARDED_ALLOW_IPS and the
# buffering worker's limits (BUFFER_*), read once and typed: a bad value stops the server
# before it starts.
web = settings_or_exit()
bind = web.bind
workers = web.workers
threads = web.threads
timeout = web.timeout
# gthread, except that a request is read whole in the worker's event loop before a thread
# serves it, and an answer the client does not take at once is sent by the event loop:
# slow clients (slowloris, trickled bodies, slow readers) cannot take every thread.
worker_class = "composite.worker.BufferingThreadWorker"
graceful_timeout = 20
keepalive = 5
accesslog = "-"
logger_class = "composite.accesslog.Logger"  # the same lines, only the fields they name worked out
# gunicorn's default line, then the request id (composite.requestid), which is also passed on
# every app-to-app call: one page view's calls are found in every process's log by one id.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" rid=%({x-request-id}o)s'
errorlog = "-"
loglevel = web.log_level
# Requests whose request line or headers are absurdly large are refused by gunicorn itself.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# The site's own proxy handling (composite/forwarded.py: PROXY_HOPS, PROXY_PEERS) decides what
# to trust, alone: gunicorn takes neither the scheme nor SCRIPT_NAME/PATH_INFO from a header.
forwarded_allow_ips = web.forwarded_allow_ips
secure_scheme_headers = {}
forwarder_headers = ""
control_socket_disable = True
preload_app = False


def on_starting(server):
    """Collect static files once, in the master, so a fresh deploy serves them. Django is set
    up here as the workers (forked from this process) will serve it: under its prefix."""
    from composite import static
    from composite.settings import CompositeSettings

    settings = CompositeSettings.from_env()
    serves_django = "snippets" in settings.apps
    if serves_django:
        from apps.snippets.wsgi import create_app

        create_app(settings.snippets_prefix)
    static.collect(django=serves_django)


def post_worker_init(worker):
    """Start this worker's highlighting processes before it takes a request, when it serves the
    highlighter: each loads the language-detection model at start (about a second), which no
    request should wait for (docs/highlighter.md, "Guess")."""
    from composite.settings import CompositeSettings

    if "highlighter" in CompositeSettings.from_env().apps:
        from apps.highlighter import pools

        worker.notify()  # the master's timeout counts from here: loading the apps took some of it
        pools.start_from_environment()
