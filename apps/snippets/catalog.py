"""What the highlighter offers (lexers, styles) and which version it is, asked rarely.

The lists are fetched from the highlighter's ``/api/lexers`` and ``/api/styles`` at most
once per ``catalog_ttl`` per process and kept in memory: the create page and every
snippet page need them, and asking each time would cost a request to another app.
When the highlighter does not answer, the last lists are kept (or none) and it is
asked again after ``catalog_retry`` seconds; callers then accept what they cannot check.
"""

import threading
import time
from dataclasses import dataclass, field
from functools import cached_property

import httpx
from django.apps import apps

from apps import sitewide


@dataclass(frozen=True)
class Catalog:
    lexers: tuple = ()  # ({"name", "aliases", "filenames", "mimetypes"}, ...) by name
    styles: tuple = ()  # style names
    version: str = ""  # changes when the highlighter's output may change
    names: dict = field(default_factory=dict)  # lower-cased alias or name -> alias to store

    @property
    def known(self):
        return bool(self.lexers)

    @cached_property
    def menu(self):
        """``((alias, name), ...)``: the lexers to offer in a language menu (plain text aside)."""
        return tuple(
            ((entry.get("aliases") or [entry["name"]])[0], entry["name"])
            for entry in self.lexers
            if entry.get("aliases") != ["text"]
        )

    def lexer_alias(self, requested):
        """The alias to store for a lexer name or alias (any case), or None if unknown."""
        return self.names.get(requested.strip().lower())


EMPTY = Catalog()
_lock = threading.Lock()
_entries = {}  # highlighter base URL -> (Catalog, monotonic time to ask again)


def current(environ):
    """The catalog of the configured highlighter (EMPTY when none is reachable)."""
    base = sitewide.service_url("highlighter")
    if base is None:
        return EMPTY
    catalog, refresh_at = _entries.get(base, (EMPTY, 0.0))
    if time.monotonic() < refresh_at:
        return catalog
    with _lock:
        catalog, refresh_at = _entries.get(base, (EMPTY, 0.0))
        if time.monotonic() < refresh_at:
            return catalog
        config = apps.get_app_config("snippets")
        fetched = fetch(environ, config.highlight_timeout)
        if fetched is None:
            _entries[base] = (catalog, time.monotonic() + config.catalog_retry)
            return catalog
        _entries[base] = (fetched, time.monotonic() + config.catalog_ttl)
        return fetched


def known_versions():
    """Every highlighter version this process has seen (and "" for none): renderings are keyed by it."""
    return {EMPTY.version} | {catalog.version for catalog, _ in list(_entries.values())}


def forget():
    """Drop what was fetched (tests; a deploy of a new highlighter is picked up by TTL)."""
    _entries.clear()


def fetch(environ, timeout):
    client = sitewide.service_client("highlighter", environ, timeout=httpx.Timeout(timeout, connect=1.0))
    if client is None:
        return None
    try:
        with client:
            lexers = client.get("/api/lexers")
            styles = client.get("/api/styles")
            health = client.get("/_health")
        lexer_list = lexers.json() if lexers.status_code == 200 else None
        style_list = styles.json() if styles.status_code == 200 else []
        health_data = health.json() if health.status_code == 200 else {}
    except (httpx.HTTPError, ValueError):
        return None
    if not isinstance(lexer_list, list):
        return None
    return build(lexer_list, style_list, health_data, lexers.headers.get("X-Highlighter-Version"))


def build(lexer_list, style_list, health, version_header=None):
    lexers = tuple(entry for entry in lexer_list if isinstance(entry, dict) and entry.get("name"))
    names = {}
    for entry in lexers:
        alias = (entry.get("aliases") or [entry["name"]])[0]
        for name in entry.get("aliases") or []:
            names.setdefault(name.lower(), alias)
    for entry in lexers:
        names.setdefault(entry["name"].lower(), (entry.get("aliases") or [entry["name"]])[0])
    styles = tuple(
        (item.get("name") if isinstance(item, dict) else item) for item in (style_list if isinstance(style_list, list) else [])
    )
    version = version_header or (health.get("pygments") if isinstance(health, dict) else None) or "unknown"
    return Catalog(lexers=lexers, styles=tuple(s for s in styles if isinstance(s, str)), version=str(version), names=names)
