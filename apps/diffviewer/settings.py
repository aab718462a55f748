"""The diff viewer's settings: code defaults, overridden by the environment, then by the
factory's ``config``; all checked at start-up (``apps.environment``).

``load(config)`` gives a ``Settings``; a bad value raises ``ConfigError`` naming the variable,
so the app refuses to start rather than failing at the first request.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from apps import environment as env
from apps.environment import ConfigError

MIB = 1024 * 1024
ORIGINS = "comma-separated origins scheme://host[:port], e.g. https://paste.example.com"


def origin(item):
    """One origin of ``DIFF_ALLOWED_ORIGINS``, normalised; ValueError if it is not one."""
    normalized = normalize_origin(item)
    if normalized is None:
        raise ValueError(item)
    return normalized


SETTINGS = (
    env.Size("DIFF_MAX_BYTES", 2 * MIB, minimum=1),  # largest text per side, in UTF-8 bytes (413 above)
    env.Integer("DIFF_MAX_RENDER_LINES", 20_000, minimum=1),  # diff lines put in one page; the rest is in the .patch
    env.Words("DIFF_ALLOWED_ORIGINS", item=origin, expected=ORIGINS),  # /compare may fetch from, besides site paths
    env.Number("DIFF_FETCH_TIMEOUT", 5.0, above=0),  # seconds for one /compare fetch
    env.Number("DIFF_HIGHLIGHT_TIMEOUT", 1.5, above=0),  # seconds for one token request to the highlighter
    env.Size("DIFF_HIGHLIGHT_MAX_BYTES", 512 * 1024, minimum=1),  # larger texts are shown without token colours
    env.Number("DIFF_TIMEOUT", 5.0, above=0),  # seconds one diff's work may take; its process is killed after (422)
    env.Integer("DIFF_WORKERS", 2, minimum=1),  # diff processes per server process (more requests wait, then 503)
    env.Integer("DIFF_MAX_WAITING", 1, minimum=1),  # requests that may wait for a busy diff process (503 beyond)
    env.Size("DIFF_MAX_OUTPUT_BYTES", 32 * MIB, minimum=1),  # largest JSON or patch answer (413 above)
    env.Boolean("DEBUG", False),  # reload templates when they change
)
DECLARED = {setting.name: setting for setting in SETTINGS}


@dataclass(frozen=True)
class Settings:
    DIFF_MAX_BYTES: int
    DIFF_MAX_RENDER_LINES: int
    DIFF_ALLOWED_ORIGINS: tuple
    DIFF_FETCH_TIMEOUT: float
    DIFF_HIGHLIGHT_TIMEOUT: float
    DIFF_HIGHLIGHT_MAX_BYTES: int
    DIFF_TIMEOUT: float
    DIFF_WORKERS: int
    DIFF_MAX_WAITING: int
    DIFF_MAX_OUTPUT_BYTES: int
    DEBUG: bool

    @property
    def max_body_bytes(self):
        """The largest request body read: both texts plus room for names, options and encoding."""
        return 2 * self.DIFF_MAX_BYTES * 3 + 64 * 1024  # urlencoding can triple non-ASCII text


def load(config=None, environ=None):
    """Defaults, then ``environ`` (variables of the same name), then ``config``; all checked."""
    config = {"DEBUG" if name == "debug" else name: value for name, value in (config or {}).items()}
    for name, value in config.items():
        if name not in DECLARED:
            raise ConfigError(name, value, f"one of the diff viewer's settings ({', '.join(DECLARED)})")
    return Settings(**env.load(SETTINGS, config, environ))


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
