"""The highlighter: Pygments as an HTTP service any language can call.

``create_app()`` returns the Flask app (built in ``apps.highlighter.app``);
``flask --app apps.highlighter run`` runs it alone. The highlighting itself lives in
``apps.highlighter.core``, which imports no web framework; so does this package's
``__init__``: Flask is imported only when an app is made. The API is described in
docs/highlighter.md and, machine-readably, at ``/api/openapi.json``.
"""

from apps.highlighter.settings import DEFAULTS, settings_from_env

__all__ = ["DEFAULTS", "create_app", "settings_from_env"]


def create_app(config=None, site=None):
    """The highlighter's Flask app; ``config`` overrides the defaults and the environment,
    ``site`` is the composite's part of the shared contract (``apps.sitewide``)."""
    from apps.highlighter.app import create_app

    return create_app(config, site)
