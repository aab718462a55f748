from django.contrib import admin
from django.http import Http404
from django.urls import include, path, register_converter

from apps.snippets import api, comparing, downloads, editing, embeds, embedstyles, rawfiles, snippetpage, views


def pending_page(request, *args, **kwargs):
    """A page of issue 13 that the revision pages will answer (until then: 404). Its URL
    name is registered so that links and the API's URLs can be built already."""
    raise Http404("This page is not there yet.")


class SnippetId:
    """What a snippet id can look like (URL-safe base64): anything else is a plain 404,
    and never reaches the database (PostgreSQL refuses a NUL in a query, for one)."""

    regex = "[A-Za-z0-9_-]{1,32}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(SnippetId, "id")

snippet_patterns = (
    [
        path("", views.create, name="create"),
        path("mine", views.mine, name="mine"),
        path("favicon.ico", views.favicon, name="favicon"),
        path("s/<id:snippet_id>", snippetpage.detail, name="detail"),
        path("s/<id:snippet_id>/raw", views.raw, name="raw"),
        # Revisions (issue 13). A file name holds no "/", so the str converter takes it whole.
        path("s/<id:snippet_id>/raw/<str:filename>", rawfiles.latest_file, name="raw-file"),
        path("s/<id:snippet_id>/<int:number>/raw", rawfiles.revision_raw, name="revision-raw"),
        path("s/<id:snippet_id>/<int:number>/raw/<str:filename>", rawfiles.revision_file, name="revision-raw-file"),
        path("s/<id:snippet_id>/<int:number>", snippetpage.revision, name="revision"),
        path("s/<id:snippet_id>/<int:number>/download", downloads.revision_download, name="revision-download"),
        path("s/<id:snippet_id>/history", snippetpage.history, name="history"),
        path("s/<id:snippet_id>/edit", editing.edit, name="edit"),
        path("s/<id:snippet_id>/review", comparing.review_patch, name="review"),
        path("s/<id:snippet_id>/compare/<int:a>..<int:b>", comparing.compare, name="compare"),
        path("s/<id:snippet_id>/compare/<int:a>..<int:b>.patch", comparing.compare_patch, name="compare-patch"),
        path("s/<id:snippet_id>/download", views.download, name="download"),
        # Embeds (issue 13): the one page any origin may frame, a script that writes the snippet, their stylesheet.
        path("s/<id:snippet_id>/embed", embeds.frame, name="embed"),
        path("s/<id:snippet_id>/<int:number>/embed", embeds.revision_frame, name="revision-embed"),
        path("s/<id:snippet_id>.js", embeds.script, name="embed-script"),
        path("s/embed.css", embedstyles.stylesheet, name="embed-css"),
        path("s/<id:snippet_id>/fork", views.fork, name="fork"),
        path("s/<id:snippet_id>/delete", views.delete, name="delete"),
        path("s/<id:snippet_id>/share", views.share, name="share"),
        path("s/<id:snippet_id>/reveal", snippetpage.reveal, name="reveal"),
        path("s/<id:snippet_id>/report", views.report, name="report"),
        path("s/<id:snippet_id>/language", views.set_language, name="language"),
        path("api/snippets", api.snippets, name="api-snippets"),
        path("api/snippets/<id:snippet_id>", api.snippet, name="api-snippet"),
        path("api/snippets/<id:snippet_id>/revisions/<int:number>", api.revision, name="api-revision"),
        path("api/snippets/<id:snippet_id>/report", api.report, name="api-report"),
    ],
    "snippets",
)

urlpatterns = [
    path("", include(snippet_patterns)),
    path("_health", views.health, name="health"),
    path("admin/", admin.site.urls),
]

# JSON for the API, Django's pages elsewhere.
handler400 = "apps.snippets.errors.bad_request"
handler403 = "apps.snippets.errors.permission_denied"
handler404 = "apps.snippets.errors.page_not_found"
handler500 = "apps.snippets.errors.server_error"
