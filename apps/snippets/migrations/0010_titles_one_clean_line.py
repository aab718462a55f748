"""Titles stored before ``intake.check_title`` existed are made what it now stores: one line, white
space runs as single spaces, control characters and those that reorder or hide text dropped, and
no title at all when nothing in it can be seen.

The rule is written out here, not imported, so this migration does what it did when it was
written whatever ``intake`` becomes. Only titles that change are written; the way back has
nothing to restore (the dropped characters were never meant to be seen).
"""

import unicodedata

from django.db import migrations

BATCH = 500
MAX_TITLE_CHARS = 200
DROPPED = {chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200B, 0x2060, 0xFEFF]}


def cleaned(title):
    kept = "".join(" " if char.isspace() else char for char in title
                   if char.isspace() or not (unicodedata.category(char) == "Cc" or char in DROPPED))
    title = " ".join(kept.split())[:MAX_TITLE_CHARS].rstrip()
    return title if any(unicodedata.category(char)[0] in "LNPS" for char in title) else ""


def clean_titles(apps, schema_editor):
    Snippet = apps.get_model("snippets", "Snippet")
    db = schema_editor.connection.alias
    titled = Snippet.objects.using(db).exclude(title="").order_by("pk").values_list("pk", "title")
    for pk, title in titled.iterator(chunk_size=BATCH):
        if cleaned(title) != title:
            Snippet.objects.using(db).filter(pk=pk).update(title=cleaned(title))


class Migration(migrations.Migration):

    dependencies = [
        ("snippets", "0009_live_forks_newest_index"),
    ]

    operations = [
        migrations.RunPython(clean_titles, migrations.RunPython.noop),
    ]
