from django.contrib import admin
from django.utils import timezone

from apps.snippets.models import Snippet


class ExpiryFilter(admin.SimpleListFilter):
    title = "expiry"
    parameter_name = "expiry"

    def lookups(self, request, model_admin):
        return [("never", "Never expires"), ("alive", "Expires later"), ("expired", "Expired (awaiting cleanup)")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "never":
            return queryset.filter(expires_at__isnull=True)
        if self.value() == "alive":
            return queryset.filter(expires_at__gt=now)
        if self.value() == "expired":
            return queryset.filter(expires_at__lte=now)
        return queryset


@admin.register(Snippet)
class SnippetAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "filename", "lexer", "size", "created_at", "expires_at", "burn_after_reading"]
    list_filter = ["lexer", ExpiryFilter, "burn_after_reading", "created_at"]
    search_fields = ["id", "title", "filename", "content"]
    readonly_fields = ["id", "size", "sha256", "created_at"]
    raw_id_fields = ["parent"]
    show_full_result_count = False  # a COUNT(*) per page is slow on big tables

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.resolver_match.url_name.endswith("_changelist"):
            queryset = queryset.defer("content")  # the list never shows it; rows can be 512 KiB
        return queryset
