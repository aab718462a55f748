"""The highlighter's Flask app: ``create_app(config)`` builds it from the settings.

Kept apart from ``apps/highlighter/__init__.py`` so that importing ``apps.highlighter.core``
(as the killable worker processes do) never imports Flask.
"""

from flask import Flask, jsonify

from apps import sitewide
from apps.highlighter.settings import DEFAULTS, check_settings, settings_from_env


def create_app(config=None, site=None):
    with sitewide.handing(site):
        app = build(config)
    app.wsgi_app = sitewide.handed_over(app.wsgi_app, site)
    return app


def build(config):
    app = Flask("apps.highlighter")  # the package: its templates, static files and logger name
    app.config.update(DEFAULTS)
    app.config.update(settings_from_env())
    if config:
        app.config.update(config)
    check_settings(app.config)
    sitewide.check_environment()
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
