"""`import_veh`: an old backend's database, in the shapes its MongoEngine code wrote, brought across twice.

The old database is written as the old backend wrote it: plain ObjectId references, naive UTC dates,
`condition: {}` by default, `scenes` / `choices` id lists on the parents, music stored as `type: "sound"`,
and `history` listing the scenes a player *left* (never the current one).
"""

import json
from datetime import UTC, datetime

import bcrypt
import pymongo
import pytest
from bson import ObjectId
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError

from story_admin.models import Asset, Choice, PlayerProgress, Scenario, Scene, User
from story_admin.services.layout import move_scene, tidy_up
from tests.snapshots import database_snapshot

pytestmark = pytest.mark.django_db
OLD_DB = "veh_old_backend"

CASTLE = ["Le portail", "Les douves", "La cour", "La tour", "Le donjon", "La crypte"]
FOREST = ["La lisière", "Le sentier", "La clairière", "La cabane", "Le lac", "La grotte"]
# (from, to, text, condition) — the old editor saved `{}` when a choice had no condition.
CASTLE_CHOICES = [
    ("Le portail", "Les douves", "Traverser le pont", {}),
    ("Le portail", "La cour", "Escalader le mur", {"var": "corde"}),
    ("Les douves", "La cour", "Nager jusqu'à la cour", {}),
    ("Les douves", "Le portail", "Revenir au portail", {}),
    ("La cour", "La tour", "Monter à la tour", {"==": [{"var": "clé"}, True]}),
    ("La cour", "La crypte", "Descendre à la crypte", {}),
    ("La tour", "Le donjon", "Entrer au donjon", {">=": [{"var": "courage"}, 3]}),
]
FOREST_CHOICES = [
    ("La lisière", "Le sentier", "Suivre le sentier", {}),
    ("La lisière", "La clairière", "Couper par les fougères", {"var": "lanterne"}),
    ("Le sentier", "La cabane", "Frapper à la cabane", {}),
    ("La clairière", "Le lac", "Descendre au lac", {}),
    ("La cabane", "La grotte", "Suivre l'ermite", {"!": {"var": "peur"}}),
    ("La cabane", "Le lac", "Fuir vers le lac", {}),
]

# key, title, author, scenes, choices, published, day written
STORIES = (
    ("castle", "Le château", "claire", CASTLE, CASTLE_CHOICES, True, 12),
    ("forest", "La forêt", "bruno", FOREST, FOREST_CHOICES, False, 14),
)


def day(number: int, hour: int = 0, minute: int = 0) -> datetime:
    """A naive UTC date, as pymongo hands back what MongoEngine's `datetime.utcnow` stored."""
    return datetime(2024, 3, 1 + number, hour, minute)


def iso(naive: datetime) -> str:
    return naive.replace(tzinfo=UTC).isoformat()


def password(plain: str) -> str:
    return bcrypt.hashpw(plain.encode(), bcrypt.gensalt(rounds=4)).decode()


