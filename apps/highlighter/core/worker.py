"""The highlighter's jobs, as run by each ``apps.killable`` child process.

Started by ``pool.Highlighter`` in a fresh interpreter (never forked from the web process);
``apps.killable.child`` reads each job, runs ``JOBS[name](payload)`` under its time budget
and sends back the result or the ``HighlightError`` raised (its code, message and status).
"""

from . import batch, detection
from .errors import HighlightError
from .lexers import guess
from .render import highlight
from .request import HighlightRequest


def highlight_job(request: HighlightRequest) -> dict:
    return _guarded(highlight, request)


def highlight_batch_job(payload) -> list:
    items, output_limit = payload
    return _guarded(batch.highlight_all, items, output_limit)


def guess_job(fields: dict) -> dict:
    return _guarded(lambda: guess(**fields))


def _guarded(function, *args):
    try:
        return function(*args)
    except (HighlightError, MemoryError):
        raise
    except Exception as error:  # a Pygments bug on odd input must not kill the service
        raise HighlightError(
            "internal_error", f"Highlighting failed inside Pygments ({type(error).__name__}).", 500
        ) from None


JOBS = {"highlight": highlight_job, "highlight_batch": highlight_batch_job, "guess": guess_job}


def warm_up() -> None:
    """Load the language detector's model and import and compile what most jobs need before
    saying ready, not during a job (without the model, detection goes on with its other rules)."""
    detection.load_model()
    guess(code="def f(x):\n    return x\n")
    for output_format in ("html", "tokens", "classes"):
        highlight(HighlightRequest.from_fields(
            {"code": "def f(x):\n    return x\n", "lexer": "python", "format": output_format}))
