"""The highlighter: Pygments as an HTTP service any language can call.

``create_app()`` returns the Flask app; ``flask --app apps.highlighter run`` runs it alone.
The highlighting itself lives in ``apps.highlighter.core``, which imports no web framework.
The API is described in docs/highlighter.md and, machine-readably, at ``/api/openapi.json``.
"""

import os

from flask import Flask, jsonify

from apps import sitewide

DEFAULTS = {
    "HIGHLIGHT_MAX_BYTES": 1024 * 1024,  # largest code accepted, in UTF-8 bytes
    "HIGHLIGHT_TIMEOUT": 2.0,  # seconds one highlight may take before it is killed
    "HIGHLIGHT_WORKERS": 2,  # highlighter processes per server process (caps concurrency)
    "HIGHLIGHT_CORS_ORIGINS": "*",  # origins whose browser JavaScript may call the API: *, a comma list, or "" for none
    "HIGHLIGHT_MAX_OUTPUT_BYTES": 16 * 1024 * 1024,  # largest output sent, in bytes as JSON (0: no absolute limit)
    "HIGHLIGHT_MAX_OUTPUT_RATIO": 64,  # and at most 1 MiB + this many bytes per byte of code (0: no relative limit)
    "HIGHLIGHT_CACHE_BYTES": 64 * 1024 * 1024,  # in-process result cache size (0: no in-process cache)
    "HIGHLIGHT_CACHE_MAX_ITEM_BYTES": 1024 * 1024,  # larger results are cached nowhere (neither in process nor in Redis)
    "HIGHLIGHT_CACHE_STATUS_HEADER": False,  # send X-Cache: hit/miss (for operators; it tells anyone which texts were highlighted)
    "HIGHLIGHT_CACHE_TTL": 7 * 24 * 3600,  # seconds a result stays in Redis
    "HIGHLIGHT_CACHE_PREFIX": "highlighter:",  # Redis key prefix
    "REDIS_URL": "",  # when set, results are cached in Redis (shared by workers and instances)
    "SESSION_COOKIE_NAME": "highlighter_session",  # no session is used; named in case one ever is
}


def create_app(config=None):
    app = Flask(__name__)
    app.config.update(DEFAULTS)
    app.config.update(settings_from_env())
    if config:
        app.config.update(config)
    check_settings(app.config)
    # Bodies hold JSON-escaped code: leave room for escaping (see bodies.body_limit).
    from apps.highlighter import bodies

    app.config["MAX_CONTENT_LENGTH"] = bodies.body_limit(app.config["HIGHLIGHT_MAX_BYTES"])
    app.config["MAX_FORM_MEMORY_SIZE"] = app.config["MAX_CONTENT_LENGTH"]
    app.json.sort_keys = False

    from apps.highlighter import api, fastpath, hosts, http, legacy, pages, results, stylesheets

    app.extensions["highlighter.results"] = results.from_config(app.config)
    app.extensions["highlighter.output_budget"] = api.core.OutputBudget(
        app.config["HIGHLIGHT_MAX_OUTPUT_BYTES"], app.config["HIGHLIGHT_MAX_OUTPUT_RATIO"])
    http.init_app(app)
    app.wsgi_app = app.extensions["highlighter.fastpath"] = fastpath.FastPath(
        app.wsgi_app, app.extensions["highlighter.results"], app.extensions["highlighter.cors"],
        app.config["HIGHLIGHT_CACHE_STATUS_HEADER"])
    app.wsgi_app = hosts.TrustedHosts(app.wsgi_app, app.config.get("ALLOWED_HOSTS", sitewide.allowed_hosts()))
    app.register_blueprint(api.blueprint)
    app.register_blueprint(stylesheets.blueprint)
    app.register_blueprint(legacy.blueprint)
    app.register_blueprint(pages.blueprint)

    @app.context_processor
    def site():
        return sitewide.page_context()

    @app.get("/_health")
    def health():
        return jsonify(status="ok", pygments=api.core.PYGMENTS_VERSION)

    return app


def settings_from_env(environ=os.environ):
    """Each default can be overridden by the environment variable of the same name."""
    settings = {}
    for name, default in DEFAULTS.items():
        if name in environ:
            try:
                settings[name] = parse_boolean(environ[name]) if type(default) is bool else type(default)(environ[name])
            except ValueError:
                raise RuntimeError(f"{name}={environ[name]!r} is not a valid {type(default).__name__}.") from None
    return settings


def parse_boolean(text):
    word = text.strip().lower()
    if word in ("1", "true", "yes", "on"):
        return True
    if word in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(text)


def check_settings(config):
    """Refuse impossible limits at start-up, naming the variable."""
    bounds = {
        "HIGHLIGHT_MAX_BYTES": (1, 256 * 1024 * 1024),
        "HIGHLIGHT_TIMEOUT": (0.01, 600),
        "HIGHLIGHT_WORKERS": (1, 64),
        "HIGHLIGHT_MAX_OUTPUT_BYTES": (0, 1 << 31),
        "HIGHLIGHT_MAX_OUTPUT_RATIO": (0, 1 << 20),
        "HIGHLIGHT_CACHE_BYTES": (0, 1 << 40),
        "HIGHLIGHT_CACHE_MAX_ITEM_BYTES": (0, 1 << 31),
        "HIGHLIGHT_CACHE_TTL": (1, 1 << 31),
    }
    for name, (low, high) in bounds.items():
        value = config[name]
        if not low <= value <= high:
            raise RuntimeError(f"{name}={value!r} is out of range [{low}, {high}].")
