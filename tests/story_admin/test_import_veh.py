"""`import_veh`: an old backend's database, as MongoEngine stored it, brought across twice."""

from datetime import datetime

import bcrypt
import pymongo
import pytest
from bson import DBRef, ObjectId
from django.contrib.auth import authenticate
from django.core.management import call_command

from story_admin.models import Choice, PlayerProgress, Scenario, Scene, User
from story_admin.selectors import load_story
from story_admin.validation import story_problems

pytestmark = pytest.mark.django_db
OLD_DB = "veh_old_backend"


@pytest.fixture
def old_backend(embedded_mongo):
    client = pymongo.MongoClient(embedded_mongo.uri)
    client.drop_database(OLD_DB)
    db = client[OLD_DB]
    ids = {name: ObjectId() for name in ("writer", "reader", "story", "hall", "cellar", "door", "picture", "save")}
    db.users.insert_many([
        {"_id": ids["writer"], "email": "Writer@Example.com", "role": "admin", "first_name": "Wri",
         "password": bcrypt.hashpw(b"old-writer-secret", bcrypt.gensalt(rounds=4)).decode(),
         "created_at": datetime(2024, 5, 1)},
        {"_id": ids["reader"], "email": "reader@example.com", "role": "player",
         "password": bcrypt.hashpw(b"old-reader-secret", bcrypt.gensalt(rounds=4)).decode()},
    ])
    db.assets.insert_one({"_id": ids["picture"], "type": "image", "name": "Hall", "filename": "hall.png",
                          "url": "https://cdn.example.com/hall.png", "file_size": 2048, "mime_type": "image/png",
                          "metadata": {"width": 640, "height": 480}, "is_public": True,
                          "uploaded_by": DBRef("users", ids["writer"])})
    db.scenarios.insert_one({"_id": ids["story"], "title": "La cave", "description": "Old story",
                             "is_published": True, "author_id": ids["writer"]})
    db.scenes.insert_many([
        {"_id": ids["hall"], "scenario_id": ids["story"], "title": "Hall", "text": "A hall.", "order": 0,
         "is_start_scene": True, "is_end_scene": False, "image_id": ids["picture"]},
        {"_id": ids["cellar"], "scenario_id": ids["story"], "title": "Cellar", "text": "Dark.", "order": 1,
         "is_start_scene": False, "is_end_scene": True},
    ])
    db.choices.insert_one({"_id": ids["door"], "from_scene_id": ids["hall"], "to_scene_id": ids["cellar"],
                           "text": "Open the door", "condition": {}, "order": 0})
    db.player_progress.insert_one({
        "_id": ids["save"], "user_id": ids["reader"], "scenario_id": ids["story"], "current_scene_id": ids["cellar"],
        "history": [{"scene_id": ids["hall"], "choice_id": None, "timestamp": datetime(2024, 6, 1), "metadata": {}},
                    {"scene_id": ids["cellar"], "choice_id": ids["door"], "timestamp": datetime(2024, 6, 1, 0, 1),
                     "metadata": {"timestamp": "2024-06-01T00:01:00Z"}}],
        "is_completed": True, "completed_at": datetime(2024, 6, 1, 0, 1), "total_time_spent": 60})
    yield embedded_mongo.uri, ids
    client.drop_database(OLD_DB)
    client.close()


def test_import_twice_brings_everything_once(old_backend, capsys):
    uri, ids = old_backend
    call_command("import_veh", "--uri", uri, "--db", OLD_DB)
    first = capsys.readouterr().out
    assert "users: 2 imported, 0 already there" in first and "player_progress: 1 imported" in first

    writer = User.objects.get(pk=ids["writer"])
    assert (writer.email, writer.role, writer.first_name) == ("writer@example.com", "admin", "Wri")
    assert authenticate(username="WRITER@example.com", password="old-writer-secret") == writer
    assert authenticate(username="reader@example.com", password="old-reader-secret").pk == ids["reader"]
    assert User.objects.get(pk=ids["writer"]).password.startswith("md5$")  # upgraded at first sign-in

    story = Scenario.objects.get(pk=ids["story"])
    loaded = load_story(story)
    assert story.author == writer and story.is_published and story_problems(loaded) == []
    assert [(c.from_scene.title, c.to_scene.title) for c in loaded.choices] == [("Hall", "Cellar")]
    assert loaded.scenes[0].image.url == "https://cdn.example.com/hall.png"
    progress = PlayerProgress.objects.get(pk=ids["save"])
    assert [entry.scene_id for entry in progress.history] == [str(ids["hall"]), str(ids["cellar"])]
    assert progress.history[1].choice_id == str(ids["door"]) and progress.is_completed

    call_command("import_veh", "--uri", uri, "--db", OLD_DB)
    second = capsys.readouterr().out
    assert "users: 0 imported, 2 already there" in second and "choices: 0 imported, 1 already there" in second
    assert (User.objects.count(), Scenario.objects.count(), Scene.objects.count(), Choice.objects.count()) == \
        (2, 1, 2, 1)


def test_unreachable_old_database_is_a_clear_error():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Cannot read the old database"):
        call_command("import_veh", "--uri", "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300", "--db", "x")
