"""``/compare`` references: which URLs may be fetched, and fetching them carefully.

A reference is either a site path (``/s/abc/raw``), fetched in-process through the composite
(no socket), or an absolute http(s) URL whose origin is listed in ``DIFF_ALLOWED_ORIGINS``.
Everything is decided from the text of the reference *before* any request is sent; redirects
are checked hop by hop with the same rules; bodies are read in chunks and abandoned past the
size limit. Any refusal is an ``InputError`` with code ``refused``.

Every fetch says it is the diff viewer fetching for its own use (``sitewide.APP_FETCH_HEADER``),
so the paste site refuses a burn-after-reading snippet (403/409) instead of burning it; that
refusal is shown as such (code ``burn_after_reading``, 409), not as a failed fetch.

An answer may say what its text is, in plain HTTP (``described``): the file name in
``Content-Disposition`` (RFC 6266) and, in ``Link: <page>; rel="alternate"; type="text/html";
title*=…`` (RFC 8288), the page that shows it and the name it goes by. The paste site's raw
answers do; the diff viewer needs to know nothing else about it. A page is linked only on the
origin that answered (a site path for an in-process fetch), and names are only ever text.
"""

import json
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx
from werkzeug.http import parse_options_header

from apps import sitewide
from apps.diffviewer.inputs import MAX_NAME, InputError, base_name
from apps.diffviewer.settings import normalize_origin

MAX_REF = 2048
MAX_REDIRECTS = 3
FETCH_HEADER = "X-Diffviewer-Fetch"  # marks our own fetches so /compare cannot call itself
FETCH_HEADERS = {FETCH_HEADER: "1", sitewide.APP_FETCH_HEADER: "diffviewer", "Accept": "text/plain, text/*;q=0.9"}
REFUSED_TO_APPS = (403, 409)  # how the paste site refuses an app a burn-after-reading snippet
BURN_CODE = "burn_after_reading"
MAX_ERROR_BODY = 4096
NOT_THERE = (404, 410)  # a site snippet missing, expired or removed: said as such, with the site's reason
TEXT_TYPES = ("application/json", "application/xml", "application/javascript", "application/x-sh")


@dataclass(frozen=True)
class Ref:
    """A checked reference: ``url`` is what is fetched, ``href`` is safe to render as a link."""

    given: str
    url: str
    in_process: bool

    @property
    def href(self):
        return self.url


MAX_SHOWN = 200
MAX_TITLE = 200


@dataclass(frozen=True)
class Fetched:
    """A reference's text and what its answer said about it (each may be empty)."""

    text: str
    file_name: str = ""  # from Content-Disposition: a name for the patch and the colours
    title: str = ""  # from the page link's title: what to call it in the heading
    page: Ref | None = None  # the page that shows it (a checked link), for the heading


def described(response, ref, text, allowed_origins):
    """A ``Fetched`` for ``text`` with the names and the page link ``response`` gives, checked."""
    disposition = parse_options_header(response.headers.get("content-disposition", ""))[1]
    page, title = None, ""
    for value in response.headers.get_list("link"):
        target, params = parse_options_header(value)
        if "alternate" in params.get("rel", "").split() and params.get("type", "").lower() == "text/html":
            page = page_link(target.strip("<>"), ref, allowed_origins)
            title = shown_name(params.get("title", ""), MAX_TITLE) if page else ""
            break
    return Fetched(text, shown_name(base_name(disposition.get("filename", "")), MAX_NAME), title, page)


def page_link(target, ref, allowed_origins):
    """A checked Ref for a page link found in the answer for ``ref``, or None.

    Resolved against the URL fetched, it must pass the reference check (no ``javascript:``, no
    user info…) and be on the same origin: a site path when fetched in-process, else the
    answering origin. Anything else is not linked.
    """
    url = urljoin(ref.url, target)
    try:
        page = check_ref("page", url, allowed_origins, ref.in_process)
    except InputError:
        return None
    if page.in_process != ref.in_process or (not ref.in_process and origin_of(page.url) != origin_of(ref.url)):
        return None
    return page


def origin_of(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def shown_name(text, limit):
    """A name to show as text: printable characters only, cut at ``limit``."""
    return "".join(c for c in text if c.isprintable()).strip()[:limit]


def refused(side, message, ref, redirected_to=None):
    """A refusal whose error page shows the reference (and the redirect) as plain text."""
    shown = [(f"{side.capitalize()} reference", shown_text(ref))]
    if redirected_to is not None:
        shown.append(("Redirected to", shown_text(redirected_to)))
    return InputError("refused", f"The {side} reference was refused: {message}", shown=shown)


def shown_text(ref):
    """``ref`` for display: control characters escaped, cut after ``MAX_SHOWN`` characters."""
    text = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in ref[:MAX_SHOWN])
    return text + "…" if len(ref) > MAX_SHOWN else text


