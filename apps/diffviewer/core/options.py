"""The knobs a reader can turn on a diff, validated once when they are built.

``DiffOptions`` is a frozen value so it can be shared, hashed and used as a cache
key; bad values raise ``ValueError`` at construction time rather than deep inside
the diff machinery.
"""

from dataclasses import dataclass

#: Accepted values of ``DiffOptions.whitespace`` and what each ignores.
WHITESPACE_MODES = {
    None: "nothing (whitespace is significant)",
    "all": "all whitespace",
    "amount": "changes in the amount of whitespace",
    "eol": "whitespace at the end of lines",
}


@dataclass(frozen=True, slots=True)
class DiffOptions:
    """How to compare two texts.

    ``context`` is the number of unchanged lines shown around each change, or
    ``None`` for the whole file.  ``whitespace`` is one of the keys of
    ``WHITESPACE_MODES``.  ``word_diff`` asks for the changed parts of paired
    changed lines (``Line.segments``); ``moved`` finds the blocks of lines moved from one
    place to another (``Line.moved``, ``core.moved``).
    """

    context: int | None = 3
    whitespace: str | None = None
    ignore_blank_lines: bool = False
    word_diff: bool = True
    moved: bool = True

    def __post_init__(self):
        if self.context is not None and (
            not isinstance(self.context, int) or isinstance(self.context, bool) or self.context < 0
        ):
            raise ValueError(
                f"context must be a non-negative integer or None (whole file), got {self.context!r}"
            )
        if self.whitespace not in WHITESPACE_MODES:
            choices = ", ".join(repr(mode) for mode in WHITESPACE_MODES)
            raise ValueError(f"whitespace must be one of {choices}, got {self.whitespace!r}")
        for name in ("ignore_blank_lines", "word_diff", "moved"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be True or False, got {getattr(self, name)!r}")

    @property
    def whole_file(self) -> bool:
        """True when every line of the file is shown, not just the changes."""
        return self.context is None
