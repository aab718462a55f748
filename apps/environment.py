"""Settings from the environment, declared once, typed, checked at start-up.

Every setting of every app, of the composition and of the gunicorn configuration is declared
here-style, one line each (a code default plus an environment override, as Warehouse's
``maybe_set`` or Flask's ``Config.from_prefixed_env``)::

    WORKERS = environment.Integer("HIGHLIGHT_WORKERS", 2, minimum=1, maximum=64)
    WORKERS.read()                 # 2, or $HIGHLIGHT_WORKERS as an int within its bounds
    WORKERS.coerce(3)              # a value given in code (a factory's config), checked alike

A bad value raises ``ConfigError``, whose one-line message always reads
``NAME='value': expected <what>.``; the servers print that line and stop before serving.
Each declaration is recorded in ``DECLARED``, so the README's configuration table can be
checked against what the code reads (tests/test_environment.py).

Framework-free; imports no app.
"""

import json
import math
import os
import re

DECLARED = {}  # name -> [Setting, ...]: one name may be read in several places (PORT, DEBUG)
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")
PASSWORD_IN_URL = re.compile(r":[^:@/\s]*@")  # the password of user:password@host
SIZE_UNITS = {"": 1, "k": 1024, "kb": 1024, "kib": 1024, "m": 1024**2, "mb": 1024**2, "mib": 1024**2,
              "g": 1024**3, "gb": 1024**3, "gib": 1024**3}


class ConfigError(Exception):
    """A setting is malformed: ``NAME='value': expected <what>.``

    The message goes to logs and terminals, so a password written in a URL's user part
    (``redis://user:secret@host``, even in a URL too malformed to parse) is shown as ``***``.
    """

    def __init__(self, name, value, expected):
        self.name, self.value, self.expected = name, value, expected
        super().__init__(f"{name}={shown(value)!r}: expected {expected}.")


def shown(value):
    """``value`` as an error may print it: any ``:password@`` in it masked."""
    return PASSWORD_IN_URL.sub(":***@", value) if isinstance(value, str) else value


class Setting:
    """One variable: its name, its default, and how its text becomes a value.

    ``read(environ)`` gives the default when the variable is unset (or empty, unless
    ``empty_is_value``); ``coerce(value)`` accepts the text or an already-typed value.
    """

    expected = "text"

    def __init__(self, name, default, *, empty_is_value=False):
        self.name, self.default, self.empty_is_value = name, default, empty_is_value
        DECLARED.setdefault(name, []).append(self)

    def read(self, environ=None):
        raw = (os.environ if environ is None else environ).get(self.name)
        if raw is None or (raw.strip() == "" and not self.empty_is_value):
            return self.default
        return self.coerce(raw)

    def is_set(self, environ=None):
        """Whether the environment gives a value (an empty one only counts with ``empty_is_value``),
        as ``read`` decides: an empty variable never hides a value given in code."""
        raw = (os.environ if environ is None else environ).get(self.name)
        return raw is not None and (raw.strip() != "" or self.empty_is_value)

    def coerce(self, value):
        try:
            return self.convert(value)
        except (TypeError, ValueError):
            raise ConfigError(self.name, value, self.expected) from None

    def convert(self, value):
        return str(value)

    def fail(self, value, expected=None):
        """Raise the one error for this variable (for checks that span settings)."""
        raise ConfigError(self.name, value, expected or self.expected)


class Text(Setting):
    """A string, spaces around it removed; ``empty_is_value``: an empty string counts."""

    def convert(self, value):
        if not isinstance(value, str):
            raise TypeError
        return value.strip()


class Boolean(Setting):
    expected = "true or false (also 1/0, yes/no, on/off)"

    def convert(self, value):
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValueError(value)


class Integer(Setting):
    """A whole number within ``[minimum, maximum]`` (either may be None: unbounded)."""

    noun, hint = "a whole number", ""

    def __init__(self, name, default, *, minimum=None, maximum=None, **options):
        super().__init__(name, default, **options)
        self.minimum, self.maximum = minimum, maximum
        self.expected = self.noun + bounds(minimum, maximum) + self.hint

    def convert(self, value):
        if isinstance(value, bool) or isinstance(value, float):
            raise TypeError
        number = self.parse(value.strip()) if isinstance(value, str) else int(value)
        return within(number, self.minimum, self.maximum)

    def parse(self, text):
        return int(text)


