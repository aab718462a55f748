"""The diff viewer: git-quality line diffs with word-level marks, rendered by Genshi.

A plain Werkzeug app: ``create_app()`` returns it; ``python -m apps.diffviewer`` runs it
alone. The diffing itself lives in ``apps.diffviewer.core``, which imports no web framework.
"""


def create_app(config=None):
    from apps.diffviewer.app import DiffViewer

    return DiffViewer(config)
