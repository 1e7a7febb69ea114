"""Media in GridFS: uploads checked from their bytes, served with ETag, Range and privacy."""

import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from generation.storage import GridFSStorage
from generation.uploads import attach_upload
from story_admin.exceptions import PermissionDenied, StoryRuleError
from story_admin.models import Asset, Scene
from tests.factories import AuthorFactory, ScenarioFactory, SceneFactory
from tests.generation.media_samples import png_bytes, png_declaring, wav_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(db):
    return SceneFactory(scenario=ScenarioFactory(title="Draft"), title="Gate")


def test_default_storage_is_gridfs_and_round_trips():
    assert isinstance(default_storage, GridFSStorage)
    name = default_storage.save("checks/hello.txt", ContentFile(b"hello" * 1000))
    assert default_storage.exists(name) and default_storage.size(name) == 5000
    with default_storage.open(name) as stored:
        assert stored.read() == b"hello" * 1000
    default_storage.delete(name)
    assert not default_storage.exists(name)


def test_upload_an_image_reads_its_dimensions(scene):
    asset = attach_upload(
        editor=scene.scenario.author, scene=scene, kind="image", filename="gate.png", data=png_bytes(64, 48)
    )
    assert (asset.width, asset.height, asset.mime_type, asset.status) == (64, 48, "image/png", "ready")
    assert Scene.objects.get(pk=scene.pk).image_id == asset.pk
    assert default_storage.size(asset.file.name) == asset.file_size


def test_upload_a_narration_reads_its_duration(scene):
    asset = attach_upload(
        editor=scene.scenario.author, scene=scene, kind="sound", filename="voice.wav", data=wav_bytes(1.5)
    )
    assert asset.duration == pytest.approx(1.5) and asset.mime_type == "audio/wav"
    assert Scene.objects.get(pk=scene.pk).sound_id == asset.pk


