"""``python manage.py copy_database URL``: move a live site to another database, verified.

A site starts on its SQLite file and outgrows it; this copies everything a visitor or an
operator would miss into a new database (any ``DATABASE_URL``, usually PostgreSQL), then
checks the copy row by row before it says so:

- every snippet, every field, in one transaction on the target: all of it or nothing;
- the admin accounts (``auth.User``) and the sessions that are still alive, since a
  visitor's "My snippets" and delete tokens live in their session;
- then a report: rows copied and verified per table, and the SHA-256 of every file of every
  revision recomputed on the target and compared with the source's.

The target is migrated first and must hold no snippets (nothing is merged). Run it with
the site stopped or read-only (writes made during the copy are not in it), then point
``DATABASE_URL`` at the target. Permissions and admin history are not copied: the admin
works with the superuser flag, which is.
"""

import hashlib

import dj_database_url
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connections, transaction
from django.utils import timezone

TARGET = "copy_target"
BATCH = 500
COPIED_MODELS = ("auth.User", "sessions.Session")  # besides every model of this app


def copied_models():
    """The models whose rows move, parents before children."""
    own = [model for model in apps.get_app_config("snippets").get_models(include_auto_created=True)]
    return [apps.get_model(label) for label in COPIED_MODELS] + own


def rows(model, using):
    """Every row of a model in primary-key order, a batch at a time; live sessions only."""
    query = model._default_manager.using(using).order_by("pk")
    if model._meta.label == "sessions.Session":
        query = query.filter(expire_date__gt=timezone.now())
    return query.iterator(chunk_size=BATCH)


def row_digest(model, using):
    """(count, SHA-256 over every field of every row): equal on both sides means equal data."""
    digest, count = hashlib.sha256(), 0
    fields = model._meta.concrete_fields
    for row in rows(model, using):
        for field in fields:
            digest.update(field.attname.encode() + b"=" + field.value_to_string(row).encode("utf-8", "surrogatepass") + b"\0")
        count += 1
    return count, digest.hexdigest()


class Command(BaseCommand):
    help = "Copy every snippet, account and live session into another database, and verify the copy."

    def add_arguments(self, parser):
        parser.add_argument("url", help="the target database, as a DATABASE_URL (e.g. postgres://user@host/db)")

    def handle(self, url, **options):
        self.connect(url)
        try:
            call_command("migrate", database=TARGET, interactive=False, verbosity=0)
            self.refuse_a_target_with_snippets()
            with transaction.atomic(using=TARGET):
                for model in copied_models():
                    self.copy(model)
                self.reset_sequences()
            self.verify()
        finally:
            connections[TARGET].close()

    def connect(self, url):
        try:
            config = dj_database_url.parse(url)
        except ValueError as error:
            raise CommandError(f"The target URL is not usable: {error}") from None
        source = connections["default"].settings_dict
        if config.get("ENGINE") == source["ENGINE"] and config.get("NAME") == source["NAME"] and config.get(
            "HOST", ""
        ) == source.get("HOST", ""):
            raise CommandError("The target is the site's own database.")
        everything = connections.configure_settings({"default": dict(source), TARGET: config})
        connections.settings[TARGET] = everything[TARGET]

    def reset_sequences(self):
        """Rows came with their ids: the target's id counters (PostgreSQL sequences) must
        continue after them, or its next revision or report would take an id in use."""
        connection = connections[TARGET]
        statements = connection.ops.sequence_reset_sql(no_style(), copied_models())
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    def refuse_a_target_with_snippets(self):
        snippet = apps.get_model("snippets.Snippet")
        present = snippet._default_manager.using(TARGET).count()
        if present:
            raise CommandError(f"The target already holds {present} snippets; copy into an empty database.")

    def copy(self, model):
        fields = model._meta.concrete_fields
        batch, total = [], 0
        for row in rows(model, "default"):
            batch.append(model(**{field.attname: getattr(row, field.attname) for field in fields}))
            if len(batch) == BATCH:
                total += self.write(model, batch)
                batch = []
        total += self.write(model, batch)
        self.stdout.write(f"{model._meta.label}: {total} rows copied")

    def write(self, model, batch):
        if batch:
            model._default_manager.using(TARGET).bulk_create(batch)
        return len(batch)

    def verify(self):
        for model in copied_models():
            source, target = row_digest(model, "default"), row_digest(model, TARGET)
            if source != target:
                raise CommandError(
                    f"{model._meta.label}: the copy differs ({source[0]} rows here, {target[0]} there); "
                    "the target is left as it is for inspection."
                )
            self.stdout.write(f"{model._meta.label}: {source[0]} rows verified")
        self.verify_contents()

    def verify_contents(self):
        file_model = apps.get_model("snippets.File")
        checked = 0
        files = file_model._default_manager.using(TARGET).filter(revision__snippet__removed_at__isnull=True)
        for row in files.select_related("revision").order_by("pk").iterator(chunk_size=BATCH):
            # (a snippet taken down had its texts erased, their digests kept: ``takedown``)
            actual = hashlib.sha256(row.content.encode("utf-8", "surrogatepass")).hexdigest()
            if actual != row.sha256:
                raise CommandError(f"Snippet {row.revision.snippet_id}, revision {row.revision.number}, "
                                   f"file {row.position + 1}: its content on the target does not match its SHA-256.")
            checked += 1
        self.stdout.write(self.style.SUCCESS(f"{checked} file contents verified by SHA-256; the copy is complete."))
