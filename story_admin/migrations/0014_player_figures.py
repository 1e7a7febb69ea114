# The players' figures counted per story and start day as they play (issue #19): the Players view adds these up
# instead of reading every player's progress. Counted once here from the progress already stored.

import django.db.models.deletion
import django_mongodb_backend.fields
from django.db import migrations, models


def count(apps, schema_editor):
    from story_admin.analytics.counters import rebuild

    rebuild()


class Migration(migrations.Migration):

    dependencies = [
        ('story_admin', '0013_edit_steps_expiry'),
    ]

    operations = [
        migrations.CreateModel(
            name='PlayerFigures',
            fields=[
                ('id', django_mongodb_backend.fields.ObjectIdAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateTimeField(help_text='Midnight (UTC) of the day these players started.')),
                ('started', models.IntegerField(default=0)),
                ('finished', models.IntegerField(default=0)),
                ('seconds', models.JSONField(blank=True, default=dict)),
                ('visits', models.JSONField(blank=True, default=dict)),
                ('endings', models.JSONField(blank=True, default=dict)),
                ('reached', models.JSONField(blank=True, default=dict)),
                ('taken', models.JSONField(blank=True, default=dict)),
                ('stopped', models.JSONField(blank=True, default=dict)),
                ('scenario', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='story_admin.scenario')),
            ],
            options={
                'verbose_name_plural': 'player figures',
                'db_table': 'player_figures',
                'constraints': [models.UniqueConstraint(fields=('scenario', 'day'), name='one_figures_per_story_and_day')],
            },
        ),
        migrations.RunPython(count, migrations.RunPython.noop),
    ]
