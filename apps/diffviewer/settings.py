"""The diff viewer's settings: code defaults, overridden by the environment, checked at start-up.

``load(config)`` gives a ``Settings``; a bad value raises ``SettingsError`` naming the variable,
so the app refuses to start rather than failing at the first request.
"""

import os
from dataclasses import dataclass, fields
from urllib.parse import urlsplit


class SettingsError(Exception):
    """A diff viewer setting is malformed."""


@dataclass(frozen=True)
class Settings:
    DIFF_MAX_BYTES: int = 2 * 1024 * 1024  # largest text per side, in UTF-8 bytes (413 above)
    DIFF_MAX_RENDER_LINES: int = 20_000  # diff lines put in one page; the rest is in the .patch
    DIFF_ALLOWED_ORIGINS: tuple = ()  # origins /compare may fetch from, besides co-mounted site paths
    DIFF_FETCH_TIMEOUT: float = 5.0  # seconds for one /compare fetch
    DIFF_HIGHLIGHT_TIMEOUT: float = 1.5  # seconds for one token request to the highlighter
    DIFF_HIGHLIGHT_MAX_BYTES: int = 512 * 1024  # larger texts are shown without token colours
    DIFF_TIMEOUT: float = 5.0  # seconds one diff's work may take; its process is killed after (422)
    DIFF_WORKERS: int = 2  # diff processes per server process (more requests wait, then 503)
    DIFF_MAX_WAITING: int = 1  # requests that may wait for a busy diff process at once (503 beyond)
    DIFF_MAX_OUTPUT_BYTES: int = 32 * 1024 * 1024  # largest JSON or patch answer (413 above)
    DEBUG: bool = False  # reload templates when they change

    @property
    def max_body_bytes(self):
        """The largest request body read: both texts plus room for names, options and encoding."""
        return 2 * self.DIFF_MAX_BYTES * 3 + 64 * 1024  # urlencoding can triple non-ASCII text


def load(config=None, environ=os.environ):
    """Defaults, then ``environ`` (variables of the same name), then ``config``; all checked."""
    values = {}
    for field in fields(Settings):
        if field.name in environ:
            values[field.name] = _coerce(field.name, field.default, environ[field.name])
    for name, raw in (config or {}).items():
        key = "DEBUG" if name == "debug" else name
        if key not in Settings.__dataclass_fields__:
            raise SettingsError(f"Unknown diff viewer setting {name!r}.")
        values[key] = _coerce(key, getattr(Settings, key), raw)
    return Settings(**values)


def _coerce(name, default, raw):
    if isinstance(default, bool):
        return _boolean(name, raw)
    if isinstance(default, int):
        return _positive(name, raw, int)
    if isinstance(default, float):
        return _positive(name, raw, float)
    return origins(name, raw)


def _boolean(name, raw):
    if isinstance(raw, bool):
        return raw
    value = str(raw).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise SettingsError(f"{name}={raw!r} is not a boolean; use true or false.")


def _positive(name, raw, kind):
    try:
        if isinstance(raw, bool):
            raise ValueError
        value = kind(raw)
    except (TypeError, ValueError):
        raise SettingsError(f"{name}={raw!r} is not a {'whole number' if kind is int else 'number'}.") from None
    if value <= 0:
        raise SettingsError(f"{name}={raw!r} must be greater than 0.")
    return value


def origins(name, raw):
    """``http://127.0.0.1:8000,https://paste.example.com`` → normalized origins, checked."""
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    result = []
    for item in (str(i).strip() for i in items):
        if not item:
            continue
        origin = normalize_origin(item)
        if origin is None:
            raise SettingsError(
                f"{name}: {item!r} is not an origin; write scheme://host[:port], e.g. https://paste.example.com."
            )
        result.append(origin)
    return tuple(result)


def normalize_origin(url):
    """``scheme://host[:port]`` in canonical form (lower case, default port dropped), or None.

    Only plain http(s) origins qualify: no user info, path, query, fragment or escapes.
    """
    if any(c in url for c in "%\\@ \t\r\n") or not url.isascii():
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        return None
    if parts.query or parts.fragment or parts.username is not None:
        return None
    default = {"http": 80, "https": 443}[parts.scheme]
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    return f"{parts.scheme}://{host}" + ("" if port in (None, default) else f":{port}")
