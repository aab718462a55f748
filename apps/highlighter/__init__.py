"""The highlighter: Pygments as an HTTP service any language can call.

``create_app()`` returns the Flask app; ``flask --app apps.highlighter run`` runs it alone.
The highlighting itself lives in ``apps.highlighter.core``, which imports no web framework.
"""

import os

from flask import Flask, jsonify

from apps import sitewide

DEFAULTS = {
    "HIGHLIGHT_MAX_BYTES": 1024 * 1024,  # largest request body accepted
    "HIGHLIGHT_TIMEOUT": 2.0,  # seconds one highlight may take before it is killed
    "HIGHLIGHT_WORKERS": 2,  # highlighter processes per server process (caps concurrency)
    "HIGHLIGHT_CORS_ORIGINS": "*",  # origins whose browser JavaScript may call the JSON API
    "SESSION_COOKIE_NAME": "highlighter_session",
}


def create_app(config=None):
    app = Flask(__name__)
    app.config.update(DEFAULTS)
    app.config.update(settings_from_env())
    if config:
        app.config.update(config)
    app.config["MAX_CONTENT_LENGTH"] = int(app.config["HIGHLIGHT_MAX_BYTES"])

    from apps.highlighter import api, pages

    app.register_blueprint(api.blueprint)
    app.register_blueprint(pages.blueprint)

    @app.context_processor
    def site():
        return {"site_nav": sitewide.nav_links(), "site_stylesheet": sitewide.stylesheet()}

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
                settings[name] = type(default)(environ[name])
            except ValueError:
                raise RuntimeError(f"{name}={environ[name]!r} is not a valid {type(default).__name__}.") from None
    return settings
