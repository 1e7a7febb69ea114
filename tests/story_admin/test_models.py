"""The users model: email login, roles, and the stored shape of documents."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import IntegrityError, connection

from story_admin.models import Role, User
from tests.factories import PASSWORD, ChoiceFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_email_is_the_login_whatever_its_case():
    UserFactory(email="Alice@Example.com")
    assert authenticate(username="ALICE@example.COM", password=PASSWORD).email == "alice@example.com"


def test_email_is_unique_whatever_its_case():
    User.objects.create_user("bob@example.com", "x-long-password")
    with pytest.raises(IntegrityError):
        User.objects.create_user("BOB@example.com", "x-long-password")


def test_authors_may_use_the_admin_and_players_may_not():
    assert UserFactory(role=Role.AUTHOR).is_staff
    assert not UserFactory(role=Role.PLAYER).is_staff


def test_createsuperuser_makes_an_author_superuser(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-enough-password")
    call_command("createsuperuser", email="root@example.com", interactive=False, verbosity=0)
    root = User.objects.get(email="root@example.com")
    assert root.is_superuser and root.role == Role.AUTHOR and root.is_staff
    assert root.check_password("a-long-enough-password")


def test_documents_use_the_seed_collection_and_field_names():
    choice = ChoiceFactory()
    stored = connection.database["choices"].find_one({"_id": choice.pk})
    assert stored["from_scene_id"] == choice.from_scene_id
    assert stored["to_scene_id"] == choice.to_scene_id
    assert stored["scenario_id"] == choice.scenario_id
    scene = connection.database["scenes"].find_one({"_id": choice.from_scene_id})
    assert {"scenario_id", "image_id", "sound_id", "music_id", "is_start_scene", "is_end_scene"} <= set(scene)


def test_one_media_kind_names_each_scene_slot_and_the_assets_it_takes():
    from story_admin.exceptions import StoryRuleError
    from story_admin.models import AssetType, MediaKind

    assert MediaKind.parse("narration") is MediaKind.parse("sound") is MediaKind.NARRATION
    assert [kind.field for kind in MediaKind] == ["image", "sound", "music"]
    assert MediaKind.NARRATION.asset_type == AssetType.SOUND and MediaKind.NARRATION.media == "audio"
    assert MediaKind.MUSIC.accepted_types == {AssetType.MUSIC, AssetType.SOUND}
    assert MediaKind.IMAGE.accepted_types == {AssetType.IMAGE} and MediaKind.IMAGE.media == "image"
    with pytest.raises(StoryRuleError, match="Media kind must be one of: image, music, narration, sound."):
        MediaKind.parse("video")


def test_an_assets_source_is_its_file_else_its_address(db):
    from story_admin.models import Asset

    assert Asset(url="https://example.com/a.png").source_url == "https://example.com/a.png"
    assert Asset(url="https://example.com/a.png", file="assets/a.png").source_url.endswith("assets/a.png")
    assert Asset().source_url == ""
