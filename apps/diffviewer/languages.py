"""The diff form's language menu: the highlighter's lexers, asked rarely.

The same list and the same menu as the paste site's (``highlightclient.catalog`` and
``highlightclient.language_menu``), fetched at most once per ``TTL`` per process and kept in
memory: every form asks for it, and asking each time would cost a request to another app.
When the highlighter does not answer there is no menu (the form keeps a text field, which
takes any lexer name) and it is asked again after ``RETRY`` seconds.
"""

import httpx

from apps import highlightclient, sitewide

TTL = 3600.0
RETRY = 30.0
_menus = highlightclient.Remembered(())  # by the highlighter's base URL


def menu(environ, timeout):
    """``((alias, name), …)`` of the configured highlighter, or ``()`` when none answers."""
    base = sitewide.service_url("highlighter")
    if base is None:
        return ()
    return _menus.get(base, lambda: fetch(environ, timeout), TTL, RETRY)


def fetch(environ, timeout):
    """The menu, asked now (None when the highlighter is nowhere or does not answer)."""
    client = sitewide.service_client("highlighter", environ, timeout=httpx.Timeout(timeout, connect=min(1.0, timeout)))
    if client is None:
        return None
    try:
        with client:
            return highlightclient.language_menu(highlightclient.catalog(client).lexers)
    except (highlightclient.Unavailable, highlightclient.Refused):
        return None


def forget():
    """Drop what was fetched (tests)."""
    _menus.forget()
