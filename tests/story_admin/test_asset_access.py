"""Asset visibility in the scene service (every caller), exports and duplicates; deletion leaves no orphan file."""

import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from story_admin.services.assets import delete_asset
from story_admin.services.scenes import create_scene, update_scene
from story_admin.services.stories import delete_scenario
from story_admin.exceptions import NotFound
from story_admin.models import Asset, AssetType, Scenario, Scene
from story_admin.services.backup import export_backup
from story_admin.services.copies import duplicate_scenario
from tests.generation.media_samples import png_bytes
from tests.factories import AssetFactory, ScenarioFactory, SceneFactory

pytestmark = pytest.mark.django_db


def stored_file_count() -> int:
    return connection.database["media.files"].count_documents({})


def asset_with_file(owner, scenario=None, content=b"A's picture bytes", **fields) -> Asset:
    asset = AssetFactory(uploaded_by=owner, scenario=scenario, **fields)
    asset.file.name = default_storage.save(f"scenes/test/{asset.pk}.png", ContentFile(content))
    asset.save()
    return asset


@pytest.fixture
def private_image(author):
    return asset_with_file(
        author, ScenarioFactory(author=author, title="A's draft"), is_public=False, prompt="A's secret scene text"
    )


@pytest.mark.parametrize("write", ["update", "create"])
def test_the_scene_service_refuses_media_the_editor_may_not_see(other_author, private_image, write):
    """The studio and the admin call these services too, so the rule holds for them whatever the form offers."""
    scene = SceneFactory(scenario=ScenarioFactory(author=other_author))
    with pytest.raises(NotFound, match=f"No image asset has the id “{private_image.pk}”"):
        if write == "update":
            update_scene(editor=other_author, scene=scene, image=private_image)
        else:
            create_scene(editor=other_author, scenario=scene.scenario, title="T", image=private_image)
    assert Scene.objects.get(pk=scene.pk).image_id is None
    assert Scene.objects.filter(scenario=scene.scenario).count() == 1


def test_exports_and_duplicates_copy_only_what_the_editor_may_see(other_author, private_image):
    """A reference made before the rule (or by hand) to another's private image is not carried along."""
    story = ScenarioFactory(author=other_author, title="B's story")
    scene = SceneFactory(scenario=story, title="B's scene", is_start_scene=True)
    Scene.objects.filter(pk=scene.pk).update(image=private_image)
    picture = png_bytes(12, 8)  # a real image: a duplicate re-imports it and checks its bytes
    own = asset_with_file(other_author, story, content=picture, is_public=False)
    SceneFactory(scenario=story, image=own)

    archive = zipfile.ZipFile(io.BytesIO(export_backup(editor=other_author, scenario=story).content))
    document = json.loads(archive.read("story.json"))
    assert [asset["id"] for asset in document["assets"]] == [str(own.pk)]
    assert next(item for item in document["scenes"] if item["title"] == "B's scene")["image"] is None
    assert [archive.read(name) for name in archive.namelist() if name.startswith("media/")] == [picture]
    assert "secret" not in archive.read("story.json").decode()

    copy = duplicate_scenario(editor=other_author, scenario=story)
    assert Scene.objects.get(scenario=copy, title="B's scene").image_id is None
    assert not Asset.objects.filter(scenario=copy, prompt="A's secret scene text").exists()
    assert Asset.objects.filter(scenario=copy).count() == 1


def test_deleting_an_asset_clears_its_references_and_its_file(author):
    story = ScenarioFactory(author=author)
    image = asset_with_file(author, story)
    scene = SceneFactory(scenario=story, image=image)
    Scenario.objects.filter(pk=story.pk).update(cover_image=image)
    files = stored_file_count()
    delete_asset(editor=author, asset=image)
    assert stored_file_count() == files - 1 and not default_storage.exists(image.file.name)
    assert Scene.objects.get(pk=scene.pk).image_id is None
    assert Scenario.objects.get(pk=story.pk).cover_image_id is None


def test_deleting_a_story_deletes_its_assets_files_and_every_reference_to_them(author, other_author):
    before = stored_file_count()
    story = ScenarioFactory(author=author, is_published=True)
    image = asset_with_file(author, story, is_public=True)
    sound = asset_with_file(author, story, type=AssetType.SOUND)
    SceneFactory(scenario=story, image=image, sound=sound)
    elsewhere = SceneFactory(scenario=ScenarioFactory(author=other_author))
    update_scene(editor=other_author, scene=elsewhere, image=image)  # a public image of a published story
    unrelated = asset_with_file(author)
    assert stored_file_count() == before + 3

    delete_scenario(editor=author, scenario=story)
    assert stored_file_count() == before + 1
    assert default_storage.exists(unrelated.file.name)
    assert not Asset.objects.filter(pk__in=[image.pk, sound.pk]).exists()
    assert Scene.objects.get(pk=elsewhere.pk).image_id is None
