"""The one list of error codes the site's JSON APIs answer with, and what each means.

Every JSON error of every app is ``{"error": {"code": "...", "message": "..."}}``; clients
branch on ``code``, so one condition has one name whichever app answers it. The status goes
with the condition and is listed for reference (``output_too_large`` is 422 from the
highlighter and 413 from the diff viewer, as each documented before the codes were joined).
``docs/api.md`` is this list for people; a test keeps the two and every app's codes in step.

Imports no web framework and no app.
"""

import warnings

CODES = {
    # 400: the request is not one the app can read
    "bad_request": (400, "the request is malformed: invalid JSON, a field missing, unknown or of the wrong type"),
    "invalid_utf8": (400, "a field, an upload or the body is not valid UTF-8 text"),
    "invalid_unicode": (400, "a string holds a lone surrogate (JSON's \"\\ud800\"), which is not Unicode text"),
    "nul_byte": (400, "a field, an upload or the body contains a NUL byte; only text is accepted"),
    "empty": (400, "a text that must not be empty (a snippet's content) is empty or only whitespace"),
    "unknown_lexer": (400, "no language (lexer) of that name"),
    "unknown_style": (400, "no colour style of that name"),
    "unknown_format": (400, "no output format of that name"),
    "invalid_option": (400, "an option's name is unknown, or its value is of the wrong type or out of bounds"),
    "too_many_files": (400, "a snippet (a revision) has more files than SNIPPET_MAX_FILES (20 by default)"),
    "duplicate_filename": (400, "two files of one snippet have the same name, also once case is folded and Unicode normalised"),
    "bad_filename": (400, "a file name holds a slash, a backslash, a control, bidi or zero-width character, starts or ends with white space, is over 255 characters, or is missing where several files need names"),
    "invalid_report": (400, "a report without a known reason, or with text that is too long or missing"),
    "refused": (400, "a reference to fetch is not one the site will fetch (host, scheme, redirect, answer)"),
    "malformed_patch": (400, "a patch breaks the diff format; the message names what and the patch's line"),
    "no_changes": (400, "a text given as a patch holds no file changes"),
    "bad_host": (400, "the request's Host is not one the site answers to"),
    "unauthorized": (401, "credentials (a delete token) are needed and were not sent"),
    "forbidden": (403, "the credentials sent do not allow this"),
    "cross_site": (403, "a browser sent a write from a page on another site"),
    "not_found": (404, "nothing is at this URL, or no such snippet"),
    "method_not_allowed": (405, "this URL does not take this method (see Allow)"),
    "burn_after_reading": (409, "a burn-after-reading snippet was not opened for another app, nor changed (its language); it stays unread"),
    "conflict": (409, "another edit made a revision of the snippet at the same moment; load it again and retry"),
    "several_files": (409, "a snippet of several files has no one language to set (PATCH of its language): set each file's lexer with an edit (PUT)"),
    "too_many_revisions": (409, "the snippet has SNIPPET_MAX_REVISIONS revisions (100 by default), the most it may have; paste a new snippet (a fork) instead"),
    "gone": (410, "the snippet has expired (for the diff viewer: or was taken down)"),
    "removed": (410, "the snippet was taken down for breaking the rules (reason says which)"),
    "length_required": (411, "a chunked body needs a Content-Length on this server"),
    "too_large": (413, "the body, a text or an upload is over its size limit"),
    "output_too_large": (422, "the answer would pass the output budget (413 from the diff viewer)"),
    "timeout": (422, "the work took longer than its time budget and was stopped (408: the request did not arrive in time)"),
    "removed_content": (422, "the text is exactly one that was taken down"),
    "rate_limited": (429, "too many requests from this client; retry after retry_after seconds"),
    "internal_error": (500, "a bug on our side; logged with its traceback"),
    "worker_crashed": (500, "the process doing the work died"),
    "not_implemented": (501, "the request uses an HTTP feature the site does not support"),
    "unavailable": (502, "another app of the site that this request needs failed or could not be reached"),
    "busy": (503, "every worker stayed busy longer than the queue bound; retry (Retry-After)"),
    "database_unavailable": (503, "the database cannot be reached"),
}

# Codes renamed when the apps' lists were joined: old -> new (docs/api.md says so too).
RENAMED = {
    "internal": "internal_error",  # the diff viewer's
    "error": "internal_error",  # the diff viewer's fallback for other HTTP errors; now ``for_status``
    "bad_expiry": "invalid_option",  # the paste site's
}

BY_STATUS = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 410: "gone", 411: "length_required", 413: "too_large",
    429: "rate_limited", 501: "not_implemented", 503: "busy",
}


class UnknownErrorCode(UserWarning):
    """An app answered with a code missing from ``CODES``: a bug (an error in tests)."""


def for_status(status: int) -> str:
    """The code for a framework's HTTP error of ``status`` (Werkzeug's 404, Django's 403…)."""
    return BY_STATUS.get(status, "bad_request" if status < 500 else "internal_error")


def error_body(code: str, message: str, **extra) -> dict:
    """``{"error": {"code", "message", ...extra}}``; a code not in ``CODES`` warns (the answer still goes)."""
    if code not in CODES:
        warnings.warn(f"error code {code!r} is not in apps.errorcodes.CODES", UnknownErrorCode, stacklevel=2)
    return {"error": {"code": code, "message": message, **extra}}
