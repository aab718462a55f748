"""``/compare`` references: which URLs may be fetched, and fetching them carefully.

A reference is either a site path (``/s/abc/raw``), fetched in-process through the composite
(no socket), or an absolute http(s) URL whose origin is listed in ``DIFF_ALLOWED_ORIGINS``.
Everything is decided from the text of the reference *before* any request is sent; redirects
are checked hop by hop with the same rules; bodies are read in chunks and abandoned past the
size limit. Any refusal is an ``InputError`` with code ``refused``.
"""

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from apps import sitewide
from apps.diffviewer.inputs import InputError
from apps.diffviewer.settings import normalize_origin

MAX_REF = 2048
MAX_REDIRECTS = 3
FETCH_HEADER = "X-Diffviewer-Fetch"  # marks our own fetches so /compare cannot call itself
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


def refused(side, message):
    return InputError("refused", f"The {side} reference was refused: {message}")


def check_ref(side, ref, allowed_origins, co_mounted):
    """A Ref for ``ref``, or an InputError saying why it may not be fetched."""
    if not ref:
        raise InputError("bad_request", f"Give the {side} reference: a site path such as /s/<id>/raw or an allowed URL.")
    if len(ref) > MAX_REF or not ref.isascii() or any(c in ref for c in "\\ \t\r\n") or not ref.isprintable():
        raise refused(side, "it must be a plain URL (ASCII, no spaces, backslashes or control characters).")
    if ref.startswith("/") and not ref.startswith("//"):
        if not co_mounted:
            raise refused(side, "site paths can only be fetched when the diff viewer runs inside the site; "
                          "give a full URL from an allowed origin instead.")
        return Ref(ref, ref, in_process=True)
    if not allowed_origins:
        raise refused(side, "this diff viewer is configured to fetch from no other origin "
                      "(DIFF_ALLOWED_ORIGINS is empty).")
    try:
        parts = urlsplit(ref)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise refused(side, "it is not a valid URL.") from None
    if parts.scheme not in ("http", "https"):
        raise refused(side, "only http and https URLs can be fetched.")
    if "@" in parts.netloc or "%" in parts.netloc:
        raise refused(side, "URLs with user names or escaped characters in the host are not accepted.")
    origin = normalize_origin(f"{parts.scheme}://{parts.netloc}")
    if origin is None or origin not in allowed_origins:
        raise refused(side, f"its origin is not one of the allowed origins ({', '.join(allowed_origins)}).")
    # Rebuilt from the checked parts, so the fetcher cannot read the URL differently.
    url = origin + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Ref(ref, url, in_process=False)


def fetch(side, ref, settings, environ):
    """The text behind a checked Ref, following at most a few redirects that pass the check."""
    for _ in range(MAX_REDIRECTS + 1):
        client = sitewide.site_client(environ) if ref.in_process else httpx.Client(trust_env=False)
        with client:
            try:
                with client.stream(
                    "GET",
                    ref.url,
                    headers={FETCH_HEADER: "1", "Accept": "text/plain, text/*;q=0.9"},
                    follow_redirects=False,
                    timeout=settings.DIFF_FETCH_TIMEOUT,
                ) as response:
                    if response.is_redirect and "location" in response.headers:
                        base = str(response.url) if not ref.in_process else ref.url
                        location = urljoin(base, response.headers["location"])
                        site = str(client.base_url).rstrip("/")
                        if ref.in_process and location.startswith(site + "/"):
                            location = location[len(site):]
                        ref = check_ref(side, location, settings.DIFF_ALLOWED_ORIGINS, ref.in_process)
                        continue
                    return read_text(side, response, settings.DIFF_MAX_BYTES)
            except InputError:
                raise
            except Exception as error:  # network errors, or the site's own failure in-process
                raise refused(side, f"fetching it failed ({type(error).__name__}).") from None
    raise refused(side, f"it redirected more than {MAX_REDIRECTS} times.")


def read_text(side, response, max_bytes):
    if response.status_code != 200:
        raise refused(side, f"it answered {response.status_code}, not 200.")
    mimetype = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if not (mimetype.startswith("text/") or mimetype in TEXT_TYPES):
        raise refused(side, f"it is not text (Content-Type {mimetype or 'missing'}).")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise refused(side, f"it is {int(declared):,} bytes; the limit is {max_bytes:,}.")
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise refused(side, f"it is larger than the limit of {max_bytes:,} bytes.")
        chunks.append(chunk)
    data = b"".join(chunks)
    try:
        text = data.decode(response.charset_encoding or "utf-8")
    except (LookupError, UnicodeDecodeError):
        raise refused(side, "its text could not be decoded (expected UTF-8 or the declared charset).") from None
    if "\0" in text:
        raise refused(side, "it is binary (it contains NUL bytes).")
    return text
