"""The diff viewer: git-quality line diffs with word-level marks, rendered by Genshi.

A plain Werkzeug app: ``create_app()`` returns it; ``python -m apps.diffviewer`` runs it
alone. The diffing itself lives in ``apps.diffviewer.core``, which imports no web framework.
"""


def create_app(config=None, site=None):
    """The diff viewer; ``config`` overrides its settings, ``site`` is the composite's part of
    the shared contract (``apps.sitewide``)."""
    from apps import sitewide
    from apps.diffviewer.app import DiffViewer

    with sitewide.handing(site):
        return sitewide.handed_over(DiffViewer(config), site)
