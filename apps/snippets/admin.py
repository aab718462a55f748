from django.contrib import admin

from apps.snippets.models import Snippet


@admin.register(Snippet)
class SnippetAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "filename", "lexer", "size", "created_at", "expires_at", "burn_after_reading"]
    list_filter = ["lexer", "burn_after_reading", "created_at", "expires_at"]
    search_fields = ["id", "title", "filename", "content"]
    readonly_fields = ["id", "size", "sha256", "created_at"]
    raw_id_fields = ["parent"]
