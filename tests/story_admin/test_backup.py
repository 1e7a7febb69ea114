"""Backups: a zip with story.json and the media; imported as a copy or over a deleted story."""

import io
import json
import zipfile

import pytest
from bson import ObjectId
from django.core.files.storage import default_storage

from generation.uploads import attach_upload
from story_admin.exceptions import StoryRuleError
from story_admin.models import Asset, Choice, Scenario, Scene
from story_admin.selectors import load_story
from story_admin.services.stories import delete_scenario
from story_admin.services.backup import export_backup, import_backup
from tests.factories import ScenarioFactory, SceneFactory
from tests.generation.media_samples import png_bytes, png_declaring, wav_bytes
from tests.snapshots import database_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def illustrated(story, author):
    start = story.scenes.get(title="Start")
    attach_upload(editor=author, scene=start, kind="image", filename="cellar.png", data=png_bytes(30, 20))
    attach_upload(
        editor=author, scene=Scene.objects.get(pk=start.pk), kind="sound", filename="v.wav", data=wav_bytes(1.0)
    )
    return story


def shape(scenario):
    story = load_story(scenario)
    scenes = sorted(
        (
            s.title,
            s.text,
            s.is_start_scene,
            s.is_end_scene,
            s.image.name if s.image else None,
            s.sound.name if s.sound else None,
        )
        for s in story.scenes
    )
    links = sorted((c.from_scene.title, c.to_scene.title, c.text) for c in story.choices)
    return scenes, links


def test_backup_zip_holds_story_json_and_media(illustrated, author):
    exported = export_backup(editor=author, scenario=illustrated)
    archive = zipfile.ZipFile(io.BytesIO(exported.content))
    document = json.loads(archive.read("story.json"))
    assert (document["format"], document["version"]) == ("story-studio-backup", 2)
    assert len(document["scenes"]) == 3 and len(document["choices"]) == 3 and len(document["assets"]) == 2
    image = next(asset for asset in document["assets"] if asset["type"] == "image")
    assert archive.read(image["file"]) == png_bytes(30, 20)
    assert exported.filename == f"{illustrated.slug}.story.zip"


def test_import_as_a_copy_gives_new_ids_same_graph_same_media(illustrated, author):
    copy = import_backup(author=author, data=export_backup(editor=author, scenario=illustrated).content)
    assert copy.pk != illustrated.pk and copy.slug != illustrated.slug
    assert shape(copy) == shape(illustrated)
    assert not set(Scene.objects.filter(scenario=copy).values_list("pk", flat=True)) & set(
        Scene.objects.filter(scenario=illustrated).values_list("pk", flat=True)
    )
    image = Scene.objects.get(scenario=copy, title="Start").image
    assert image.scenario_id == copy.pk and default_storage.open(image.file.name).read() == png_bytes(30, 20)


def test_restore_over_a_deleted_story_keeps_its_ids(illustrated, author):
    backup = export_backup(editor=author, scenario=illustrated).content
    before, original_id = shape(illustrated), illustrated.pk
    with pytest.raises(StoryRuleError, match="still exists"):
        import_backup(author=author, data=backup, restore=True)
    delete_scenario(editor=author, scenario=illustrated)
    restored = import_backup(author=author, data=backup, restore=True)
    assert restored.pk == original_id and shape(restored) == before


@pytest.mark.parametrize(
    "mangle, message",
    [
        (lambda files: {"notes.txt": b"hi"}, "no story.json"),
        (lambda files: {**files, "story.json": b"{oops"}, "not valid JSON"),
        (
            lambda files: {
                **files,
                "story.json": json.dumps({**json.loads(files["story.json"]), "version": 9}).encode(),
            },
            "version 9",
        ),
        (
            lambda files: {name: data for name, data in files.items() if not name.startswith("media/")},
            "does not contain it",
        ),
    ],
)
def test_bad_backups_are_refused_and_write_nothing(illustrated, author, mangle, message):
    original = zipfile.ZipFile(io.BytesIO(export_backup(editor=author, scenario=illustrated).content))
    files = mangle({name: original.read(name) for name in original.namelist()})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    counts = (Scenario.objects.count(), Scene.objects.count(), Choice.objects.count(), Asset.objects.count())
    with pytest.raises(StoryRuleError, match=message):
        import_backup(author=author, data=buffer.getvalue())
    assert counts == (Scenario.objects.count(), Scene.objects.count(), Choice.objects.count(), Asset.objects.count())
    assert default_storage.listdir("backups") == ([], [])


def test_not_a_zip(author):
    with pytest.raises(StoryRuleError, match="not a zip archive"):
        import_backup(author=author, data=b"plain text")


def test_backup_round_trip_through_commands(illustrated, author, tmp_path, capsys):
    from django.core.management import call_command

    out = tmp_path / "cellar.story.zip"
    call_command("export_story", str(illustrated.pk), "--format", "backup", "--out", str(out))
    call_command("import_story", str(out), "--author", author.email)
    assert "Imported “The Cellar”: 3 scenes, 3 choices." in capsys.readouterr().out
    assert Scenario.objects.filter(title="The Cellar").count() == 2