class OldBackend:
    """The old backend's database, written document by document in its own shapes."""

    def __init__(self, db):
        self.db = db
        self.ids = {}
        self.dates = {}  # id -> (created_at, updated_at) as the old backend stored them

    def new_id(self, name, created, updated=None):
        self.ids[name] = ObjectId()
        self.dates[self.ids[name]] = (created, updated)
        return self.ids[name]

    def build(self):
        db, ids = self.db, self.ids
        users = [
            ("claire", "Claire.Martin@Example.COM", "admin", "vieux-secret-1"),
            ("bruno", "bruno@example.com", "admin", "vieux-secret-2"),
            ("lea", "lea@example.com", "player", "clé-été-ça-1"),
            ("malo", "malo@example.com", "player", "joueur-secret-2"),
            ("nina", "nina@example.com", "player", "joueuse-secret-3"),
        ]
        db.users.insert_many(
            [
                {
                    "_id": self.new_id(key, day(n), day(n, 12)),
                    "email": email,
                    "password": password(secret),
                    "role": role,
                    "first_name": key.title(),
                    "last_name": "Dupont",
                    "created_at": day(n),
                    "updated_at": day(n, 12),
                }
                for n, (key, email, role, secret) in enumerate(users)
            ]
        )
        # Five assets of every type the old backend allowed; "Brume" is music stored as sound, "Cloche"
        # serves one story as narration and the other as music, the video is used by no scene.
        assets = [
            ("portail", "image", "Portail", "portail.png", {"width": 1024, "height": 768, "format": "png"}),
            ("voix", "sound", "Voix de la cour", "cour.mp3", {"duration": 12, "type": "speech"}),
            ("brume", "sound", "Brume", "brume.wav", {"duration": 15, "type": "music"}),
            ("cloche", "sound", "Cloche", "cloche.mp3", {"duration": 3}),
            ("film", "video", "Film", "film.mp4", {"width": 640, "height": 360, "duration": 30.5}),
            ("clairiere", "image", "Clairière", "clairiere.png", {"width": 512, "height": 512}),
        ]
        db.assets.insert_many(
            [
                {
                    "_id": self.new_id(key, day(5 + n), day(5 + n, 6)),
                    "type": kind,
                    "name": name,
                    "filename": filename,
                    "url": f"/media/assets/{filename}",
                    "file_size": 1000 + n,
                    "mime_type": "application/octet-stream",
                    "metadata": metadata,
                    "uploaded_by": ids["bruno" if key == "clairiere" else "claire"],
                    "is_public": True,
                    "created_at": day(5 + n),
                    "updated_at": day(5 + n, 6),
                }
                for n, (key, kind, name, filename, metadata) in enumerate(assets)
            ]
        )
        media = {
            "Le portail": {"image_id": "portail"},
            "La cour": {"sound_id": "voix", "music_id": "brume"},
            "La tour": {"sound_id": "cloche", "music_id": "brume"},
            "La lisière": {"music_id": "cloche"},
            "La clairière": {"image_id": "clairiere"},
        }
        for story, story_title, author, titles, choices, published, offset in STORIES:
            scene_ids = [self.new_id(title, day(offset, 1, n), day(offset, 2, n)) for n, title in enumerate(titles)]
            choice_ids = {text: self.new_id(text, day(offset, 3, n)) for n, (_, _, text, _) in enumerate(choices)}
            db.scenarios.insert_one(
                {
                    "_id": self.new_id(story, day(offset), day(offset, 20)),
                    "title": story_title,
                    "description": "Une histoire en français.",
                    "author_id": ids[author],
                    "scenes": scene_ids,
                    "is_published": published,
                    "created_at": day(offset),
                    "updated_at": day(offset, 20),
                }
            )
            db.scenes.insert_many(
                [
                    {
                        "_id": ids[title],
                        "scenario_id": ids[story],
                        "title": title,
                        "text": f"Vous êtes à {title}.",
                        "order": n,
                        **{field: ids[asset] for field, asset in media.get(title, {}).items()},
                        "choices": [choice_ids[text] for origin, _, text, _ in choices if origin == title],
                        "is_start_scene": n == 0,
                        "is_end_scene": not any(origin == title for origin, *_ in choices),
                        "created_at": day(offset, 1, n),
                        "updated_at": day(offset, 2, n),
                    }
                    for n, title in enumerate(titles)
                ]
            )
            db.choices.insert_many(
                [
                    {
                        "_id": choice_ids[text],
                        "from_scene_id": ids[origin],
                        "to_scene_id": ids[target],
                        "text": text,
                        "condition": condition,
                        "order": n,
                        "created_at": day(offset, 3, n),
                    }
                    for n, (origin, target, text, condition) in enumerate(choices)
                ]
            )
        # History as move_to_scene wrote it: the scene *left*, the choice taken, when; never the current scene.
        self.progress(
            "lea_castle",
            "lea",
            "castle",
            "La cour",
            [
                ("Le portail", "Traverser le pont", day(20, 10, 1), {"timestamp": "2024-03-21T10:01:00Z"}),
                ("Les douves", "Nager jusqu'à la cour", day(20, 10, 4), {}),
            ],
        )
        self.progress("malo_castle", "malo", "castle", "Le portail", [])
        self.progress(
            "nina_castle",
            "nina",
            "castle",
            "Le donjon",
            [
                ("Le portail", "Escalader le mur", day(20, 11, 1), {}),
                ("La cour", "Monter à la tour", day(20, 11, 2), {}),
                ("La tour", "Entrer au donjon", day(20, 11, 3), {"device": "phone"}),
            ],
            completed=day(20, 11, 3),
        )
        self.progress(
            "lea_forest", "lea", "forest", "Le sentier", [("La lisière", "Suivre le sentier", day(21, 9, 5), {})]
        )
        return self

    def progress(self, key, player, story, current, steps, completed=None):
        self.db.player_progress.insert_one(
            {
                "_id": self.new_id(key, day(20, 9), day(22)),
                "user_id": self.ids[player],
                "scenario_id": self.ids[story],
                "current_scene_id": self.ids[current],
                "history": [
                    {"scene_id": self.ids[left], "choice_id": self.ids[choice], "timestamp": at, "metadata": metadata}
                    for left, choice, at, metadata in steps
                ],
                "is_completed": completed is not None,
                **({"completed_at": completed} if completed else {}),
                "total_time_spent": 60 * len(steps),
                "created_at": day(20, 9),
                "updated_at": day(22),
            }
        )


