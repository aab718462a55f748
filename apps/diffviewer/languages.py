"""The diff form's language menu: the highlighter's lexers, asked rarely.

The same list and the same menu as the paste site's (``highlightclient.catalog`` and
``highlightclient.language_menu``), fetched at most once per ``TTL`` per process and kept in
memory: every form asks for it, and asking each time would cost a request to another app.
When the highlighter does not answer there is no menu (the form keeps a text field, which
takes any lexer name) and it is asked again after ``RETRY`` seconds.
"""

import threading
import time

import httpx

from apps import highlightclient, sitewide

TTL = 3600.0
RETRY = 30.0
_lock = threading.Lock()
_menus = {}  # highlighter base URL -> (menu, monotonic time to ask again)


def menu(environ, timeout):
    """``((alias, name), …)`` of the configured highlighter, or ``()`` when none answers."""
    base = sitewide.service_url("highlighter")
    if base is None:
        return ()
    offered, ask_at = _menus.get(base, ((), 0.0))
    if time.monotonic() < ask_at:
        return offered
    with _lock:
        offered, ask_at = _menus.get(base, ((), 0.0))
        if time.monotonic() < ask_at:
            return offered
        fetched = fetch(environ, timeout)
        if fetched is None:
            _menus[base] = (offered, time.monotonic() + RETRY)
            return offered
        _menus[base] = (fetched, time.monotonic() + TTL)
        return fetched


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
    _menus.clear()
