# The edit journal behind undo and redo (issue #15).

import django.db.models.deletion
import django.utils.timezone
import django_mongodb_backend.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('story_admin', '0006_story_state'),
    ]

    operations = [
        migrations.CreateModel(
            name='EditStep',
            fields=[
                ('id', django_mongodb_backend.fields.ObjectIdAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('label', models.CharField(max_length=300)),
                ('kind', models.CharField(blank=True, help_text='scene, choice, delete_scene, tidy_up, replace…', max_length=32)),
                ('changes', models.JSONField(default=list)),
                ('is_undone', models.BooleanField(default=False, help_text='Undone steps can be redone, until a new edit.')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('author', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('scenario', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='story_admin.scenario')),
            ],
            options={
                'db_table': 'edit_steps',
                'ordering': ['created_at'],
                'indexes': [models.Index(fields=['scenario', 'author', 'is_undone', 'created_at'], name='edit_steps_stack')],
            },
        ),
    ]