@pytest.fixture
def old_backend(embedded_mongo):
    client = pymongo.MongoClient(embedded_mongo.uri)
    client.drop_database(OLD_DB)
    yield embedded_mongo.uri, OldBackend(client[OLD_DB]).build()
    client.drop_database(OLD_DB)
    client.close()


def import_veh(uri, capsys, *options):
    call_command("import_veh", "--uri", uri, "--db", OLD_DB, *options)
    return capsys.readouterr().out


@pytest.fixture
def imported(old_backend, capsys):
    uri, old = old_backend
    return uri, old, import_veh(uri, capsys, "--language", "fr")


PROGRESS = """query { myProgress { mongoId progressPercentage isCompleted completedAt createdAt updatedAt
    currentSceneId { title } scenarioId { title }
    history { sceneId { title } choiceId { text } timestamp metadata } } }"""
GO_BACK = """mutation($id: ID!, $steps: Int!) { goBackInHistory(progressId: $id, stepsBack: $steps) {
    success message progress { isCompleted progressPercentage currentSceneId { title }
    history { sceneId { title } } } } }"""
RECORD = """mutation($id: ID!, $scene: ID!, $choice: ID) {
    recordProgress(input: {progressId: $id, sceneId: $scene, choiceId: $choice}) {
    success message progress { progressPercentage currentSceneId { title } history { sceneId { title } } } } }"""
STORY = """query($id: ID!) { scenarioById(scenarioId: $id) { title language createdAt updatedAt
    scenesList { mongoId title createdAt updatedAt position { x y } imageId { name } soundId { name } musicId { name }
                 choices { text condition createdAt updatedAt } } } }"""
ASSETS = "query { allAssets { name type width height duration dimensions createdAt updatedAt } }"


def progress_of(gql, user, story_title):
    rows = gql.as_user(user).data(PROGRESS)["myProgress"]
    return next(row for row in rows if row["scenarioId"]["title"] == story_title)


def test_first_run_imports_everything_and_says_what_it_converted(imported):
    _, old, output = imported
    for line in (
        "users: 5 imported, 0 already there",
        "scenarios: 2 imported",
        "assets: 6 imported",
        "scenes: 12 imported",
        "choices: 13 imported",
        "player_progress: 4 imported",
        "language: “fr” set on 2 imported stories",
        "map: 12 scenes of 2 stories laid out left to right, as Tidy up does",
        "history: 4 progress records converted from “scenes left” to “the start, then each scene arrived at”",
        "dates: created_at and updated_at of the old backend kept on 42 documents",
        "music: 1 stored as sound but used by scenes as music, now typed music: “Brume”",
        "assets: 4 tied to the story whose scenes use them",
        "sizes: width, height or duration filled from metadata on 6 assets",
        f"asset “Cloche” ({old.ids['cloche']}) is used both as narration and as music: kept as narration",
        f"asset “Cloche” ({old.ids['cloche']}) is used by scenes of 2 stories: shared, tied to no story",
    ):
        assert line in output, output
    assert "skipped" not in output


