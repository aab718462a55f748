"""Highlighted HTML for a snippet, from the highlighter service over HTTP, cached.

A rendering is the code block of a snippet page: a gutter of line-number links
(``#L12``) beside the code, whose lines are ``<span id="L-12">`` so that ranges can be
marked. The highlighter is asked for HTML with CSS classes, which is the same for every
style (the style is only the stylesheet the page links to): so there is one rendering per
(snippet content, lexer, highlighter version), whatever ``?style=`` a visitor picks.

Successful renderings are cached compressed (zlib: an 18 MB rendering of 262,144 short
lines is 2.6 MB), and only when that is at most ``SNIPPETS_CACHE_ITEM_BYTES``; a degraded
one never is, nor the text of a burn-after-reading snippet (the highlighter is asked with
``Cache-Control: no-store`` for it). The page never fails because of the highlighter: when
it is unreachable, slow, or refuses the input, the snippet is shown as escaped plain text
with a notice saying why. A refusal that asking again would repeat (the input takes too long
or is too large) is remembered for ``declined_ttl`` (in the cache, and on the snippet's row
when it happens at creation, so every process knows), so that the snippet's page shows the
plain text at once instead of waiting for the highlighter again on each view; the plain
rendering itself is cached with the decline (when it is within the item cap), so a maximal
declined snippet is not escaped and compressed again on every view.

Several files are rendered within one time ``Budget`` (the highlight timeout, for all of them
together): each question gets what is left of it, and once it is spent the files not yet
rendered are shown plain with the timeout's notice (a page, an embed) or left to their first
view (creation), so twenty files never wait twenty timeouts.
"""

import hashlib
import time
from dataclasses import asdict, dataclass
from datetime import timedelta

import httpx
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from apps import highlightclient, sitewide
from apps.snippets import catalog, codeblock
from apps.snippets.models import File

# Each line in <span id="L-n">; leading and trailing blank lines kept so numbers match.
OPTIONS = {"linespans": "L", "wrapcode": True, "stripnl": False}
CACHE_FORMAT = 5  # bump when the cached HTML changes shape (4: a decline keeps its plain rendering; 5: lexer_rule)
TIMED_OUT = "The highlighter did not answer in time; showing plain text."
# The highlighter's refusals that asking again would repeat (status, error code) -> reason.
DECLINED = {
    (422, "timeout"): "highlighting it took too long",
    (413, "too_large"): "it is too large to highlight",
    (422, "output_too_large"): "its highlighted form would be too large",
}


@dataclass
class Rendering:
    packed: bytes  # the code block's HTML, compressed (``codeblock``)
    size: int  # its size uncompressed, in bytes
    lexer_name: str = "Text only"
    lexer_alias: str = ""
    lexer_rule: str = ""  # what decided an unnamed lexer, when the highlighter says (filename, shebang, model...)
    notice: str = ""  # why the snippet is shown as plain text, for the visitor
    declined: bool = False  # the highlighter refused this input for good (too slow, too large)

    def pieces(self):
        return codeblock.pieces(self.packed)

    @property
    def html(self):
        """The whole code block (for pages small enough to be made whole)."""
        return "".join(self.pieces())


class Budget:
    """The time left to ask the highlighter about the files of one request (a page, a new
    snippet), all together: ``highlight_timeout`` seconds from when it is made."""

    def __init__(self, seconds=None):
        if seconds is None:
            seconds = apps.get_app_config("snippets").highlight_timeout
        self.ends = time.monotonic() + seconds

    def remaining(self):
        return max(0.0, self.ends - time.monotonic())

    @property
    def spent(self):
        return self.remaining() == 0.0


def render(snippet, environ, *, use_cache=True, budget=None):
    """The code block of ``snippet``; ``snippet.content`` is read only on a miss.

    ``use_cache=False`` (a burn-after-reading snippet): nothing is read from or written to
    any cache, here or in the highlighter. ``budget``: the time left for the request's
    files (``Budget``); once it is spent, a file not in the cache is shown plain at once.
    """
    version = catalog.current(environ).version
    if not use_cache:
        return ask_highlighter(snippet, environ, no_store=True, budget=budget)
    rendered, declined = cache_key(snippet, version), declined_key(snippet, version)
    cached = cache.get_many([rendered, declined])
    if rendered in cached:
        return Rendering(**cached[rendered])
    if declined in cached:
        return Rendering(**cached[declined])
    remaining = (snippet.declined_until - timezone.now()).total_seconds() if snippet.declined_until else 0
    if snippet.declined_key == declined and remaining > 0:
        rendering = plain(snippet, snippet.declined_notice, declined=True)
        remember(snippet, version, rendering, declined_ttl=remaining)  # for as long as the row says
        return rendering
    rendering = ask_highlighter(snippet, environ, budget=budget)
    remember(snippet, version, rendering)
    return rendering


