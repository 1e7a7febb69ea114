# The first stage of every analytics pipeline: a story's real players by start date (issue #19).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('story_admin', '0010_scene_group'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='playerprogress',
            index=models.Index(fields=['scenario', 'is_preview', 'created_at'], name='progress_analytics'),
        ),
    ]