def test_old_passwords_sign_in_and_emails_are_lower_case(imported):
    _, old, _ = imported
    claire = User.objects.get(pk=old.ids["claire"])
    assert (claire.email, claire.role, claire.first_name) == ("claire.martin@example.com", "admin", "Claire")
    assert authenticate(username="Claire.Martin@example.com", password="vieux-secret-1") == claire
    assert authenticate(username="lea@example.com", password="clé-été-ça-1").pk == old.ids["lea"]
    assert User.objects.get(pk=old.ids["claire"]).password.startswith("md5$")  # upgraded at first sign-in


def test_texts_flags_and_conditions_come_across(imported, gql):
    _, old, _ = imported
    story = gql.as_user(User.objects.get(pk=old.ids["claire"])).data(STORY, {"id": str(old.ids["castle"])})
    scenes = story["scenarioById"]["scenesList"]
    assert [scene["title"] for scene in scenes] == CASTLE
    assert {choice["text"]: json.loads(choice["condition"]) for scene in scenes for choice in scene["choices"]} == {
        text: condition for _, _, text, condition in CASTLE_CHOICES
    }
    stored = {scene.title: scene for scene in Scene.objects.filter(scenario_id=old.ids["castle"])}
    assert stored["Le portail"].is_start_scene and stored["Le donjon"].is_end_scene
    assert stored["La cour"].text == "Vous êtes à La cour."


def test_go_back_lands_on_the_scene_before_and_percentages_count_the_current_scene(imported, gql):
    _, old, _ = imported
    lea = User.objects.get(pk=old.ids["lea"])
    progress = progress_of(gql, lea, "Le château")
    assert [entry["sceneId"]["title"] for entry in progress["history"]] == ["Le portail", "Les douves", "La cour"]
    assert [entry["choiceId"] and entry["choiceId"]["text"] for entry in progress["history"]] == [
        None,
        "Traverser le pont",
        "Nager jusqu'à la cour",
    ]
    # Each step keeps the moment and metadata of the move that arrived there; the start is when the player began.
    assert [entry["timestamp"] for entry in progress["history"]] == [
        iso(day(20, 9)),
        iso(day(20, 10, 1)),
        iso(day(20, 10, 4)),
    ]
    assert progress["history"][1]["metadata"] == '{"timestamp": "2024-03-21T10:01:00Z"}'
    assert progress["progressPercentage"] == 50.0  # 3 of 6 scenes, the current one included

    back = gql.data(GO_BACK, {"id": progress["mongoId"], "steps": 1})["goBackInHistory"]
    assert back["success"] and back["progress"]["currentSceneId"]["title"] == "Les douves"
    assert back["progress"]["progressPercentage"] == 33.3

    moved = gql.data(
        RECORD,
        {"id": progress["mongoId"], "scene": str(old.ids["La cour"]), "choice": str(old.ids["Nager jusqu'à la cour"])},
    )["recordProgress"]
    assert moved["success"], moved["message"]
    assert [entry["sceneId"]["title"] for entry in moved["progress"]["history"]] == [
        "Le portail",
        "Les douves",
        "La cour",
    ]
    assert moved["progress"]["progressPercentage"] == 50.0


def test_a_progress_the_old_backend_left_at_the_start_cannot_go_back_past_it(imported, gql):
    _, old, _ = imported
    progress = progress_of(gql, User.objects.get(pk=old.ids["malo"]), "Le château")
    assert [entry["sceneId"]["title"] for entry in progress["history"]] == ["Le portail"]
    assert progress["progressPercentage"] == 16.7
    refused = gql.data(GO_BACK, {"id": progress["mongoId"], "steps": 1})["goBackInHistory"]
    assert not refused["success"]
    assert refused["message"] == "You are at the start: there is no step to go back to."


def test_a_completed_progress_stays_completed_until_the_player_goes_back(imported, gql):
    _, old, _ = imported
    progress = progress_of(gql, User.objects.get(pk=old.ids["nina"]), "Le château")
    assert [entry["sceneId"]["title"] for entry in progress["history"]] == [
        "Le portail",
        "La cour",
        "La tour",
        "Le donjon",
    ]
    assert progress["isCompleted"] and progress["completedAt"] == iso(day(20, 11, 3))
    assert progress["progressPercentage"] == 66.7
    back = gql.data(GO_BACK, {"id": progress["mongoId"], "steps": 1})["goBackInHistory"]["progress"]
    assert back["currentSceneId"]["title"] == "La tour" and not back["isCompleted"]


