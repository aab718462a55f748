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
