from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("story_admin", "0003_twine_fields"),
    ]

    operations = [
        migrations.AddField(
            model_name="scene",
            name="version",
            field=models.PositiveIntegerField(
                default=0, editable=False, help_text="Counts saves: a save is written only over the version it read."
            ),
        ),
        migrations.AddField(
            model_name="playerprogress",
            name="version",
            field=models.PositiveIntegerField(
                default=0, editable=False, help_text="Counts steps: a step is written only over the version it read."
            ),
        ),
    ]
