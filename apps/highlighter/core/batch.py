"""Many highlights in one job: one trip to a worker process under one budget.

A page that shows many files (the diff viewer's patch review: hundreds of files, two sides
each) would otherwise send one request per text, each through HTTP, the pool's pipes and JSON
both ways. A batch is checked item by item with ``HighlightRequest.from_fields``, then all its
items run in one worker process as ONE job, bounded as one highlight of all their code is:

- at most ``MAX_ITEMS`` items, and their code together at most ``max_bytes`` (what one request's
  code may be): else the whole batch is ``too_large``;
- the pool's one time budget for the whole job: a batch that takes too long is killed like any
  job (``timeout`` for the whole batch, nothing partial);
- one output limit, ``OutputBudget.limit`` of all the code's bytes, shared in order: each item
  may use what the items before it left; an item that passes it gets ``output_too_large``.

An item that cannot be highlighted (an unknown lexer, an invalid option, its share of the output
spent) gets its own ``{"error": {"code", "message"}}`` in its place; the others are highlighted.
"""

import dataclasses
import json

from .budget import OutputBudget
from .errors import HighlightError
from .render import highlight
from .request import HighlightRequest, check_size

MAX_ITEMS = 1000
FIELDS = ("items",)


def checked_items(fields, *, max_bytes=None, output_budget: OutputBudget | None = None):
    """``(items, output limit)`` of a batch body ``{"items": [fields, ...]}``: each item a
    ``HighlightRequest`` or the ``HighlightError`` that refused it. The batch itself is refused
    (``HighlightError``) when it is not a list of objects, too long, or its code too large."""
    if not isinstance(fields, dict) or not isinstance(fields.get("items"), list):
        raise HighlightError("bad_request", 'The body must be a JSON object {"items": [{"code": …}, …]}.')
    unknown = sorted(set(fields) - set(FIELDS), key=str)
    if unknown:
        raise HighlightError("bad_request", f"Unknown field {str(unknown[0])[:40]!r}. Fields: items.")
    raw = fields["items"]
    if not raw:
        raise HighlightError("bad_request", "items is empty: send at least one {\"code\": …}.")
    if len(raw) > MAX_ITEMS:
        raise HighlightError("too_large", f"The batch has {len(raw):,} items; the limit is {MAX_ITEMS:,}.")
    total = 0
    for item in raw:
        if isinstance(item, dict) and isinstance(item.get("code"), str):
            total += check_size(item["code"], None)
    if max_bytes is not None and total > max_bytes:
        raise HighlightError("too_large", f"The batch's code is {total:,} bytes together; "
                                          f"the limit is {max_bytes:,} bytes. Send fewer items per batch.")
    items = [checked_item(item, output_budget) for item in raw]
    return items, (output_budget.limit(total) if output_budget else None)


def checked_item(fields, output_budget):
    try:
        return HighlightRequest.from_fields(fields, output_budget=output_budget)
    except HighlightError as error:
        return error


def highlight_all(items, output_limit=None) -> list:
    """Each item's ``render.highlight`` result, or ``{"error": …}`` for a refused item or one
    that failed (its own error, or the batch's output limit spent by the items before it)."""
    remaining = output_limit
    results = []
    for item in items:
        if isinstance(item, HighlightError):
            results.append(item.to_dict())
            continue
        if remaining is not None:
            item = dataclasses.replace(item, output_limit=min(remaining, item.output_limit or remaining))
        try:
            result = highlight(item)
        except HighlightError as error:
            results.append(error.to_dict())
            continue
        except MemoryError:
            raise
        except Exception as error:  # a Pygments bug on one odd text must not lose the others
            results.append(HighlightError(
                "internal_error", f"Highlighting failed inside Pygments ({type(error).__name__}).", 500).to_dict())
            continue
        if remaining is not None:
            remaining -= len(json.dumps(result["output"], ensure_ascii=False, separators=(",", ":")).encode())
        results.append(result)
    return results
