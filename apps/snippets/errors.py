"""Django's error views (``handler400`` … ``handler500`` in ``urls``), in JSON for the API.

Whatever fails under the curl API, a bug included, its client gets
``{"error": {"code", "message"}}`` and not Django's HTML page; the pages keep Django's
default views. Django logs the exceptions behind these answers (``django.request``).
"""

from django.urls import Resolver404, resolve, reverse
from django.views import defaults

from apps.snippets.api import answers_json
from apps.snippets.api import error as json_error


def for_api(request):
    """Whether ``request`` went to (or was meant for) the curl API."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            api_root = reverse("snippets:api-snippets")
            return request.path == api_root or request.path.startswith(api_root.rsplit("/", 1)[0] + "/")
    return answers_json(match.func)


def bad_request(request, exception):
    if for_api(request):
        return json_error("bad_request", "The request could not be read.", 400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if for_api(request):
        return json_error("forbidden", "Not allowed.", 403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if for_api(request):
        return json_error("not_found", "Nothing is here.", 404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if for_api(request):
        return json_error("internal_error", "Something went wrong on our side; it has been logged.", 500)
    return defaults.server_error(request)