def remember(snippet, version, rendering, declined_ttl=None):
    """Cache a highlighted rendering, or for a short while that the highlighter declined it
    (with the plain rendering shown instead).

    Failures that may pass (unreachable, our own timeout, errors) are not remembered, nor a
    rendering whose compressed size is over ``SNIPPETS_CACHE_ITEM_BYTES``.
    """
    config = apps.get_app_config("snippets")
    if len(rendering.packed) > settings.SNIPPETS_CACHE_ITEM_BYTES:
        return
    if not rendering.notice:
        cache.set(cache_key(snippet, version), asdict(rendering), config.rendering_ttl)
    elif rendering.declined:
        ttl = config.declined_ttl if declined_ttl is None else min(declined_ttl, config.declined_ttl)
        cache.set(declined_key(snippet, version), asdict(rendering), ttl)


def forget(snippet, environ=None, files=None):
    """Drop every cached rendering and page of ``snippet`` as it is now (its lexer and content;
    or of each of ``files``), for every highlighter version this process has seen: before it is
    taken down or relabelled."""
    apps.get_app_config("snippets").pages.forget(snippet.pk)
    versions = catalog.known_versions()
    if environ is not None:
        versions.add(catalog.current(environ).version)
    items = [snippet] if files is None else files
    keys = [key for version in versions for item in items
            for key in (cache_key(item, version), declined_key(item, version))]
    if keys:
        cache.delete_many(keys)


def mark_declined(snippet, version, rendering):
    """Note on an unsaved snippet that the highlighter declined it, for every process to see."""
    snippet.measure()  # the key holds the content's digest
    snippet.declined_key = declined_key(snippet, version)
    snippet.declined_notice = rendering.notice[:300]
    snippet.declined_until = timezone.now() + timedelta(seconds=apps.get_app_config("snippets").declined_ttl)


def cache_key(snippet, version, kind="render"):
    """The key of a rendering of ``snippet`` (a one-file ``Snippet``, or one ``File`` of a revision:
    the key names the snippet, the text's digest and the lexer, so every file has its own)."""
    # Hashed: the lexer name and version are free text, cache keys must be short and plain.
    parts = "\0".join([snippet_id_of(snippet), snippet.sha256, snippet.lexer, version])
    return f"snippets:{kind}:{CACHE_FORMAT}:{hashlib.sha256(parts.encode('utf-8', 'surrogatepass')).hexdigest()}"


def snippet_id_of(item):
    """The id of the snippet ``item`` is (a ``Snippet``) or belongs to (a ``File``)."""
    return item.snippet_id if isinstance(item, File) else item.pk


def declined_key(snippet, version):
    return cache_key(snippet, version, kind="declined")


def ask_highlighter(snippet, environ, *, no_store=False, budget=None):
    """Ask the highlighter; ``no_store``: it must keep this text in no cache (a burn snippet).

    It is given the highlight timeout, or what is left of ``budget`` if less; a spent budget
    is the timeout's plain text without asking (in the composite, where the highlighter runs
    in this process, its own time limit ends a question asked just before the end).
    """
    timeout = apps.get_app_config("snippets").highlight_timeout
    if budget is not None:
        timeout = min(timeout, budget.remaining())
        if timeout == 0.0:
            return plain(snippet, TIMED_OUT)
    client = sitewide.service_client("highlighter", environ,
                                     timeout=httpx.Timeout(timeout, connect=min(1.0, timeout)))
    if client is None:
        return plain(snippet, "Syntax highlighting is not configured (HIGHLIGHTER_URL); showing plain text.")
    try:
        with client:
            # HTML with CSS classes, the same for every style; auto: the file name decides,
            # then the content, then plain text.
            result = highlightclient.highlight_html(
                client, snippet.content, lexer=snippet.lexer, filename=snippet.filename,
                guess=not snippet.lexer, options=OPTIONS, no_store=no_store)
    except highlightclient.Unavailable as error:
        if error.timed_out:
            return plain(snippet, TIMED_OUT)
        return plain(snippet, "The highlighter could not be reached; showing plain text.")
    except highlightclient.Refused as refusal:
        reason = DECLINED.get((refusal.status, refusal.code))
        declined = reason is not None
        if not declined:
            reason = refusal.message or f"HTTP {refusal.status}"
        return plain(snippet, f"The highlighter declined this snippet ({reason}); showing plain text.", declined=declined)
    packed, size = codeblock.highlighted(snippet.content, result.html)
    return Rendering(packed=packed, size=size, lexer_name=result.lexer_name, lexer_alias=result.lexer_alias,
                     lexer_rule=result.detection.rule if result.detection else "")  # why it chose, when it says


def plain(snippet, notice, declined=False):
    packed, size = codeblock.plain(snippet.content)
    return Rendering(packed=packed, size=size, lexer_alias=snippet.lexer, notice=notice, declined=declined)
