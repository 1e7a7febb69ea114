# An edit step keeps its label's wording (an English msgid) and what fills it, so the studio says the undo and redo
# buttons in the author's language. Steps recorded before have neither and are said in English (their `label`).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("story_admin", "0014_player_figures")]

    operations = [
        migrations.AddField(
            model_name="editstep",
            name="wording",
            field=models.CharField(
                blank=True, default="", help_text="The label's msgid, %(name)s places.", max_length=300
            ),
        ),
        migrations.AddField(
            model_name="editstep",
            name="details",
            field=models.JSONField(blank=True, default=dict, help_text="What fills the wording's places."),
        ),
        migrations.AlterField(
            model_name="editstep",
            name="label",
            field=models.CharField(
                help_text="In English; the studio says `wording` in its language.", max_length=300
            ),
        ),
    ]