def test_a_restore_whose_ids_belong_to_other_documents_is_refused_and_writes_nothing(illustrated, author, other_author):
    """A backup whose story id is free but whose scenes' ids are another author's: a clear refusal."""
    original = zipfile.ZipFile(io.BytesIO(export_backup(editor=author, scenario=illustrated).content))
    document = json.loads(original.read("story.json"))
    document["scenario"]["id"] = str(ObjectId())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as crafted:
        for name in original.namelist():
            crafted.writestr(name, json.dumps(document) if name == "story.json" else original.read(name))
    before = database_snapshot()
    with pytest.raises(StoryRuleError, match="ids already used by other documents"):
        import_backup(author=other_author, data=buffer.getvalue(), restore=True)
    assert database_snapshot() == before


def zipped(files: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def backup_files(illustrated, author) -> dict[str, bytes]:
    original = zipfile.ZipFile(io.BytesIO(export_backup(editor=author, scenario=illustrated).content))
    return {name: original.read(name) for name in original.namelist()}


def with_image_file(files: dict[str, bytes], content: bytes, **asset_fields) -> dict[str, bytes]:
    """The backup with its image asset's file replaced by `content` (and its story.json fields by `asset_fields`)."""
    document = json.loads(files["story.json"])
    image = next(asset for asset in document["assets"] if asset["type"] == "image")
    image.update(asset_fields)
    return {**files, image["file"]: content, "story.json": json.dumps(document).encode()}


def refused(author, data: bytes, message: str) -> None:
    """The import is refused with `message` and nothing is written: no document, no file."""
    counts = (Scenario.objects.count(), Scene.objects.count(), Choice.objects.count(), Asset.objects.count())
    with pytest.raises(StoryRuleError, match=message):
        import_backup(author=author, data=data)
    assert counts == (Scenario.objects.count(), Scene.objects.count(), Choice.objects.count(), Asset.objects.count())
    assert default_storage.listdir("backups") == ([], [])


@pytest.mark.parametrize(
    "mime_type, content",
    [
        ("text/html", b"<html><script>fetch('/graphql/', {method: 'POST'})</script></html>"),
        ("image/svg+xml", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("image/png", b"<html>a page named as a png</html>"),
    ],
)
def test_a_backup_asset_that_is_not_really_an_image_is_refused(illustrated, author, mime_type, content):
    files = with_image_file(backup_files(illustrated, author), content, mime_type=mime_type, name="Cellar door")
    refused(
        author,
        zipped(files),
        "The backup's image asset “Cellar door” \\(media/.*\\) is refused: This file is not an image",
    )


def test_a_backup_assets_type_and_size_are_read_from_its_bytes(illustrated, author):
    files = with_image_file(
        backup_files(illustrated, author), png_bytes(30, 20), mime_type="text/html", file_size=1, width=9999
    )
    copy = import_backup(author=author, data=zipped(files))
    image = Scene.objects.get(scenario=copy, title="Start").image
    assert (image.mime_type, image.file_size, image.width, image.height) == (
        "image/png",
        len(png_bytes(30, 20)),
        30,
        20,
    )
    assert image.file.name.endswith(".png")


def test_a_backup_image_over_the_pixel_cap_is_refused(illustrated, author):
    files = with_image_file(backup_files(illustrated, author), png_declaring(100_000, 100_000))
    refused(author, zipped(files), "is refused: .*at most 40 megapixels")


def test_a_video_asset_with_a_file_is_refused(illustrated, author):
    files = with_image_file(backup_files(illustrated, author), png_bytes(), type="video")
    refused(author, zipped(files), "only image, narration and music assets may carry a file")


def test_a_zip_bomb_is_refused_from_its_declared_size_before_expanding(illustrated, author, settings):
    # The report's bomb (a 1 MB zip declaring a 1 GiB member), at a hundredth of the size.
    settings.MAX_UPLOAD_BYTES = 1024 * 1024
    bomb = zipped({**backup_files(illustrated, author), "media/padding.png": b"\0" * (10 * 1024 * 1024)})
    assert len(bomb) < 50_000
    refused(author, bomb, "would expand to 10 MB of files; a backup may hold at most 1 MB")


def test_a_member_that_expands_too_many_times_is_refused(illustrated, author):
    bomb = zipped({**backup_files(illustrated, author), "media/padding.png": b"\0" * (2 * 1024 * 1024)})
    refused(author, bomb, "“media/padding.png” in this backup expands more than 100 times \\(a zip bomb\\)")


def test_a_member_lying_about_its_declared_size_is_refused(illustrated, author):
    files = with_image_file(backup_files(illustrated, author), b"\0" * 100_000)
    honest = zipped(files)
    # The member's declared size, in its local header and the central directory, shrunk to 100 bytes.
    lying = honest.replace((100_000).to_bytes(4, "little"), (100).to_bytes(4, "little"))
    assert lying.count((100).to_bytes(4, "little")) >= 2
    refused(author, lying, "damaged or encrypted and cannot be read")


@pytest.mark.parametrize(
    "name, content",
    [
        ("media/inner.zip", zipped({"a.txt": b"a"})),
        ("media/inner.png", zipped({"a.txt": b"a"})),
    ],
)
def test_archives_inside_a_backup_are_refused(illustrated, author, name, content):
    files = backup_files(illustrated, author)
    if name.endswith(".zip"):
        files[name] = content
    else:
        files = with_image_file(files, content)
    refused(author, zipped(files), "archive")


def test_a_backup_of_too_many_files_is_refused(illustrated, author, settings):
    settings.BACKUP_MAX_FILES = 10
    files = {**backup_files(illustrated, author), **{f"media/{n}.txt": b"" for n in range(20)}}
    refused(author, zipped(files), "holds 23 files; a backup may hold at most 10")


def test_a_backup_over_the_upload_cap_is_refused(illustrated, author, settings):
    import os

    settings.MAX_UPLOAD_BYTES = 1024 * 1024
    files = {**backup_files(illustrated, author), "media/noise.bin": os.urandom(1024 * 1024)}
    refused(author, zipped(files, zipfile.ZIP_STORED), "This backup is larger than 1 MB")


def test_a_backup_asset_with_a_script_address_is_refused(illustrated, author):
    files = backup_files(illustrated, author)
    document = json.loads(files["story.json"])
    document["assets"].append(
        {"id": "6b065c2d83e3392c53d13639", "type": "video", "name": "Clip", "url": "javascript:alert(1)", "file": None}
    )
    refused(
        author,
        zipped({**files, "story.json": json.dumps(document).encode()}),
        "The backup's asset “Clip” has the address “javascript:alert\\(1\\)”: an asset's url must start with "
        "http:// or https://",
    )


def test_a_story_json_nested_too_deeply_is_refused(author):
    refused(author, zipped({"story.json": b"[" * 200_000}), "story.json nests too deeply")


@pytest.fixture
def stateful(author):
    from story_admin.services import state
    from story_admin.state.expressions import parse_condition, parse_effects

    story = ScenarioFactory(author=author, title="Le phare", allow_rerolls=True)
    state.declare_variable(editor=author, scenario=story, name="oil", kind="number", initial=1, maximum=3)
    state.declare_item(editor=author, scenario=story, name="brass key")
    quay = SceneFactory(scenario=story, title="Quay", is_start_scene=True, effects=parse_effects("oil += 1"))
    vault = SceneFactory(scenario=story, title="Vault", is_end_scene=True)
    Choice.objects.create(
        scenario=story,
        from_scene=quay,
        to_scene=vault,
        text="Open",
        condition=parse_condition(f'has("brass key") and not visited("{vault.pk}")'),
        locked_reason="It is locked.",
        effects=parse_effects('lose "brass key"'),
    )
    return Scenario.objects.get(pk=story.pk)


def test_a_backup_keeps_the_story_state_and_scene_references_follow_new_ids(stateful, author):
    from story_admin.services.copies import duplicate_scenario
    from story_admin.state.expressions import condition_text
    from story_admin.state.schema import SceneNames

    copy = duplicate_scenario(editor=author, scenario=stateful)
    assert copy.pk != stateful.pk and copy.allow_rerolls
    assert copy.variables == stateful.variables and copy.items == stateful.items
    story = load_story(copy)
    quay = next(scene for scene in story.scenes if scene.title == "Quay")
    assert quay.effects == [{"set": ["oil", {"+": [{"var": "oil"}, 1]}]}]
    [door] = story.choices
    assert (door.locked_reason, door.effects) == ("It is locked.", [{"lose": "brass key"}])
    copied_vault = next(scene for scene in story.scenes if scene.title == "Vault")
    assert f"visits.{copied_vault.pk}" in json.dumps(door.condition)
    assert SceneNames(story).condition(door.condition) == 'has("brass key") and not visited("Vault")'
    assert condition_text(door.condition)  # readable


def test_a_version_1_backup_still_imports(illustrated, author):
    files = backup_files(illustrated, author)
    document = json.loads(files["story.json"])
    document["version"] = 1
    for key in ("variables", "items", "allow_rerolls"):
        document["scenario"].pop(key)
    for scene in document["scenes"]:
        scene.pop("effects")
    for choice in document["choices"]:
        choice.pop("effects"), choice.pop("locked_reason")
    copy = import_backup(author=author, data=zipped({**files, "story.json": json.dumps(document).encode()}))
    assert copy.variables == [] and Scene.objects.filter(scenario=copy).count() == len(document["scenes"])


def test_a_backup_whose_effects_name_an_undeclared_variable_is_refused(stateful, author):
    files = backup_files(stateful, author)
    document = json.loads(files["story.json"])
    document["scenario"]["variables"] = []
    refused(
        author,
        zipped({**files, "story.json": json.dumps(document).encode()}),
        "The backup's the effects of scene “Quay” is refused: Unknown variable “oil”",
    )
