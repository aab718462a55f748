"""What the highlighter offers (lexers, styles) and which version it is, asked rarely.

The lists are fetched from the highlighter's ``/api/lexers`` and ``/api/styles``
(``apps.highlightclient.catalog``; the version is the ``X-Highlighter-Version`` its lexer
list is sent with) at most once per ``catalog_ttl`` per process and kept in memory: the create page and every
snippet page need them, and asking each time would cost a request to another app.
When the highlighter does not answer, the last lists are kept (or none) and it is
asked again after ``catalog_retry`` seconds; callers then accept what they cannot check.
"""

import fnmatch
import re
from dataclasses import dataclass, field
from functools import cached_property

import httpx
from django.apps import apps

from apps import highlightclient, sitewide

EXTENSION = re.compile(r"\*\.[A-Za-z0-9_+-]{1,16}")  # a plain ``*.py``; not ``*.x[bp]m`` nor ``Makefile``


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
        return highlightclient.language_menu(self.lexers)

    @cached_property
    def patterns(self):
        """Stored alias -> the file name patterns of its lexer (``*.py``, ``Makefile``)."""
        return {highlightclient.lexer_alias(entry): tuple(entry.get("filenames") or ()) for entry in self.lexers}

    def extension(self, alias):
        """The usual file name extension of the lexer stored as ``alias``, from its first
        ``*.<ext>`` pattern (``.py`` for python), or "" when it has none or is unknown."""
        for pattern in self.patterns.get(alias, ()):
            if EXTENSION.fullmatch(pattern):
                return pattern[1:]
        return ""

    @cached_property
    def display_names(self):
        """Stored alias -> the lexer's name as pages show it (``python`` -> ``Python``)."""
        return {highlightclient.lexer_alias(entry): entry["name"] for entry in self.lexers}

    def lexer_name(self, alias):
        """The name pages show for the lexer stored as ``alias`` (the alias itself when unknown)."""
        return self.display_names.get(alias, alias)

    def lexer_alias(self, requested):
        """The alias to store for a lexer name or alias (any case), or None if unknown."""
        return self.names.get(requested.strip().lower())

    def names_file(self, alias, filename):
        """Whether ``filename``'s last part matches a pattern of the lexer stored as ``alias``
        (as Pygments matches a lexer to a file name: case-sensitive globs)."""
        base = filename.replace("\\", "/").rsplit("/", 1)[-1]
        return bool(base) and any(fnmatch.fnmatchcase(base, pattern) for pattern in self.patterns.get(alias, ()))


EMPTY = Catalog()
_catalogs = highlightclient.Remembered(EMPTY)  # by the highlighter's base URL


def current(environ):
    """The catalog of the configured highlighter (EMPTY when none is reachable)."""
    base = sitewide.service_url("highlighter")
    if base is None:
        return EMPTY
    config = apps.get_app_config("snippets")
    return _catalogs.get(base, lambda: fetch(environ, config.highlight_timeout), config.catalog_ttl,
                         config.catalog_retry)


def known_versions():
    """Every highlighter version this process has seen (and "" for none): renderings are keyed by it."""
    return {EMPTY.version} | {catalog.version for catalog in _catalogs.values()}


def forget():
    """Drop what was fetched (tests; a deploy of a new highlighter is picked up by TTL)."""
    _catalogs.forget()


def fetch(environ, timeout):
    """The highlighter's catalog, asked now (None when it is nowhere or does not answer)."""
    client = sitewide.service_client("highlighter", environ, timeout=httpx.Timeout(timeout, connect=1.0))
    if client is None:
        return None
    try:
        with client:
            offered = highlightclient.catalog(client)
    except (highlightclient.Unavailable, highlightclient.Refused):
        return None
    return build(offered.lexers, offered.styles, offered.version)


def build(lexer_list, style_names, version):
    """A Catalog of the highlighter's lexers and styles, with the lookup of every alias and name."""
    lexers = tuple(lexer_list)
    names = {}
    for entry in lexers:
        alias = highlightclient.lexer_alias(entry)
        for name in entry.get("aliases") or []:
            names.setdefault(name.lower(), alias)
    for entry in lexers:
        names.setdefault(entry["name"].lower(), highlightclient.lexer_alias(entry))
    return Catalog(lexers=lexers, styles=tuple(style_names), version=version, names=names)