def test_every_document_keeps_its_old_dates(imported, gql):
    _, old, _ = imported
    claire = User.objects.get(pk=old.ids["claire"])
    me = gql.as_user(claire).data("query { me { createdAt updatedAt } }")["me"]
    assert (me["createdAt"], me["updatedAt"]) == tuple(map(iso, old.dates[old.ids["claire"]]))

    story = gql.data(STORY, {"id": str(old.ids["castle"])})["scenarioById"]
    assert (story["createdAt"], story["updatedAt"]) == tuple(map(iso, old.dates[old.ids["castle"]]))
    for scene in story["scenesList"]:
        assert (scene["createdAt"], scene["updatedAt"]) == tuple(map(iso, old.dates[old.ids[scene["title"]]]))
        for choice in scene["choices"]:
            created, _ = old.dates[old.ids[choice["text"]]]
            assert (choice["createdAt"], choice["updatedAt"]) == (iso(created), iso(created))  # it had no updated_at
    assets = gql.as_user(User.objects.get(pk=old.ids["bruno"])).data(ASSETS)["allAssets"]
    assert len(assets) == 6
    for asset in assets:
        key = {
            "Portail": "portail",
            "Voix de la cour": "voix",
            "Brume": "brume",
            "Cloche": "cloche",
            "Film": "film",
            "Clairière": "clairiere",
        }[asset["name"]]
        assert (asset["createdAt"], asset["updatedAt"]) == tuple(map(iso, old.dates[old.ids[key]]))

    progress = progress_of(gql, User.objects.get(pk=old.ids["lea"]), "Le château")
    assert (progress["createdAt"], progress["updatedAt"]) == (iso(day(20, 9)), iso(day(22)))


def test_music_is_typed_music_and_sizes_come_from_the_old_metadata(imported, gql):
    _, old, _ = imported
    bruno = User.objects.get(pk=old.ids["bruno"])  # sees the castle's assets (published) and his draft's
    assets = {asset["name"]: asset for asset in gql.as_user(bruno).data(ASSETS)["allAssets"]}
    assert {name: asset["type"] for name, asset in assets.items()} == {
        "Portail": "image",
        "Voix de la cour": "sound",
        "Brume": "music",
        "Cloche": "sound",
        "Film": "video",
        "Clairière": "image",
    }
    assert (assets["Portail"]["width"], assets["Portail"]["height"], assets["Portail"]["dimensions"]) == (
        1024,
        768,
        "1024x768",
    )
    assert (assets["Film"]["width"], assets["Film"]["height"], assets["Film"]["duration"]) == (640, 360, "30.5")
    stored = Asset.objects.get(pk=old.ids["brume"])
    assert (stored.duration, stored.width, stored.height) == (15.0, None, None)

    story = gql.data(STORY, {"id": str(old.ids["castle"])})["scenarioById"]
    court = next(scene for scene in story["scenesList"] if scene["title"] == "La cour")
    assert (court["soundId"]["name"], court["musicId"]["name"]) == ("Voix de la cour", "Brume")


def test_imported_stories_are_laid_out_as_tidy_up_lays_them_out(imported, gql):
    _, old, _ = imported
    claire = User.objects.get(pk=old.ids["claire"])
    scenes = gql.as_user(claire).data(STORY, {"id": str(old.ids["castle"])})["scenarioById"]["scenesList"]
    position = {scene["title"]: (scene["position"]["x"], scene["position"]["y"]) for scene in scenes}
    assert len(set(position.values())) == 6
    assert position["Le portail"][0] < position["Les douves"][0] < position["La tour"][0] < position["Le donjon"][0]

    # Tidy up finds nothing to move: the importer used its layout.
    previous = tidy_up(editor=claire, scenario=Scenario.objects.get(pk=old.ids["castle"]))
    assert previous == {str(old.ids[title]): xy for title, xy in position.items()}
    assert {
        scene.title: (scene.position_x, scene.position_y)
        for scene in Scene.objects.filter(scenario_id=old.ids["castle"])
    } == position


