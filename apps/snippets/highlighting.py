"""Highlighted HTML for a snippet, from the highlighter service over HTTP.

The page never fails because of the highlighter: when it is unreachable, slow, or refuses
the input, the snippet is shown as escaped plain text with a notice saying why.
"""

from dataclasses import dataclass

import httpx
from django.utils.html import escape

from apps import sitewide


@dataclass
class Rendering:
    html: str
    lexer_name: str = "Text only"
    notice: str = ""  # why the snippet is shown as plain text, for the visitor


def highlight(snippet, environ, style="default"):
    client = sitewide.service_client("highlighter", environ)
    if client is None:
        return plain(snippet, "Syntax highlighting is not configured (HIGHLIGHTER_URL).")
    payload = {"code": snippet.content, "style": style}
    if snippet.lexer:
        payload["lexer"] = snippet.lexer
    try:
        with client:
            response = client.post("/api/highlight", json=payload)
        data = response.json()
    except (httpx.HTTPError, ValueError):
        return plain(snippet, "The highlighter could not be reached; showing plain text.")
    if response.status_code != 200:
        message = data.get("error", {}).get("message", "") if isinstance(data, dict) else ""
        return plain(snippet, f"The highlighter declined this snippet ({message or response.status_code}); showing plain text.")
    return Rendering(html=data["output"], lexer_name=data["lexer"]["name"])


def plain(snippet, notice):
    return Rendering(html=f'<div class="highlight"><pre>{escape(snippet.content)}</pre></div>', notice=notice)
