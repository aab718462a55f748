"""Every existing snippet becomes revision 1 with its one file, byte for byte.

The text, name, language (and where it came from), size, digest and the highlighter's
decline notes move as they are: nothing is decoded, normalised or measured again (a removed
snippet keeps the digest of the text it had, with its text emptied). The revision is dated
when the snippet was made. Going back puts the first file of each snippet's latest revision
on the snippet row again (the other files of a several-file snippet cannot go back: they are
lost on the way down).
"""

from django.db import migrations

BATCH = 200
MOVED = ("filename", "lexer", "lexer_source", "content", "size", "sha256", "declined_key", "declined_notice",
         "declined_until")


def to_revisions(apps, schema_editor):
    Snippet = apps.get_model("snippets", "Snippet")
    Revision = apps.get_model("snippets", "Revision")
    File = apps.get_model("snippets", "File")
    db = schema_editor.connection.alias
    done = Revision.objects.using(db).values("snippet_id")
    pending = Snippet.objects.using(db).exclude(pk__in=done).order_by("pk").values_list("pk", flat=True)
    while ids := list(pending[:BATCH]):
        snippets = list(Snippet.objects.using(db).filter(pk__in=ids).order_by("pk"))
        revisions = Revision.objects.using(db).bulk_create(
            [Revision(snippet_id=snippet.pk, number=1, created_at=snippet.created_at) for snippet in snippets]
        )
        if any(revision.pk is None for revision in revisions):  # a database that returns no ids
            numbered = dict(Revision.objects.using(db).filter(snippet_id__in=ids).values_list("snippet_id", "pk"))
        else:
            numbered = {revision.snippet_id: revision.pk for revision in revisions}
        File.objects.using(db).bulk_create(
            [File(revision_id=numbered[snippet.pk], position=0, **{name: getattr(snippet, name) for name in MOVED})
             for snippet in snippets]
        )


def to_snippet_rows(apps, schema_editor):
    Snippet = apps.get_model("snippets", "Snippet")
    File = apps.get_model("snippets", "File")
    db = schema_editor.connection.alias
    for snippet in Snippet.objects.using(db).order_by("pk").iterator(chunk_size=BATCH):
        head = (File.objects.using(db).filter(revision__snippet_id=snippet.pk)
                .order_by("-revision__number", "position").first())
        if head is not None:
            Snippet.objects.using(db).filter(pk=snippet.pk).update(**{name: getattr(head, name) for name in MOVED})


class Migration(migrations.Migration):

    dependencies = [
        ('snippets', '0006_revisions'),
    ]

    operations = [
        migrations.RunPython(to_revisions, to_snippet_rows),
    ]
