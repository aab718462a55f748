from django.contrib import admin
from django.urls import include, path

from apps.snippets import api, views

snippet_patterns = (
    [
        path("", views.create, name="create"),
        path("mine", views.mine, name="mine"),
        path("s/<str:snippet_id>", views.detail, name="detail"),
        path("s/<str:snippet_id>/raw", views.raw, name="raw"),
        path("s/<str:snippet_id>/download", views.download, name="download"),
        path("s/<str:snippet_id>/fork", views.fork, name="fork"),
        path("s/<str:snippet_id>/delete", views.delete, name="delete"),
        path("s/<str:snippet_id>/share", views.share, name="share"),
        path("api/snippets", api.snippets, name="api-snippets"),
        path("api/snippets/<str:snippet_id>", api.snippet, name="api-snippet"),
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
