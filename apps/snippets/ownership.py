"""Which snippets this visitor created, and their delete tokens, kept in their session.

The token is shown to the creator once; the session keeps it so that they can delete from
the page and find their snippets under "My snippets". Visitors without a session cookie
cost nothing here: no session is loaded or saved for them.
"""

from django.apps import apps
from django.conf import settings

OWNED = "snippets:owned"  # [[id, delete token], ...], newest first
FRESH = "snippets:fresh"  # id whose token the creator has not been shown yet


def has_session(request):
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def remember(request, snippet_id, token):
    """Keep the token in the session, under a new session key.

    The key is rotated because the session now holds a secret: a session cookie someone
    planted in this browser beforehand (session fixation) does not let them see or delete
    what this visitor creates.
    """
    limit = apps.get_app_config("snippets").my_snippets_limit
    owned = [entry for entry in request.session.get(OWNED, []) if entry[0] != snippet_id]
    request.session[OWNED] = [[snippet_id, token], *owned][:limit]
    request.session[FRESH] = snippet_id
    request.session.cycle_key()


def token_for(request, snippet_id):
    if not has_session(request):
        return None
    return next((token for sid, token in request.session.get(OWNED, []) if sid == snippet_id), None)


def take_fresh(request, snippet_id):
    """True once, on the creator's first look at their new snippet."""
    if has_session(request) and request.session.get(FRESH) == snippet_id:
        del request.session[FRESH]
        return True
    return False


def forget(request, snippet_id):
    if has_session(request):
        request.session[OWNED] = [entry for entry in request.session.get(OWNED, []) if entry[0] != snippet_id]


def owned_ids(request):
    if not has_session(request):
        return []
    return [sid for sid, _ in request.session.get(OWNED, [])]