def check_ref(side, ref, allowed_origins, co_mounted, redirected_from=None):
    """A Ref for ``ref``, or an InputError saying why it may not be fetched.

    ``redirected_from`` is the reference as given when ``ref`` is where it redirected.
    """

    def refuse(message):
        if redirected_from is None:
            return refused(side, message, ref)
        return refused(side, message, redirected_from, redirected_to=ref)

    if not ref:
        raise InputError("bad_request", f"Give the {side} reference: a site path such as /s/<id>/raw or an allowed URL.")
    if len(ref) > MAX_REF or not ref.isascii() or any(c in ref for c in "\\ \t\r\n") or not ref.isprintable():
        raise refuse("it must be a plain URL (ASCII, no spaces, backslashes or control characters).")
    if ref.startswith("/") and not ref.startswith("//"):
        if not co_mounted:
            raise refuse("site paths can only be fetched when the diff viewer runs inside the site; "
                         "give a full URL from an allowed origin instead.")
        return Ref(ref, ref, in_process=True)
    if not allowed_origins:
        raise refuse("this diff viewer is configured to fetch from no other origin "
                     "(DIFF_ALLOWED_ORIGINS is empty).")
    try:
        parts = urlsplit(ref)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise refuse("it is not a valid URL.") from None
    if parts.scheme not in ("http", "https"):
        raise refuse("only http and https URLs can be fetched.")
    if "@" in parts.netloc or "%" in parts.netloc:
        raise refuse("URLs with user names or escaped characters in the host are not accepted.")
    origin = normalize_origin(f"{parts.scheme}://{parts.netloc}")
    if origin is None or origin not in allowed_origins:
        raise refuse(f"its origin is not one of the allowed origins ({', '.join(allowed_origins)}).")
    # Rebuilt from the checked parts, so the fetcher cannot read the URL differently.
    url = origin + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Ref(ref, url, in_process=False)


def fetch(side, ref, settings, environ):
    """The text behind a checked Ref (a ``Fetched``), following at most a few redirects that pass
    the check."""
    first = ref

    def refuse(message):  # about the reference given, and where it led if it redirected
        return refused(side, message, first.given, None if ref is first else ref.given)

    for _ in range(MAX_REDIRECTS + 1):
        client = sitewide.site_client(environ) if ref.in_process else httpx.Client(trust_env=False)
        with client:
            try:
                with client.stream(
                    "GET",
                    ref.url,
                    headers=FETCH_HEADERS,
                    follow_redirects=False,
                    timeout=settings.DIFF_FETCH_TIMEOUT,
                ) as response:
                    if response.is_redirect and "location" in response.headers:
                        base = str(response.url) if not ref.in_process else ref.url
                        location = urljoin(base, response.headers["location"])
                        site = str(client.base_url).rstrip("/")
                        if ref.in_process and location.startswith(site + "/"):
                            location = location[len(site):]
                        ref = check_ref(side, location, settings.DIFF_ALLOWED_ORIGINS, ref.in_process, first.given)
                        continue
                    if response.status_code in REFUSED_TO_APPS and (ref.in_process or is_burn_refusal(response)):
                        raise not_opened(side, first.given)
                    if response.status_code in NOT_THERE and ref.in_process:
                        raise not_there(side, response, first.given)
                    text = read_text(response, settings.DIFF_MAX_BYTES, refuse)
                    return described(response, ref, text, settings.DIFF_ALLOWED_ORIGINS)
            except InputError:
                raise
            except Exception as error:  # network errors, or the site's own failure in-process
                raise refuse(f"fetching it failed ({type(error).__name__}).") from None
    raise refuse(f"it redirected more than {MAX_REDIRECTS} times.")


def is_burn_refusal(response):
    """Whether another origin's 403/409 is a paste site's "burn-after-reading" refusal (JSON code)."""
    return BURN_CODE.encode() in (small_body(response) or b"")


def small_body(response):
    """The body of a short error answer, or None when it is longer than an error needs."""
    body = b""
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > MAX_ERROR_BODY:
            return None
    return body


def error_message(response):
    """The ``{"error": {"message": …}}`` of a small JSON error answer, else None."""
    try:
        message = json.loads(small_body(response) or b"")["error"]["message"]
    except (ValueError, KeyError, TypeError):
        return None
    return message[:300] if isinstance(message, str) else None


def not_there(side, response, given):
    """The snippet is not there to compare: missing (404), expired or removed (410), as the site says."""
    status = response.status_code
    fallback = "It does not exist, or it was deleted." if status == 404 else "It has expired or was removed."
    return InputError(
        "not_found" if status == 404 else "gone",
        f"The {side} snippet cannot be compared. {error_message(response) or fallback}",
        status=status,
        shown=[(f"{side.capitalize()} reference", shown_text(given))],
    )


def not_opened(side, given):
    """The paste site would not give a burn-after-reading snippet to an app: it stays unread."""
    return InputError(
        BURN_CODE,
        f"The {side} snippet is burn-after-reading and was not opened; it cannot be compared. "
        "Only a person opening its link can read it, once.",
        status=409,
        shown=[(f"{side.capitalize()} reference", shown_text(given))],
    )


def read_text(response, max_bytes, refuse):
    """The body of a 200 text answer, or ``refuse(reason)`` raised."""
    if response.status_code != 200:
        raise refuse(f"it answered {response.status_code}, not 200.")
    mimetype = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if not (mimetype.startswith("text/") or mimetype in TEXT_TYPES):
        raise refuse(f"it is not text (Content-Type {mimetype or 'missing'}).")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise refuse(f"it is {int(declared):,} bytes; the limit is {max_bytes:,}.")
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise refuse(f"it is larger than the limit of {max_bytes:,} bytes.")
        chunks.append(chunk)
    data = b"".join(chunks)
    try:
        text = data.decode(response.charset_encoding or "utf-8")
    except (LookupError, UnicodeDecodeError):
        raise refuse("its text could not be decoded (expected UTF-8 or the declared charset).") from None
    if "\0" in text:
        raise refuse("it is binary (it contains NUL bytes).")
    return text
