"""Highlighted HTML for a snippet, from the highlighter service over HTTP, cached.

A rendering is the code block of a snippet page: a gutter of line-number links
(``#L12``) beside the code, whose lines are ``<span id="L-12">`` so that ranges can be
marked. Successful renderings are cached per (snippet content, lexer, style, highlighter
version); a degraded one never is. The page never fails because of the highlighter: when
it is unreachable, slow, or refuses the input, the snippet is shown as escaped plain text
with a notice saying why.
"""

import hashlib
from dataclasses import asdict, dataclass

import httpx
from django.apps import apps
from django.core.cache import cache
from django.utils.html import escape

from apps import sitewide
from apps.snippets import catalog

# Each line in <span id="L-n">; leading and trailing blank lines kept so numbers match.
OPTIONS = {"linespans": "L", "wrapcode": True, "stripnl": False}
CACHE_FORMAT = 1  # bump when the cached HTML changes shape


@dataclass
class Rendering:
    html: str
    lexer_name: str = "Text only"
    lexer_alias: str = ""
    notice: str = ""  # why the snippet is shown as plain text, for the visitor


def render(snippet, environ, style, *, use_cache=True):
    """The code block of ``snippet`` in ``style``; ``snippet.content`` is read only on a miss."""
    version = catalog.current(environ).version
    key = cache_key(snippet, style, version)
    if use_cache:
        cached = cache.get(key)
        if cached is not None:
            return Rendering(**cached)
    rendering = ask_highlighter(snippet, environ, style)
    if use_cache and not rendering.notice:
        cache.set(key, asdict(rendering), apps.get_app_config("snippets").rendering_ttl)
    return rendering


def cache_key(snippet, style, version):
    # Hashed: the lexer name and version are free text, cache keys must be short and plain.
    parts = "\0".join([snippet.id, snippet.sha256, snippet.lexer, style, version])
    return f"snippets:render:{CACHE_FORMAT}:{hashlib.sha256(parts.encode('utf-8', 'surrogatepass')).hexdigest()}"


def highlight_fields(snippet, style):
    fields = {"code": snippet.content, "style": style, "options": OPTIONS}
    if snippet.lexer:
        fields["lexer"] = snippet.lexer
    else:  # auto: the file name decides, then the content, then plain text
        if snippet.filename:
            fields["filename"] = snippet.filename
        fields["guess"] = True
    return fields


def ask_highlighter(snippet, environ, style):
    timeout = apps.get_app_config("snippets").highlight_timeout
    client = sitewide.service_client("highlighter", environ, timeout=httpx.Timeout(timeout, connect=1.0))
    if client is None:
        return plain(snippet, "Syntax highlighting is not configured (HIGHLIGHTER_URL); showing plain text.")
    try:
        with client:
            response = client.post("/api/highlight", json=highlight_fields(snippet, style))
        data = response.json()
    except httpx.TimeoutException:
        return plain(snippet, "The highlighter did not answer in time; showing plain text.")
    except (httpx.HTTPError, ValueError):
        return plain(snippet, "The highlighter could not be reached; showing plain text.")
    if response.status_code != 200 or not isinstance(data, dict) or not isinstance(data.get("output"), str):
        error = data.get("error") if isinstance(data, dict) else None
        code = error.get("code") if isinstance(error, dict) else None
        reason = {
            "timeout": "highlighting it took too long",
            "too_large": "it is too large to highlight",
        }.get(code) or (error.get("message") if isinstance(error, dict) else None) or f"HTTP {response.status_code}"
        return plain(snippet, f"The highlighter declined this snippet ({reason}); showing plain text.")
    lexer = data.get("lexer") or {}
    return Rendering(
        html=code_view(snippet.content, data["output"]),
        lexer_name=str(lexer.get("name") or "Text only"),
        lexer_alias=str(lexer.get("alias") or lexer.get("name") or ""),
    )


def plain(snippet, notice):
    lines = normalized_lines(snippet.content)
    body = "".join(f'<span id="L-{n}">{escape(line)}\n</span>' for n, line in enumerate(lines, 1))
    return Rendering(
        html=code_view(snippet.content, f'<div class="highlight"><pre><code>{body}</code></pre></div>'),
        lexer_alias=snippet.lexer,
        notice=notice,
    )


def normalized_lines(text):
    """The lines as Pygments numbers them: CRLF and CR are line breaks too."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    return text.split("\n")


def code_view(content, highlighted):
    count = len(normalized_lines(content))
    gutter = "".join(f'<a id="L{n}" href="#L{n}">{n}</a>\n' for n in range(1, count + 1))
    return f'<div class="code-view"><pre class="gutter">{gutter}</pre><div class="code">{highlighted}</div></div>'
