"""The embedded MongoDB killed with SIGKILL in the middle of a stream of edits, then restarted.

The server runs as `make run` runs it (`manage.py embedded_mongo`, its own process, its SQLite
file); Django in this process writes through the story services. Every edit the services
returned from is there after the restart, the file passes SQLite's integrity check, and the
studio answers 503 during the outage and 200 after it, in the same process.
"""

import sqlite3
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from story_admin.services.scenes import create_scene, update_scene
from studio.outage import is_outage
from story_admin.models import Scene
from tests.processes import free_port, start_embedded_mongo as start_server
from tests.factories import AuthorFactory, ScenarioFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_server(tmp_path):
    """Django's connection moved to a server process of its own, migrated; moved back afterwards."""
    port, path = free_port(), tmp_path / "db.sqlite3"
    original = {
        key: dict(value) if isinstance(value, dict) else value for key, value in connection.settings_dict.items()
    }
    servers = [start_server(port, path)]
    connection.close_pool()
    connection.settings_dict["HOST"] = f"mongodb://127.0.0.1:{port}/"
    connection.settings_dict["OPTIONS"] = {"serverSelectionTimeoutMS": 500}
    call_command("migrate", verbosity=0)

    def restart():
        servers.append(start_server(port, path))

    yield servers, restart, path
    for server in servers:
        server.kill()
        server.wait(10)
    connection.close_pool()
    connection.settings_dict.clear()
    connection.settings_dict.update(original)


def test_sigkill_during_writes_loses_no_acknowledged_edit(client, own_server):
    servers, restart, path = own_server
    author = AuthorFactory()
    story = ScenarioFactory(author=author, title="Written while the server dies")
    counter = create_scene(editor=author, scenario=story, title="Counter", text="0")
    client.force_login(author)

    acknowledged, last_count = [], 0
    # The kill is armed once the stream is going (after the 10th write), never by the clock alone: a slow
    # machine would otherwise kill the server before any write to lose.
    killer = threading.Timer(0.3, servers[0].kill)
    try:
        for n in range(1, 100_000):
            scene = create_scene(editor=author, scenario=story, title=f"Write {n}", text=f"Text {n}")
            acknowledged.append((scene.pk, scene.title))
            update_scene(editor=author, scene=counter, text=str(n))
            last_count = n
            if n == 11:
                killer.start()
    except Exception as error:  # what the studio answers 503 to: wrapped by Django or raw from a failed commit
        if not is_outage(error):
            raise
    finally:
        killer.cancel()
    servers[0].wait(10)
    assert len(acknowledged) > 10, "the server died before the stream of writes got going"

    during = client.get(reverse("studio:story", args=[story.pk]))
    assert during.status_code == 503 and "The database is not answering" in during.text

    restart()
    with sqlite3.connect(path) as database:
        assert database.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    after = client.get(reverse("studio:story", args=[story.pk]))
    assert after.status_code == 200 and "Write 1" in after.text

    stored = dict(Scene.objects.filter(scenario=story).exclude(pk=counter.pk).values_list("pk", "title"))
    assert set(acknowledged) <= set(stored.items()), "an acknowledged scene is missing"
    assert len(stored) - len(acknowledged) <= 1, "more than the one write in flight when the server died"
    assert int(Scene.objects.get(pk=counter.pk).text) in {last_count, last_count + 1}
