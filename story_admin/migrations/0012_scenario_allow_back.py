# An author's switch: players may go back a step, or not (issue #19). On by default: stored stories and old
# clients behave as before.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('story_admin', '0011_analytics_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='scenario',
            name='allow_back',
            field=models.BooleanField(default=True, help_text="Players may go back a step (the reading site's Back button, the API's goBackInHistory).", verbose_name='Allow going back'),
        ),
    ]
