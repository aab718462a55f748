"""The highlighter's settings: code defaults, each overridden by the environment variable of
the same name, checked at start-up. Framework-free, so the app, its tests and its callers can
read them without importing Flask.
"""

import os

DEFAULTS = {
    "HIGHLIGHT_MAX_BYTES": 1024 * 1024,  # largest code accepted, in UTF-8 bytes
    "HIGHLIGHT_TIMEOUT": 2.0,  # seconds one highlight may take before it is killed
    "HIGHLIGHT_WORKERS": 2,  # highlighter processes per server process (caps concurrency)
    "HIGHLIGHT_CORS_ORIGINS": "*",  # origins whose browser JavaScript may call the API: *, a comma list, or "" for none
    "HIGHLIGHT_MAX_OUTPUT_BYTES": 16 * 1024 * 1024,  # largest output sent, in bytes as JSON (0: no absolute limit)
    "HIGHLIGHT_MAX_OUTPUT_RATIO": 64,  # and at most 1 MiB + this many bytes per byte of code (0: no relative limit)
    "HIGHLIGHT_CACHE_BYTES": 64 * 1024 * 1024,  # in-process result cache size (0: no in-process cache)
    "HIGHLIGHT_CACHE_MAX_ITEM_BYTES": 1024 * 1024,  # larger results are cached nowhere (neither in process nor in Redis)
    "HIGHLIGHT_CACHE_STATUS_HEADER": False,  # send X-Cache: hit/miss (for operators; it tells anyone which texts were highlighted)
    "HIGHLIGHT_CACHE_TTL": 7 * 24 * 3600,  # seconds a result stays in Redis
    "HIGHLIGHT_CACHE_PREFIX": "highlighter:",  # Redis key prefix
    "REDIS_URL": "",  # when set, results are cached in Redis (shared by workers and instances)
    "SESSION_COOKIE_NAME": "highlighter_session",  # no session is used; named in case one ever is
}


def settings_from_env(environ=os.environ):
    """Each default can be overridden by the environment variable of the same name."""
    settings = {}
    for name, default in DEFAULTS.items():
        if name in environ:
            try:
                settings[name] = parse_boolean(environ[name]) if type(default) is bool else type(default)(environ[name])
            except ValueError:
                raise RuntimeError(f"{name}={environ[name]!r} is not a valid {type(default).__name__}.") from None
    return settings


def parse_boolean(text):
    word = text.strip().lower()
    if word in ("1", "true", "yes", "on"):
        return True
    if word in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(text)


def check_settings(config):
    """Refuse impossible limits at start-up, naming the variable."""
    bounds = {
        "HIGHLIGHT_MAX_BYTES": (1, 256 * 1024 * 1024),
        "HIGHLIGHT_TIMEOUT": (0.01, 600),
        "HIGHLIGHT_WORKERS": (1, 64),
        "HIGHLIGHT_MAX_OUTPUT_BYTES": (0, 1 << 31),
        "HIGHLIGHT_MAX_OUTPUT_RATIO": (0, 1 << 20),
        "HIGHLIGHT_CACHE_BYTES": (0, 1 << 40),
        "HIGHLIGHT_CACHE_MAX_ITEM_BYTES": (0, 1 << 31),
        "HIGHLIGHT_CACHE_TTL": (1, 1 << 31),
    }
    for name, (low, high) in bounds.items():
        value = config[name]
        if not low <= value <= high:
            raise RuntimeError(f"{name}={value!r} is out of range [{low}, {high}].")
