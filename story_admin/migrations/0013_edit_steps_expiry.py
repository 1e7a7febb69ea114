# The edit journal's steps expire after 30 days (story_admin.services.history.HISTORY_DAYS): recording a step is
# then one insert, with nothing to delete on the write path (issue #14). A TTL index, which Django's Index cannot
# declare, so it is created through the collection.

from django.db import migrations

INDEX = "edit_steps_expiry"
SECONDS = 30 * 24 * 3600


def create(apps, schema_editor):
    steps = schema_editor.connection.get_collection(apps.get_model("story_admin", "EditStep")._meta.db_table)
    steps.create_index("created_at", name=INDEX, expireAfterSeconds=SECONDS)


def drop(apps, schema_editor):
    steps = schema_editor.connection.get_collection(apps.get_model("story_admin", "EditStep")._meta.db_table)
    steps.drop_index(INDEX)


class Migration(migrations.Migration):

    dependencies = [
        ('story_admin', '0012_scenario_allow_back'),
    ]

    operations = [migrations.RunPython(create, drop)]
