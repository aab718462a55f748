"""What a visitor asked to compare: form, query or JSON fields checked into one ``DiffInput``.

Every entry point (the form, ``/compare``, the JSON and form API) goes through ``from_fields``
so the same words mean the same thing everywhere, and a bad value becomes an ``InputError``
that says which field is wrong.
"""

import re
from dataclasses import dataclass, field

from apps import textinput
from apps.diffviewer.core import WHITESPACE_MODES, DiffOptions

VIEWS = ("unified", "side-by-side")
OPTION_FIELDS = ("context", "whitespace", "ignore_blank_lines", "word_diff", "moved", "view", "lexer")
API_FIELDS = ("left", "right", "left_name", "right_name", "format") + OPTION_FIELDS
MAX_CONTEXT = 10_000
DEFAULT_CONTEXT = 3
MAX_NAME = 255


class InputError(Exception):
    """A request the diff viewer cannot serve; ``code`` and ``status`` go to the client.

    ``shown`` is what the error is about, as ``(label, text)`` pairs an error page shows as text.
    """

    def __init__(self, code, message, status=400, shown=()):
        super().__init__(message)
        self.code, self.message, self.status, self.shown = code, message, status, tuple(shown)


@dataclass(frozen=True)
class DiffInput:
    left: str = ""
    right: str = ""
    left_name: str = ""
    right_name: str = ""
    options: DiffOptions = field(default_factory=DiffOptions)
    view: str = "unified"
    lexer: str = ""

    @property
    def patch_names(self):
        """The ``---``/``+++`` names of the patch, as git writes them: ``a/<name>`` and ``b/<name>``,
        so that ``patch -p1`` and ``git apply`` find the file in a checkout.

        A side without a name takes the other's (one file, changed); with no names at all, ``a``
        and ``b``. Names already written git's way (``a/app.py``, ``b/app.py``) are not prefixed twice.
        """
        left, right = self.left_name, self.right_name
        if left.startswith("a/") and right.startswith("b/"):
            left, right = left[2:], right[2:]
        left, right = patch_path(left), patch_path(right)
        if not (left or right):
            return "a", "b"
        return f"a/{left or right}", f"b/{right or left}"


def patch_path(name):
    """A name as a relative path in a patch: no leading ``/``, no ``.`` or ``..`` parts."""
    parts = name.replace("\\", "/").split("/")
    return "/".join(part for part in parts if part not in ("", ".", ".."))


def base_name(name):
    """A file name as a name to show: its last path part, printable, bounded."""
    name = re.split(r"[/\\]", name)[-1]
    return "".join(c for c in name if c.isprintable())[:MAX_NAME]


def options_from_fields(fields):
    """DiffOptions, view and lexer from a mapping of strings (forms) or JSON values."""
    context = fields.get("context", "")
    if context == "":
        context = DEFAULT_CONTEXT
    elif context in (None, "all", "whole"):
        context = None  # the whole file
    elif isinstance(context, str) and context.isascii() and context.isdigit():
        context = int(context)
    if context is not None and (type(context) is not int or not 0 <= context <= MAX_CONTEXT):
        raise InputError("invalid_option", f"context must be a whole number from 0 to {MAX_CONTEXT}, or \"all\" for the whole file.")
    whitespace = fields.get("whitespace")
    if whitespace in ("", "none", None):
        whitespace = None
    if whitespace not in WHITESPACE_MODES:
        raise InputError("invalid_option", "whitespace must be one of none, all, amount, eol.")
    view = fields.get("view") or "unified"
    if view not in VIEWS:
        raise InputError("invalid_option", "view must be unified or side-by-side.")
    lexer = _name(fields, "lexer", 100)
    options = DiffOptions(
        context=context,
        whitespace=whitespace,
        ignore_blank_lines=_flag(fields, "ignore_blank_lines", False),
        word_diff=_flag(fields, "word_diff", True),
        moved=_flag(fields, "moved", True),
    )
    return options, view, lexer


def from_fields(fields, max_bytes):
    """A DiffInput from already decoded fields (``left``/``right`` text, names, options)."""
    texts = {}
    for side in ("left", "right"):
        text = fields.get(side, "")
        if text is None:
            text = ""
        if not isinstance(text, str):
            raise InputError("bad_request", f"{side} must be a string.")
        text = textinput.without_bom(text)
        check_size(side, encode(side, text), max_bytes)
        texts[side] = text
    options, view, lexer = options_from_fields(fields)
    return DiffInput(
        left=texts["left"],
        right=texts["right"],
        left_name=_name(fields, "left_name", MAX_NAME),
        right_name=_name(fields, "right_name", MAX_NAME),
        options=options,
        view=view,
        lexer=lexer,
    )


def encode(name, text):
    """``text`` as UTF-8; a lone surrogate or NUL is an error naming the field (``textinput``)."""
    try:
        return textinput.check(text, textinput.field(name)).encode("utf-8")
    except textinput.TextRefused as refused:
        raise refused_text(refused) from None


def refused_text(refused):
    return InputError(refused.code, refused.message, refused.status)


def check_size(side, data: bytes, max_bytes):
    if len(data) > max_bytes:
        raise InputError(
            "too_large",
            f"The {side} text is {len(data):,} bytes; the limit is {max_bytes:,} bytes per side.",
            413,
        )


def decode_upload(side, data: bytes, max_bytes, name=None):
    """An uploaded file's bytes (sent as ``name``, else as ``side``) as text, read as ``textinput`` reads every upload."""
    check_size(side, data, max_bytes)
    try:
        return textinput.decode(data, textinput.upload(name or side))
    except textinput.TextRefused as refused:
        raise refused_text(refused) from None


def _flag(fields, name, default):
    """A JSON bool, or a yes/no word (``textinput.boolean_word``); absent or blank is the default."""
    value = fields.get(name)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    flag = textinput.boolean_word(value, empty=default) if isinstance(value, str) else None
    if flag is None:
        raise InputError("invalid_option", f"{name} must be true or false.")
    return flag


def _name(fields, name, limit):
    value = fields.get(name) or ""
    if not isinstance(value, str):
        raise InputError("bad_request", f"{name} must be a string.")
    encode(name, value)
    if len(value) > limit or any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise InputError("bad_request", f"{name} must be at most {limit} characters, without line breaks or control characters.")
    return value
