"""A highlight request: the client's fields, checked and normalized into plain data.

``HighlightRequest.from_fields`` is the only door: it takes the mapping the web layer
parsed from JSON or a form and either returns a request that can be highlighted
(names resolved, options validated) or raises a HighlightError saying what is wrong.
Two requests that mean the same thing compare equal, which keeps cache keys stable.
"""

from dataclasses import asdict, dataclass, field

from pygments.styles import get_all_styles

from .budget import OutputBudget, check_minimum
from .errors import HighlightError, shorten
from .formats import find_format
from .lexers import canonical_lexer
from .options import check_options

FIELDS = ("code", "lexer", "filename", "mimetype", "guess", "format", "style", "options")
MAX_NAME = 255  # lexer, filename and mimetype


@dataclass(frozen=True)
class HighlightRequest:
    """What to highlight and how; build it with ``from_fields``.

    ``lexer`` is the canonical lexer name, ``format`` the canonical format name, and
    ``options`` only holds whitelisted, bounded options (see ``options.py``).
    ``output_limit`` is the most bytes the output may take (None: no limit; see
    ``budget.py``): a limit on the work, not part of what the request means, so it
    takes no part in equality or cache keys.
    """

    code: str
    lexer: str | None = None
    filename: str | None = None
    mimetype: str | None = None
    guess: bool = False
    format: str = "html"
    style: str = "default"
    options: dict = field(default_factory=dict)
    output_limit: int | None = field(default=None, compare=False)

    @classmethod
    def from_fields(cls, fields, *, max_bytes: int | None = None,
                    output_budget: OutputBudget | None = None) -> "HighlightRequest":
        """Validate a parsed JSON/form mapping; raise HighlightError if it is not usable.

        Empty strings count as absent for lexer, filename, mimetype, format and style
        (HTML forms send them). With ``max_bytes``, code longer than that in UTF-8 is
        ``too_large``. With ``output_budget``, the request carries its output limit,
        and one whose options make the output certain to pass it is
        ``output_too_large`` here, before any highlighting.
        """
        if not isinstance(fields, dict):
            raise HighlightError("bad_request", "The request must be an object of fields.")
        unknown = sorted(set(fields) - set(FIELDS), key=str)
        if unknown:
            raise HighlightError(
                "bad_request",
                f"Unknown field {shorten(unknown[0])}. Fields: {', '.join(FIELDS)}.",
            )
        code = fields.get("code")
        if not isinstance(code, str):
            raise HighlightError("bad_request", "code is required and must be a string.")
        size = check_size(code, max_bytes)
        lexer, filename, mimetype, format_name, style = (
            _optional_text(fields, name)
            for name in ("lexer", "filename", "mimetype", "format", "style")
        )
        guess = fields.get("guess", False)
        if type(guess) is not bool:
            raise HighlightError("bad_request", "guess must be true or false.")
        output = find_format(format_name or "html")
        options = check_options({} if fields.get("options") is None else fields["options"], output.name)
        output_limit = output_budget.limit(size) if output_budget else None
        check_minimum(code, output.name, options, output_limit)
        return cls(
            code=code,
            lexer=canonical_lexer(lexer) if lexer else None,
            filename=filename,
            mimetype=mimetype.split(";")[0].strip().lower() if mimetype else None,
            guess=guess,
            format=output.name,
            style=check_style(style or "default"),
            options=options,
            output_limit=output_limit,
        )

    def to_dict(self) -> dict:
        """The request as plain data (what cache keys hash and workers receive)."""
        return asdict(self)


def _optional_text(fields, name):
    value = fields.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > MAX_NAME:
        raise HighlightError(
            "bad_request", f"{name} must be a string of at most {MAX_NAME} characters."
        )
    return value


def check_size(code: str, max_bytes: int | None) -> int:
    """Refuse code that is not valid Unicode, or longer than ``max_bytes`` in UTF-8;
    return its size in UTF-8 bytes."""
    try:
        size = len(code.encode("utf-8"))
    except UnicodeEncodeError:
        raise HighlightError(
            "bad_request", "code is not valid Unicode text (it holds a lone surrogate)."
        ) from None
    if max_bytes is not None and size > max_bytes:
        raise HighlightError(
            "too_large", f"code is {size} bytes; the limit is {max_bytes} bytes."
        )
    return size


_STYLES = frozenset(get_all_styles())


def check_style(name: str) -> str:
    """``name`` if it is an installed Pygments style, else ``unknown_style``."""
    if name in _STYLES:
        return name
    raise HighlightError(
        "unknown_style", f"Unknown style {shorten(name)}. See /api/styles for the valid names."
    )
