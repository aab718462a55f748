"""The highlighter's settings: code defaults, each overridden by the environment variable of
the same name, then by the factory's ``config``; all checked at start-up (``apps.environment``).

Framework-free, so the app, its tests and its callers can read them without importing Flask.
"""

from apps import environment as env

MIB = 1024 * 1024
SETTINGS = (
    env.Size("HIGHLIGHT_MAX_BYTES", MIB, minimum=1, maximum=256 * MIB),  # largest code accepted, in UTF-8 bytes
    env.Number("HIGHLIGHT_TIMEOUT", 2.0, minimum=0.01, maximum=600),  # seconds one highlight may take before it is killed
    env.Integer("HIGHLIGHT_WORKERS", 2, minimum=1, maximum=64),  # highlighter processes per server process (caps concurrency)
    # origins whose browser JavaScript may call the API: *, a comma list, or "" for none
    env.Text("HIGHLIGHT_CORS_ORIGINS", "*", empty_is_value=True),
    # largest output sent, in bytes as JSON (0: no absolute limit)
    env.Size("HIGHLIGHT_MAX_OUTPUT_BYTES", 16 * MIB, minimum=0, maximum=1 << 31),
    # and at most 1 MiB + this many bytes per byte of code (0: no relative limit)
    env.Integer("HIGHLIGHT_MAX_OUTPUT_RATIO", 64, minimum=0, maximum=1 << 20),
    env.Size("HIGHLIGHT_CACHE_BYTES", 64 * MIB, minimum=0, maximum=1 << 40),  # in-process result cache (0: none)
    # larger results are cached nowhere (neither in process nor in Redis)
    env.Size("HIGHLIGHT_CACHE_MAX_ITEM_BYTES", MIB, minimum=0, maximum=1 << 31),
    # send X-Cache: hit/miss (for operators; it tells anyone which texts were highlighted)
    env.Boolean("HIGHLIGHT_CACHE_STATUS_HEADER", False),
    env.Integer("HIGHLIGHT_CACHE_TTL", 7 * 24 * 3600, minimum=1, maximum=1 << 31),  # seconds a result stays in Redis
    env.Text("HIGHLIGHT_CACHE_PREFIX", "highlighter:", empty_is_value=True),  # Redis key prefix
    env.REDIS_URL,  # when set, results are cached in Redis (shared by workers and instances)
)
DEFAULTS = {
    **{setting.name: setting.default for setting in SETTINGS},
    "SESSION_COOKIE_NAME": "highlighter_session",  # no session is used; named in case one ever is
}


def settings_from_env(environ=None):
    """The settings the environment sets, typed (``ConfigError`` naming a bad one)."""
    return {setting.name: setting.read(environ) for setting in SETTINGS if setting.is_set(environ)}


def check_settings(config):
    """Check (and type) every setting in ``config``, values given in code included, so an
    impossible limit stops the app at start-up with the variable's name."""
    for setting in SETTINGS:
        config[setting.name] = setting.coerce(config[setting.name])
