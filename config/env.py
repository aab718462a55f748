"""Typed reading of the environment: every setting is a code default plus an override.

Bad values fail at start-up with a message that names the variable, never at the first
request (STYLE.md: "fail loudly at start-up on bad config").
"""

import os


class ConfigError(Exception):
    """A setting from the environment is missing or malformed."""


def string(name, default=""):
    return os.environ.get(name, default)


def boolean(name, default=False):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean; use true or false.")


def integer(name, default, minimum=None, maximum=None):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number.") from None
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ConfigError(f"{name}={value} is out of range [{minimum}, {maximum}].")
    return value


def number(name, default, minimum=None):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number.") from None
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name}={value} must be at least {minimum}.")
    return value


def words(name, default=()):
    """A comma-separated list: ``ALLOWED_HOSTS=example.com,www.example.com``."""
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def prefix(name, default=""):
    """A URL mount prefix: empty for the root, else ``/something`` without a trailing slash."""
    raw = os.environ.get(name, default).strip()
    value = "/" + raw.strip("/") if raw.strip("/") else ""
    if any(c in value for c in "?#% \t\r\n"):
        raise ConfigError(f"{name}={raw!r} is not a valid URL prefix.")
    return value
