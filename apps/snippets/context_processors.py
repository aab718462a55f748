"""The site-wide header (links to the sibling apps) and look, from the environment."""

from apps import sitewide


def site(request):
    return sitewide.page_context()