class Size(Integer):
    """A number of bytes: ``16777216``, ``16MiB``, ``512 KiB``, ``2GB`` (all powers of 1024)."""

    noun, hint = "a number of bytes", " (e.g. 1048576 or 1MiB)"

    def parse(self, text):
        match = re.fullmatch(r"(\d+)\s*([a-zA-Z]*)", text)
        if match is None or match.group(2).lower() not in SIZE_UNITS:
            raise ValueError(text)
        return int(match.group(1)) * SIZE_UNITS[match.group(2).lower()]


class Number(Setting):
    """A finite number within ``[minimum, maximum]``; ``above``: strictly greater than it."""

    def __init__(self, name, default, *, minimum=None, maximum=None, above=None, **options):
        super().__init__(name, default, **options)
        self.minimum, self.maximum, self.above = minimum, maximum, above
        self.expected = "a number" + (f" above {show(above)}" if above is not None else bounds(minimum, maximum))

    def convert(self, value):
        if isinstance(value, bool):
            raise TypeError
        number = float(value)
        if not math.isfinite(number) or (self.above is not None and number <= self.above):
            raise ValueError(value)
        return within(number, self.minimum, self.maximum)


class Words(Setting):
    """A comma-separated list (``example.com,www.example.com``), as a tuple; each item may be
    checked by ``item`` (a function that raises ValueError or returns the item normalised)."""

    def __init__(self, name, default=(), *, item=None, expected="a comma-separated list", **options):
        super().__init__(name, tuple(default), **options)
        self.item, self.expected = item, expected

    def convert(self, value):
        items = value.split(",") if isinstance(value, str) else list(value)
        words = [str(word).strip() for word in items if str(word).strip()]
        return tuple(self.item(word) for word in words) if self.item else tuple(words)


class Prefix(Setting):
    """A URL mount prefix: ``""`` for the root, else ``/something`` without a trailing slash."""

    expected = "a URL path such as /paste (empty for the root)"

    def __init__(self, name, default="", **options):
        super().__init__(name, default, empty_is_value=True, **options)

    def convert(self, value):
        text = value.strip().strip("/")
        prefix = "/" + text if text else ""
        if any(c in prefix for c in "?#% \t\r\n"):
            raise ValueError(value)
        return prefix


class Checked(Text):
    """Text that ``check`` accepts (it raises ValueError otherwise), e.g. a rate or a peer list."""

    def __init__(self, name, default, *, check, expected, **options):
        super().__init__(name, default, **options)
        self.check, self.expected = check, expected

    def convert(self, value):
        text = super().convert(value)
        self.check(text)
        return text


class Url(Text):
    """A URL with one of ``schemes`` (``redis://``, ``https://``…), or empty for none."""

    def __init__(self, name, default="", *, schemes, **options):
        super().__init__(name, default, **options)
        self.schemes = tuple(f"{scheme}://" for scheme in schemes)
        self.expected = "a URL starting with " + " or ".join(self.schemes) + " (or nothing)"

    def convert(self, value):
        text = super().convert(value)
        if text and not text.lower().startswith(self.schemes):
            raise ValueError(value)
        return text


class Json(Setting):
    """A JSON document (``SITE_NAV``); ``check`` turns the parsed value into the setting's value."""

    def __init__(self, name, default, *, check=lambda value: value, expected="JSON", **options):
        super().__init__(name, default, **options)
        self.check, self.expected = check, expected

    def convert(self, value):
        return self.check(json.loads(value) if isinstance(value, str) else value)


def bounds(minimum, maximum):
    if minimum is not None and maximum is not None:
        return f" from {show(minimum)} to {show(maximum)}"
    if minimum is not None:
        return f" of at least {show(minimum)}"
    if maximum is not None:
        return f" of at most {show(maximum)}"
    return ""


def show(number):
    return f"{number:g}" if isinstance(number, float) else str(number)


def within(number, minimum, maximum):
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise ValueError(number)
    return number


def load(settings, config=None, environ=None):
    """``{name: value}`` for each of ``settings``, every value checked: ``config``'s (a
    factory's explicit configuration) when it names the setting, else the environment's,
    else the setting's default. The config beats the environment, which beats the default."""
    config = config or {}
    return {s.name: s.coerce(config[s.name]) if s.name in config else s.read(environ) for s in settings}


# Settings read by more than one part of the site, declared once here: the highlighter's
# result cache, the paste site's cache and the composite's rate limits share one Redis.
REDIS_URL = Url("REDIS_URL", schemes=("redis", "rediss", "unix"))


def names(environ=None):
    """The names the environment sets (to look for a platform's marker variables)."""
    return sorted(os.environ if environ is None else environ)


def declared_names():
    """Every variable some imported module declared."""
    return set(DECLARED)
