"""The snippet row no longer holds a text: every text is in a revision's file (0006, 0007).

The columns get defaults first (in Django's state only), so that going back (0008 -> 0007) can add them again to a
table that has rows; 0007's reverse then fills them from each snippet's latest revision.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('snippets', '0007_revision_one'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[  # defaults matter only when adding them back
            migrations.AlterField(model_name='snippet', name='content', field=models.TextField(default='')),
            migrations.AlterField(
                model_name='snippet', name='size',
                field=models.PositiveIntegerField(default=0, help_text='size of the content in bytes (UTF-8)'),
            ),
            migrations.AlterField(model_name='snippet', name='sha256', field=models.CharField(default='', max_length=64)),
        ]),
        migrations.RemoveIndex(
            model_name='snippet',
            name='snippet_removed_sha256',
        ),
        migrations.RemoveField(
            model_name='snippet',
            name='content',
        ),
        migrations.RemoveField(
            model_name='snippet',
            name='declined_key',
        ),
        migrations.RemoveField(
            model_name='snippet',
            name='declined_notice',
        ),
        migrations.RemoveField(
            model_name='snippet',
            name='declined_until',
        ),
        migrations.RemoveField(
            model_name='snippet',
            name='filename',
        ),
        migrations.RemoveField(
            model_name='snippet',
            name='lexer',
        ),
        migrations.RemoveField(
            model_name='snippet',
            name='lexer_source',
        ),
        migrations.RemoveField(
            model_name='snippet',
            name='sha256',
        ),
        migrations.RemoveField(
            model_name='snippet',
            name='size',
        ),
    ]
