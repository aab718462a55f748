"""Revisions and their files (issue 13): the tables; 0007 fills them, 0008 drops the old columns."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('snippets', '0005_snippet_lexer_source'),
    ]

    operations = [
        migrations.CreateModel(
            name='File',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveSmallIntegerField(default=0, help_text='0, 1, 2… in the order the files were given')),
                ('filename', models.CharField(blank=True, max_length=255)),
                ('lexer', models.CharField(blank=True, help_text='Pygments lexer alias; empty: not decided yet (auto)', max_length=100)),
                ('lexer_source', models.CharField(blank=True, choices=[('chosen', 'Chosen by a person'), ('filename', 'Decided by the file name'), ('detected', 'Detected from the content')], default='', help_text='where the language came from; empty: not known (older snippets) or not decided yet', max_length=10)),
                ('content', models.TextField()),
                ('size', models.PositiveIntegerField(help_text='size of the content in bytes (UTF-8)')),
                ('sha256', models.CharField(db_index=True, max_length=64)),
                ('declined_key', models.CharField(blank=True, editable=False, max_length=100)),
                ('declined_notice', models.CharField(blank=True, editable=False, max_length=300)),
                ('declined_until', models.DateTimeField(blank=True, editable=False, null=True)),
            ],
            options={
                'ordering': ['revision', 'position'],
            },
        ),
        migrations.CreateModel(
            name='Revision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField()),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'ordering': ['number'],
            },
        ),
        migrations.AddField(
            model_name='revision',
            name='snippet',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='revisions', to='snippets.snippet'),
        ),
        migrations.AddField(
            model_name='file',
            name='revision',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='files', to='snippets.revision'),
        ),
        migrations.AddConstraint(
            model_name='revision',
            constraint=models.UniqueConstraint(fields=('snippet', 'number'), name='revision_number_once'),
        ),
        migrations.AddConstraint(
            model_name='file',
            constraint=models.UniqueConstraint(fields=('revision', 'position'), name='file_position_once'),
        ),
        migrations.AddConstraint(
            model_name='file',
            constraint=models.UniqueConstraint(fields=('revision', 'filename'), name='file_name_once'),
        ),
    ]
