# Scenes gathered into named groups (chapters) on the map (issue #16).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('story_admin', '0009_preview_links'),
    ]

    operations = [
        migrations.AddField(
            model_name='scene',
            name='group',
            field=models.CharField(blank=True, default='', help_text='The group (a chapter) the scene is drawn in on the map; empty: none.', max_length=60),
        ),
    ]
