"""Which ``Host`` the diff viewer answers to: the site's allowed hosts, checked by Werkzeug.

Inside the composite the site checks Host at its door; deployed apart, the diff viewer must
not build a URL or a redirect from a name an attacker chose, so it checks again. The names
are the site's one list (``apps.sitewide.allowed_host_names()``, Django's syntax:
``example.com``, ``.example.com`` for it and its subdomains, ``*`` for any); the matching is
Werkzeug's ``host_is_trusted``, which also refuses malformed Host values. No names listed
means no host is answered (as Django does), except in DEBUG, where the loopback names are.
"""

from werkzeug.sansio.utils import host_is_trusted

from apps import sitewide


def allowed(debug: bool) -> tuple:
    names = tuple(sitewide.allowed_host_names())
    return names or (tuple(sitewide.DEVELOPMENT_HOSTS) if debug else ())


def trusted(host: str, names: tuple) -> bool:
    """Whether a ``Host`` value (``name[:port]``) may be served, given the allowed ``names``."""
    if "*" in names:
        return host_is_trusted(host, None)
    if host.startswith("[") and host_is_trusted(host, None):  # IPv6: Werkzeug's list cannot name one
        return host[: host.find("]") + 1].lower() in names
    return bool(names) and host_is_trusted(host, names)


def refusal(host: str) -> str:
    shown = host[:100].encode("ascii", "backslashreplace").decode("ascii")
    return f"This site does not answer to the host name {shown!r}. Check the address you used."
