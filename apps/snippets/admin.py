"""The admin: snippets, and the queue of reports with the two things done about them,
take down (``takedown.remove``) or dismiss."""

from django.contrib import admin, messages
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from apps.snippets import takedown
from apps.snippets.models import File, Report, Revision, Snippet


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


class RemovedFilter(admin.SimpleListFilter):
    title = "taken down"
    parameter_name = "removed"

    def lookups(self, request, model_admin):
        return [("yes", "Removed"), ("no", "Not removed")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(removed_at__isnull=self.value() == "no")
        return queryset


class FileInline(admin.TabularInline):
    model = File
    fields = ["position", "filename", "lexer", "lexer_source", "size", "sha256"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False  # a revision never changes: edits make a new one (``revisions.revise``)


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    """Each revision with its files (read-only: a revision's bytes never change)."""

    list_display = ["snippet", "number", "created_at"]
    search_fields = ["snippet__id"]
    readonly_fields = ["snippet", "number", "created_at"]
    inlines = [FileInline]
    show_full_result_count = False


@admin.register(Snippet)
class SnippetAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "created_at", "expires_at", "burn_after_reading", "removed_at"]
    list_filter = ["revisions__files__lexer", "revisions__files__lexer_source", ExpiryFilter, "burn_after_reading",
                   RemovedFilter, "created_at"]
    search_fields = ["id", "title", "revisions__files__filename", "revisions__files__content"]
    readonly_fields = ["id", "created_at", "latest_files", "removed_at", "removed_reason", "removed_by"]
    raw_id_fields = ["parent"]
    show_full_result_count = False  # a COUNT(*) per page is slow on big tables
    actions = ["take_down"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_removed:  # what is left of it is the record of its removal
            return [field.name for field in obj._meta.fields] + ["latest_files"]
        return super().get_readonly_fields(request, obj)

    @admin.display(description="files of the latest revision")
    def latest_files(self, obj):
        files = File.objects.latest_of(obj.pk).defer("content")
        return ", ".join(f"{file} ({file.lexer or 'auto'}, {file.size:,} bytes)" for file in files) or "-"

    @admin.action(description="Remove the selected snippets (take down, for breaking the rules)")
    def take_down(self, request, queryset):
        removed = sum(takedown.remove(pk, "other", request.user, request.META)
                      for pk in queryset.values_list("pk", flat=True))
        self.message_user(request, f"{removed} snippet(s) removed.", messages.SUCCESS)


class StatusFilter(admin.SimpleListFilter):
    """Open reports unless asked otherwise: the queue is what needs doing."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*Report.STATUSES, ("all", "All")]

    def value(self):
        return super().value() or Report.OPEN

    def queryset(self, request, queryset):
        return queryset if self.value() == "all" else queryset.filter(status=self.value())

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "snippet_link", "reason", "short_text", "reports_of_snippet", "reporters",
                    "status"]
    list_display_links = ["created_at"]
    list_filter = [StatusFilter, "reason"]
    ordering = ["-created_at"]
    search_fields = ["snippet__id", "text"]
    readonly_fields = ["snippet", "reason", "text", "created_at", "status", "handled_at", "handled_by"]
    fields = readonly_fields
    actions = ["take_down", "dismiss"]

    def get_queryset(self, request):
        reports = super().get_queryset(request).select_related("snippet")
        return reports.annotate(
            snippet_reports=Count("snippet__reports", distinct=True),
            snippet_reporters=Count("snippet__reports__reporter", distinct=True),
        )

    def has_add_permission(self, request):
        return False  # reports come from visitors

    @admin.display(description="snippet")
    def snippet_link(self, report):
        snippet = report.snippet
        if snippet.is_removed:
            return format_html("{} (removed)", snippet.pk)
        return format_html('<a href="{}">{}</a> · <a href="{}">admin</a>', snippet.get_absolute_url(), snippet.pk,
                           reverse("admin:snippets_snippet_change", args=[snippet.pk]))

    @admin.display(description="text")
    def short_text(self, report):
        return report.text if len(report.text) <= 120 else report.text[:119] + "…"

    @admin.display(description="reports of it", ordering="snippet_reports")
    def reports_of_snippet(self, report):
        return report.snippet_reports

    @admin.display(description="reporters")
    def reporters(self, report):
        return report.snippet_reporters

    @admin.action(description="Remove the reported snippets (take down)", permissions=["change"])
    def take_down(self, request, queryset):
        removed = 0
        for snippet_id, reason in reasons_by_snippet(queryset).items():
            removed += takedown.remove(snippet_id, reason, request.user, request.META)
        self.message_user(request, f"{removed} snippet(s) removed; their open reports are closed.", messages.SUCCESS)

    @admin.action(description="Dismiss the selected reports", permissions=["change"])
    def dismiss(self, request, queryset):
        dismissed = takedown.dismiss(queryset, request.user)
        self.message_user(request, f"{dismissed} report(s) dismissed.", messages.SUCCESS)


def reasons_by_snippet(reports):
    """``{snippet id: the reason most of the selected reports give}`` (earliest first on a tie)."""
    tallies = {}
    for snippet_id, reason in reports.order_by("created_at").values_list("snippet_id", "reason"):
        tally = tallies.setdefault(snippet_id, {})
        tally[reason] = tally.get(reason, 0) + 1
    return {snippet_id: max(tally, key=tally.get) for snippet_id, tally in tallies.items()}
