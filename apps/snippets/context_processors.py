"""The site-wide header (links to the sibling apps) and look, from the environment."""

from urllib.parse import quote

from django.apps import apps

from apps import sitewide

DARK_SELECTOR = "html.dark .highlight"  # site.js puts "dark" on <html> in dark mode


def site(request):
    return {**sitewide.page_context(), **dark_code()}


def dark_code():
    """The default style's dark counterpart: ``default_style`` (a snippet page shows it unless the
    visitor picked another) and ``dark_style_css``, the highlighter's stylesheet of ``dark_style``
    that colours code only in dark mode (None without a highlighter)."""
    config = apps.get_app_config("snippets")
    url = sitewide.public_url("highlighter", f"/styles/{config.dark_style}.css?selector={quote(DARK_SELECTOR)}")
    return {"default_style": config.default_style, "dark_style_css": url}
