from django.contrib import admin
from django.urls import include, path

from apps.snippets import views

snippet_patterns = (
    [
        path("", views.create, name="create"),
        path("s/<str:snippet_id>", views.detail, name="detail"),
        path("s/<str:snippet_id>/raw", views.raw, name="raw"),
    ],
    "snippets",
)

urlpatterns = [
    path("", include(snippet_patterns)),
    path("_health", views.health, name="health"),
    path("admin/", admin.site.urls),
]
