# Plays through a private preview link are kept apart from real players' figures (issue #19).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('story_admin', '0007_edit_history'),
    ]

    operations = [
        migrations.AddField(
            model_name='playerprogress',
            name='is_preview',
            field=models.BooleanField(default=False, help_text="Played through a private preview link: kept apart from real players' figures."),
        ),
    ]
