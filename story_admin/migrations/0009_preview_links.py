# Private preview links of a story for beta readers, and the endings a player ever found (issue #19).

import django.db.models.deletion
import django.utils.timezone
import django_mongodb_backend.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('story_admin', '0008_progress_is_preview'),
    ]

    operations = [
        migrations.AddField(
            model_name='playerprogress',
            name='endings_found',
            field=django_mongodb_backend.fields.ArrayField(base_field=models.CharField(max_length=24), blank=True, default=list, help_text='Ids of the ending scenes this player ever reached, restarts included.'),
        ),
        migrations.CreateModel(
            name='PreviewLink',
            fields=[
                ('id', django_mongodb_backend.fields.ObjectIdAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token', models.CharField(max_length=64, unique=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('revoked_at', models.DateTimeField(blank=True, null=True)),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('scenario', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='preview_links', to='story_admin.scenario')),
            ],
            options={
                'db_table': 'preview_links',
                'ordering': ['-created_at'],
            },
        ),
    ]
