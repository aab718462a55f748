"""The paste site as a WSGI app, for the composite or for any WSGI server on its own.

``application`` serves at the root, as ``config/settings.py`` says. The composite, which may
mount the site under a prefix (``/paste``), asks ``create_app(mount_prefix)`` instead: the
prefix reaches Django as settings, before it serves or collects anything.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()


def create_app(mount_prefix="", site=None):
    """The paste site mounted at ``mount_prefix`` (``""``: the root); ``site`` is the
    composite's part of the shared contract (``apps.sitewide``)."""
    from apps import sitewide
    from django.conf import settings
    from django.core.signals import setting_changed

    for name, value in mounted_at(mount_prefix).items():
        if getattr(settings, name) != value:
            setattr(settings, name, value)
            # What caches a setting drops it on this signal (the static files storage: STATIC_URL).
            setting_changed.send(sender=type(settings), setting=name, value=value, enter=True)
    with sitewide.handing(site):
        return sitewide.handed_over(get_wsgi_application(), site)


def mounted_at(prefix):
    """The settings that carry a mount prefix into URLs and cookies.

    ``reverse()`` through ``FORCE_SCRIPT_NAME``; ``{% static %}`` through an absolute
    ``STATIC_URL`` (a relative one is prefixed once, with whatever prefix was current when it
    was first read: WhiteNoise's recipe); cookies through their paths, so they never leak to
    the sibling apps.
    """
    return {
        "FORCE_SCRIPT_NAME": prefix or None,
        "STATIC_URL": prefix + "/static/",
        "SESSION_COOKIE_PATH": prefix + "/",
        "CSRF_COOKIE_PATH": prefix + "/",
        "LANGUAGE_COOKIE_PATH": prefix + "/",
    }