@pytest.mark.parametrize(
    "kind, data, message",
    [
        ("image", b"GIF89a not really" * 3, "damaged"),
        ("image", b"plain text pretending to be a png", "not an image"),
        ("sound", png_bytes(), "not audio"),
        ("image", b"", "empty"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(scene, kind, data, message):
    with pytest.raises(StoryRuleError, match=message):
        attach_upload(editor=scene.scenario.author, scene=scene, kind=kind, filename="photo.png", data=data)
    assert not Asset.objects.exists()
    assert default_storage.listdir("scenes") == ([], [])


def test_another_author_cannot_upload(scene):
    with pytest.raises(PermissionDenied):
        attach_upload(editor=AuthorFactory(), scene=scene, kind="image", filename="x.png", data=png_bytes())


def test_media_view_serves_ranges_and_etags(client, scene):
    scene.scenario.is_published = True
    scene.scenario.save()
    asset = attach_upload(editor=scene.scenario.author, scene=scene, kind="sound", filename="v.wav", data=wav_bytes())
    url = asset.file.url
    full = client.get(url)
    assert full.status_code == 200 and full["Content-Type"] == "audio/wav"
    assert full.content == default_storage.open(asset.file.name).read()
    assert full["Cache-Control"].startswith("public")
    part = client.get(url, HTTP_RANGE="bytes=10-19")
    assert part.status_code == 206 and part["Content-Range"] == f"bytes 10-19/{asset.file_size}"
    assert part.content == full.content[10:20]
    tail = client.get(url, HTTP_RANGE="bytes=-4")
    assert tail.content == full.content[-4:]
    assert client.get(url, HTTP_RANGE=f"bytes={asset.file_size + 5}-").status_code == 416
    assert client.get(url, HTTP_IF_NONE_MATCH=full["ETag"]).status_code == 304


def test_draft_media_is_served_to_its_author_only(client, scene):
    asset = attach_upload(editor=scene.scenario.author, scene=scene, kind="image", filename="g.png", data=png_bytes())
    assert client.get(asset.file.url).status_code == 404
    client.force_login(AuthorFactory())
    assert client.get(asset.file.url).status_code == 404
    client.force_login(scene.scenario.author)
    response = client.get(asset.file.url)
    assert response.status_code == 200 and response["Cache-Control"].startswith("private")


def test_upload_asset_over_graphql_multipart(client, scene):
    import json

    from graphql_jwt.shortcuts import get_token
    from django.core.files.uploadedfile import SimpleUploadedFile

    operations = {
        "query": 'mutation($scene: ID!, $file: Upload!) { uploadAsset(sceneId: $scene, kind: "image", '
        "file: $file) { success message asset { mongoId url dimensions mimeType } } }",
        "variables": {"scene": str(scene.pk), "file": None},
    }
    response = client.post(
        "/graphql/",
        {
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.file"]}),
            "0": SimpleUploadedFile("gate.png", png_bytes(32, 16), content_type="image/png"),
        },
        HTTP_AUTHORIZATION=f"JWT {get_token(scene.scenario.author)}",
    )
    payload = response.json()["data"]["uploadAsset"]
    assert payload["success"], payload
    assert payload["asset"]["dimensions"] == "32x16" and payload["asset"]["url"].startswith("http://testserver/media/")


def test_filesystem_storage_is_the_alternative(client, scene, settings, tmp_path):
    from django.core.files.storage import FileSystemStorage, storages

    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    settings.MEDIA_ROOT = tmp_path
    assert isinstance(storages["default"], FileSystemStorage)
    scene.scenario.is_published = True
    scene.scenario.save()
    asset = attach_upload(editor=scene.scenario.author, scene=scene, kind="image", filename="g.png", data=png_bytes())
    assert (tmp_path / asset.file.name).read_bytes() == png_bytes()
    response = client.get(asset.file.url, HTTP_RANGE="bytes=0-7")
    assert response.status_code == 206 and response.content == png_bytes()[:8]


def test_media_is_served_unsniffable_and_sandboxed(client, scene):
    scene.scenario.is_published = True
    scene.scenario.save()
    asset = attach_upload(editor=scene.scenario.author, scene=scene, kind="image", filename="g.png", data=png_bytes())
    full = client.get(asset.file.url)
    unchanged = client.get(asset.file.url, HTTP_IF_NONE_MATCH=full["ETag"])
    out_of_range = client.get(asset.file.url, HTTP_RANGE="bytes=999999-")
    assert (full.status_code, unchanged.status_code, out_of_range.status_code) == (200, 304, 416)
    for response in (full, unchanged, out_of_range):
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    image = client.get(asset.file.url)
    assert image["Content-Type"] == "image/png" and "Content-Disposition" not in image


@pytest.mark.parametrize(
    "mime_type, content",
    [
        ("text/html", b"<html><script>fetch('/graphql/')</script></html>"),
        ("image/svg+xml", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("application/javascript", b"alert(1)"),
    ],
)
def test_stored_pages_and_scripts_are_served_as_downloads_never_as_pages(client, scene, mime_type, content):
    # Assets stored before the checks (old backups) may carry any type: none may run on our origin.
    scene.scenario.is_published = True
    scene.scenario.save()
    name = default_storage.save("backups/old.html", ContentFile(content))
    Asset.objects.create(
        type="image",
        name="old",
        file=name,
        mime_type=mime_type,
        scenario=scene.scenario,
        uploaded_by=scene.scenario.author,
        status="ready",
    )
    response = client.get(f"/media/{name}")
    assert response.status_code == 200 and response.content == content
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == "attachment"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


@pytest.mark.parametrize(
    "width, height, message",
    [
        (12_000, 12_000, "12000 × 12000 pixels (144 megapixels): images may have at most 40 megapixels"),
        (100_000, 100_000, "images may have at most 40 megapixels"),  # 10 gigapixels: Pillow's own guard trips first
    ],
)
def test_images_over_the_pixel_cap_are_refused_from_their_header(scene, width, height, message):
    with pytest.raises(StoryRuleError, match=re.escape(message)):
        attach_upload(
            editor=scene.scenario.author,
            scene=scene,
            kind="image",
            filename="huge.png",
            data=png_declaring(width, height),
        )
    assert not Asset.objects.exists() and default_storage.listdir("scenes") == ([], [])


def test_the_pixel_cap_is_a_setting(scene, settings):
    settings.MAX_IMAGE_PIXELS = 100
    with pytest.raises(StoryRuleError, match="at most 0.0001 megapixels"):
        attach_upload(editor=scene.scenario.author, scene=scene, kind="image", filename="g.png", data=png_bytes(20, 20))


def test_a_huge_image_over_graphql_is_a_clear_refusal(client, scene):
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile
    from graphql_jwt.shortcuts import get_token

    operations = {
        "query": 'mutation($scene: ID!, $file: Upload!) { uploadAsset(sceneId: $scene, kind: "image", '
        "file: $file) { success code message asset { mongoId } } }",
        "variables": {"scene": str(scene.pk), "file": None},
    }
    response = client.post(
        "/graphql/",
        {
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.file"]}),
            "0": SimpleUploadedFile("huge.png", png_declaring(100_000, 100_000), content_type="image/png"),
        },
        HTTP_AUTHORIZATION=f"JWT {get_token(scene.scenario.author)}",
    )
    body = response.json()
    assert "errors" not in body, body
    payload = body["data"]["uploadAsset"]
    assert payload["success"] is False and payload["code"] == "BAD_USER_INPUT" and payload["asset"] is None
    assert "at most 40 megapixels" in payload["message"]
