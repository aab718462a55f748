"""Save: keep a diff made from the form as two snippets on the paste site, over its public API.

The diff viewer reaches the paste site as it reaches the highlighter (``sitewide.service_client``):
in-process when co-mounted, over the network when deployed apart. Each text is POSTed to
``/api/snippets`` (JSON ``content`` and ``filename``), and the two ``raw_url``s it answers become
the references of a permanent ``/compare`` link (site paths when co-mounted). When the second
text is refused, the first snippet is deleted with its delete token: a failed Save keeps nothing.

A failure is a ``NotSaved`` a person can read: what the paste site refused, in its own words
and with its status (413 too large, 429 too many requests, 400 an empty text…), or 502 when it
failed or could not be reached. Imports no web framework.
"""

import json
import logging
from urllib.parse import urlsplit

import httpx

from apps import errorcodes, sitewide
from apps.diffviewer.settings import normalize_origin

log = logging.getLogger(__name__)

SNIPPETS = "snippets"  # the paste site's name in the site's contract (SNIPPETS_URL)
TIMEOUT = httpx.Timeout(10.0, connect=2.0)  # per request; a Save makes two (three when undoing one)
MAX_ANSWER_BYTES = 64 * 1024  # the paste site's answers are a few hundred bytes of JSON
UNAVAILABLE = 502
UNAVAILABLE_CODE = "unavailable"  # the paste site failed or could not be reached


class NotSaved(Exception):
    """Save failed; ``message`` says why, for the page, ``status`` and ``code`` for the answer."""

    def __init__(self, message, status=UNAVAILABLE, code=UNAVAILABLE_CODE):
        super().__init__(message)
        self.message, self.status, self.code = message, status, code


def foreign_sender(headers, own_origin):
    """How a browser shows that another site sent this Save (for the message), or None.

    The paste site's rule for writes (``apps/snippets/crosssite.py``): an ``Origin`` other than
    the diff viewer's own, or without one, ``Sec-Fetch-Site: cross-site`` or ``same-site`` (a
    sibling sub-domain is another party). curl sends neither and is not refused.
    """
    origin = headers.get("Origin")
    if origin is not None:
        return None if origin.strip().lower() == own_origin.lower() else f"Origin: {origin[:100]}"
    fetch_site = headers.get("Sec-Fetch-Site", "").strip().lower()
    return f"Sec-Fetch-Site: {fetch_site}" if fetch_site in ("cross-site", "same-site") else None


def available(environ, allowed_origins):
    """Whether Save can be offered: a paste site is configured, and ``/compare`` may fetch from it
    (co-mounted: in-process; deployed apart: its origin is in ``DIFF_ALLOWED_ORIGINS``)."""
    base = sitewide.service_url(SNIPPETS)
    if base is None:
        return False
    if base.startswith(("http://", "https://")):
        parts = urlsplit(base)
        return normalize_origin(f"{parts.scheme}://{parts.netloc}") in allowed_origins
    return environ.get(sitewide.IN_PROCESS_CLIENT) is not None


def save(left, right, environ):
    """``(left_ref, right_ref)``: the ``/compare`` references of two new snippets holding the texts.

    ``left`` and ``right`` are ``(text, file name)`` pairs; the texts are already checked
    against ``DIFF_MAX_BYTES``, and the paste site checks its own limits.
    """
    client = sitewide.service_client(SNIPPETS, environ, timeout=TIMEOUT)
    if client is None:
        raise NotSaved("No paste site is configured to keep the texts.", status=404, code="not_found")
    co_mounted = not sitewide.service_url(SNIPPETS).startswith(("http://", "https://"))
    with client:
        kept = create(client, "left", *left)
        try:
            other = create(client, "right", *right)
        except NotSaved:
            discard(client, kept)
            raise
    return reference(kept["raw_url"], co_mounted), reference(other["raw_url"], co_mounted)


def create(client, side, text, file_name):
    """The paste site's answer for one new snippet (``id``, ``raw_url``, ``delete_token``…)."""
    fields = {"content": text, **({"filename": file_name} if file_name else {})}
    try:
        with client.stream("POST", "/api/snippets", json=fields, headers={"Accept": "application/json"}) as response:
            status, body = response.status_code, bounded_body(response)
    except httpx.HTTPError as error:
        log.warning("the paste site could not be reached to save a text: %r", error)
        raise NotSaved(f"The paste site could not be reached ({type(error).__name__}); nothing was saved. "
                       "Try again later.") from None
    answer = json_object(body)
    if status == 201 and isinstance(answer.get("raw_url"), str) and answer["raw_url"].startswith(("http://", "https://")):
        return answer
    if 400 <= status < 500:
        raise refusal(side, status, answer)
    log.warning("the paste site answered %s to a save", status)
    raise NotSaved(f"The paste site failed to keep the {side} text (it answered {status}); nothing was saved. "
                   "Try again later.")


def refusal(side, status, answer):
    """What the paste site refused, in its words: ``NotSaved`` with its status and code."""
    error = answer.get("error") if isinstance(answer.get("error"), dict) else {}
    message = error.get("message") if isinstance(error.get("message"), str) else f"it answered {status}."
    code = error.get("code") if error.get("code") in errorcodes.CODES else errorcodes.for_status(status)
    return NotSaved(f"The paste site did not keep the {side} text: {message[:300]} Nothing was saved.", status, code)


def discard(client, kept):
    """Delete a snippet this Save made, with its delete token (best effort: it is logged if it stays)."""
    try:
        response = client.delete(f"/api/snippets/{kept['id']}", headers={"Authorization": f"Token {kept['delete_token']}"})
        if response.status_code == 204:
            return
        log.warning("a half-saved snippet was not deleted: %s answered %s", kept.get("id"), response.status_code)
    except (httpx.HTTPError, KeyError, TypeError) as error:
        log.warning("a half-saved snippet was not deleted: %r", error)


def reference(raw_url, co_mounted):
    """A snippet's raw URL as a ``/compare`` reference: its site path when co-mounted."""
    if not co_mounted:
        return raw_url
    parts = urlsplit(raw_url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def bounded_body(response):
    body = b""
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > MAX_ANSWER_BYTES:
            return b""
    return body


def json_object(body):
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}
