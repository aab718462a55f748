"""``manage.py cleanup_snippets``: delete expired snippets (run it from a scheduler).

Expired snippets already answer 410 the moment they expire; this removes their rows.
Forks of a deleted snippet stay (their parent link is cleared).
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from apps.snippets.models import Snippet

BATCH = 500  # rows per DELETE, so a big backlog never holds the write lock for long


class Command(BaseCommand):
    help = "Delete snippets whose expiry time has passed."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")

    def handle(self, *args, dry_run=False, **options):
        now = timezone.now()
        expired = Snippet.objects.expired(now)
        if dry_run:
            self.stdout.write(f"{expired.count()} expired snippet(s) would be deleted.")
            return
        total = 0
        while ids := list(expired.values_list("pk", flat=True)[:BATCH]):
            total += Snippet.objects.filter(pk__in=ids).delete()[1].get("snippets.Snippet", 0)
        self.stdout.write(f"Deleted {total} expired snippet(s).")