def test_the_language_given_is_set_on_every_story(imported, gql):
    _, old, _ = imported
    bruno = User.objects.get(pk=old.ids["bruno"])
    assert gql.as_user(bruno).data(STORY, {"id": str(old.ids["forest"])})["scenarioById"]["language"] == "fr"
    assert set(Scenario.objects.values_list("language", flat=True)) == {"fr"}


@pytest.mark.parametrize(("language_code", "expected"), [("en-us", "en"), ("fr-fr", "fr")])
def test_without_language_the_projects_primary_language_is_set(old_backend, capsys, settings, language_code, expected):
    uri, _ = old_backend
    settings.LANGUAGE_CODE = language_code
    output = import_veh(uri, capsys)
    assert f"language: “{expected}” set on 2 imported stories" in output
    assert set(Scenario.objects.values_list("language", flat=True)) == {expected}


def test_a_bad_language_is_refused_before_anything_is_written(old_backend):
    uri, _ = old_backend
    before = database_snapshot()
    with pytest.raises(CommandError, match="“français!” is not a language code"):
        call_command("import_veh", "--uri", uri, "--db", OLD_DB, "--language", "français!")
    assert database_snapshot() == before


def test_deleting_an_imported_story_deletes_its_assets_not_shared_ones(imported, gql):
    _, old, _ = imported
    claire, lea = User.objects.get(pk=old.ids["claire"]), User.objects.get(pk=old.ids["lea"])
    # Visibility follows the story, as for assets made here: the draft forest's picture is hidden from players.
    assert "Clairière" not in {asset["name"] for asset in gql.as_user(lea).data(ASSETS)["allAssets"]}
    deleted = gql.as_user(claire).data(
        "mutation($id: ID!) { deleteScenario(scenarioId: $id) { success message } }", {"id": str(old.ids["castle"])}
    )["deleteScenario"]
    assert deleted["success"], deleted["message"]
    bruno = User.objects.get(pk=old.ids["bruno"])
    assert {asset["name"] for asset in gql.as_user(bruno).data(ASSETS)["allAssets"]} == {"Cloche", "Film", "Clairière"}
    assert Asset.objects.filter(pk__in=[old.ids["portail"], old.ids["voix"], old.ids["brume"]]).count() == 0


def test_a_second_run_adds_nothing_and_converts_nothing_again(imported, capsys, gql):
    uri, old, _ = imported
    claire = User.objects.get(pk=old.ids["claire"])
    move_scene(editor=claire, scene=Scene.objects.get(pk=old.ids["La tour"]), x=999, y=111)
    lea = User.objects.get(pk=old.ids["lea"])
    history = progress_of(gql, lea, "Le château")["history"]
    before = database_snapshot()

    output = import_veh(uri, capsys, "--language", "fr")
    for line in (
        "users: 0 imported, 5 already there",
        "scenarios: 0 imported, 2 already there",
        "assets: 0 imported, 6 already there",
        "scenes: 0 imported, 12 already there",
        "choices: 0 imported, 13 already there",
        "player_progress: 0 imported, 4 already there",
        "map: 0 scenes of 0 stories laid out",
        "history: 0 progress records converted",
        "dates: created_at and updated_at of the old backend kept on 0 documents",
    ):
        assert line in output, output
    assert database_snapshot() == before
    assert progress_of(gql, lea, "Le château")["history"] == history
    assert (
        Scene.objects.get(pk=old.ids["La tour"]).position_x,
        Choice.objects.count(),
        PlayerProgress.objects.count(),
    ) == (999, 13, 4)


def test_unreachable_old_database_is_a_clear_error():
    with pytest.raises(CommandError, match="Cannot read the old database"):
        call_command("import_veh", "--uri", "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300", "--db", "x")


def test_collections_larger_than_a_batch_come_across_whole(old_backend, capsys, monkeypatch):
    from story_admin.services import legacy_import

    uri, _ = old_backend
    monkeypatch.setattr(legacy_import, "INSERT_BATCH", 5)
    output = import_veh(uri, capsys)
    assert "choices: 13 imported" in output and "scenes: 12 imported" in output
    assert (Scene.objects.count(), Choice.objects.count(), PlayerProgress.objects.count()) == (12, 13, 4)
    for story in Scenario.objects.all():
        assert len(set(Scene.objects.filter(scenario=story).values_list("position_x", "position_y"))) == 6
