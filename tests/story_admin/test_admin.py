"""The admin pages as an author uses them, on the embedded server."""

import pytest
from django.urls import reverse

from story_admin.models import Asset, Choice, Role, Scenario, Scene, User
from tests.factories import PASSWORD, AssetFactory, ScenarioFactory, SceneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def author_client(client, author):
    client.force_login(author)
    return client


def test_players_cannot_sign_in_to_the_admin(client, player):
    response = client.post(reverse("admin:login"), {"username": player.email, "password": PASSWORD})
    assert "correct email address and password for a staff account" in response.text
    assert client.get(reverse("admin:index")).status_code == 302


def test_authors_sign_in_with_their_email(client, author):
    response = client.post(
        reverse("admin:login") + "?next=/admin/", {"username": author.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "Your stories" in client.get(reverse("admin:index")).text


def test_admin_sign_in_says_when_the_throttle_refuses(client, author):
    for _ in range(3):
        response = client.post(reverse("admin:login"), {"username": author.email, "password": "wrong"})
        assert "Wrong email or password." in response.text
    response = client.post(reverse("admin:login"), {"username": author.email, "password": PASSWORD})
    assert "before trying again" in response.text
    assert client.get(reverse("admin:index")).status_code == 302


def test_changelist_shows_counts_and_problems(author_client, story, author):
    SceneFactory(scenario=story, title="Attic", order=9)
    response = author_client.get(reverse("admin:story_admin_scenario_changelist"))
    assert response.status_code == 200
    row = response.text.split("The Cellar", 1)[1].split("</tr>", 1)[0]
    cells = [cell.split(">", 1)[1].split("<", 1)[0] for cell in row.split("<td")[1:]]
    assert cells[2:5] == ["4", "1", "2"]  # scenes, endings, problems (dead end + unreachable)


def test_author_sees_only_their_own_stories(author_client, story, other_author):
    theirs = ScenarioFactory(author=other_author, title="Not yours")
    listing = author_client.get(reverse("admin:story_admin_scenario_changelist")).text
    assert "The Cellar" in listing and "Not yours" not in listing
    assert author_client.get(reverse("admin:story_admin_scenario_change", args=[theirs.pk])).status_code == 302
    scene = SceneFactory(scenario=theirs)
    assert author_client.get(reverse("admin:story_admin_scene_change", args=[scene.pk])).status_code == 302


def test_search_finds_scenes_by_text(author_client, story):
    Scene.objects.filter(scenario=story, title="Middle").update(text="A lantern flickers in the dark.")
    response = author_client.get(reverse("admin:story_admin_scene_changelist"), {"q": "lantern"})
    assert "Middle" in response.text and ">Start<" not in response.text


def test_filter_scenes_by_story_and_kind(author_client, story):
    url = reverse("admin:story_admin_scene_changelist")
    response = author_client.get(url, {"story": str(story.pk), "kind": "ending"})
    assert ">End<" in response.text and ">Middle<" not in response.text


def test_story_page_lists_problems_with_links_to_scenes(author_client, story):
    attic = SceneFactory(scenario=story, title="Attic", order=9)
    response = author_client.get(reverse("admin:story_admin_scenario_change", args=[story.pk]))
    assert "“Attic” is a dead end" in response.text
    assert reverse("admin:story_admin_scene_change", args=[attic.pk]) in response.text


def story_form(title: str, **fields) -> dict:
    """The admin's story form as posted, with no scene rows (an unticked box is not sent)."""
    return {
        "title": title,
        "description": "",
        "language": "en",
        "tags": "",
        "scenes-TOTAL_FORMS": "0",
        "scenes-INITIAL_FORMS": "0",
        **fields,
    }


def test_create_story_through_the_admin(author_client, author):
    response = author_client.post(
        reverse("admin:story_admin_scenario_add"),
        story_form("Nouvelle histoire", language="fr", tags="mer,nuit"),
    )
    assert response.status_code == 302, response.text
    created = Scenario.objects.get(title="Nouvelle histoire")
    assert (created.author, created.slug, created.tags) == (author, "nouvelle-histoire", ["mer", "nuit"])


def test_publishing_a_broken_story_shows_why(author_client, author):
    scenario = ScenarioFactory(author=author, title="Empty")
    response = author_client.post(
        reverse("admin:story_admin_scenario_change", args=[scenario.pk]),
        story_form("Empty", is_published="on"),
    )
    assert response.status_code == 200
    assert "cannot be published yet" in response.text
    assert not Scenario.objects.get(pk=scenario.pk).is_published


def test_a_story_the_old_editor_published_can_still_be_edited_in_the_admin(author_client, author):
    scenario = ScenarioFactory(author=author, title="Empty", is_published=True)
    response = author_client.post(
        reverse("admin:story_admin_scenario_change", args=[scenario.pk]),
        story_form("Empty", description="Soon", is_published="on"),
    )
    assert response.status_code == 302
    assert Scenario.objects.get(pk=scenario.pk).description == "Soon"


def scene_form(scene, **overrides):
    data = {
        "title": scene.title,
        "text": scene.text,
        "order": scene.order,
        "ending_kind": scene.ending_kind,
        "position_x": 0,
        "position_y": 0,
        "choices-TOTAL_FORMS": "0",
        "choices-INITIAL_FORMS": "0",
    }
    for flag in ("is_start_scene", "is_end_scene"):
        if getattr(scene, flag):
            data[flag] = "on"
    data.update(overrides)
    return data


def test_scene_form_adds_a_choice_inline(author_client, story):
    start, end = story.scenes.get(title="Start"), story.scenes.get(title="End")
    response = author_client.post(
        reverse("admin:story_admin_scene_change", args=[start.pk]),
        scene_form(
            start,
            **{
                "choices-TOTAL_FORMS": "1",
                "choices-0-text": "Jump",
                "choices-0-to_scene": str(end.pk),
                "choices-0-order": "3",
                "choices-0-condition": "{}",
            },
        ),
    )
    assert response.status_code == 302, response.text
    assert Choice.objects.get(text="Jump").to_scene == end


def test_choice_target_is_limited_to_the_same_story(author_client, story, author):
    start = story.scenes.get(title="Start")
    elsewhere = SceneFactory(scenario=ScenarioFactory(author=author), title="Elsewhere")
    page = author_client.get(reverse("admin:story_admin_scene_change", args=[start.pk])).text
    assert "Elsewhere" not in page
    response = author_client.post(
        reverse("admin:story_admin_scene_change", args=[start.pk]),
        scene_form(
            start,
            **{
                "choices-TOTAL_FORMS": "1",
                "choices-0-text": "Portal",
                "choices-0-to_scene": str(elsewhere.pk),
                "choices-0-order": "0",
                "choices-0-condition": "{}",
            },
        ),
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not Choice.objects.filter(text="Portal").exists()


def test_scene_form_shows_rule_errors_next_to_the_field(author_client, story):
    middle = story.scenes.get(title="Middle")
    response = author_client.post(
        reverse("admin:story_admin_scene_change", args=[middle.pk]),
        scene_form(middle, title="   "),
    )
    assert response.status_code == 200
    assert "This field is required" in response.text
    assert Scene.objects.get(pk=middle.pk).title == "Middle"


def test_delete_story_from_the_admin_removes_its_scenes(author_client, story):
    response = author_client.post(reverse("admin:story_admin_scenario_delete", args=[story.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Scene.objects.filter(scenario_id=story.pk).exists()


def test_asset_previews(author_client, author, story):
    AssetFactory(uploaded_by=author, scenario=story, type="image", name="Door", url="https://example.com/door.png")
    AssetFactory(uploaded_by=author, scenario=story, type="sound", name="Voice", url="https://example.com/voice.mp3")
    page = author_client.get(reverse("admin:story_admin_asset_changelist")).text
    assert '<img src="https://example.com/door.png"' in page
    assert '<audio controls preload="none" src="https://example.com/voice.mp3"' in page


def test_old_assets_with_script_addresses_are_listed_without_a_link(author_client, author, story):
    # Stored before addresses were checked: the list must not turn them into links.
    AssetFactory(uploaded_by=author, scenario=story, type="video", name="Clip", url="javascript:alert(1)")
    AssetFactory(uploaded_by=author, scenario=story, type="video", name="Trailer", url="https://example.com/t.mp4")
    page = author_client.get(reverse("admin:story_admin_asset_changelist")).text
    assert "javascript:" not in page
    assert '<a href="https://example.com/t.mp4">Trailer</a>' in page


def test_the_admin_refuses_a_script_address_next_to_the_url_field(author_client):
    response = author_client.post(
        reverse("admin:story_admin_asset_add"),
        {
            "type": "video",
            "name": "Clip",
            "filename": "clip.mp4",
            "url": "javascript:alert(1)",
            "metadata": "{}",
            "is_public": "on",
        },
    )
    assert response.status_code == 200 and "starting with http:// or https://" in response.text
    assert not Asset.objects.filter(name="Clip").exists()


def test_authors_cannot_manage_users(author_client):
    assert author_client.get(reverse("admin:story_admin_user_changelist")).status_code == 403


def test_superuser_manages_users(client, superuser, player):
    client.force_login(superuser)
    assert player.email in client.get(reverse("admin:story_admin_user_changelist")).text


def test_superuser_adds_an_author_through_the_admin_add_form(client, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:story_admin_user_add"),
        {
            "email": "New.Author@Example.COM",
            "role": Role.AUTHOR,
            "password1": "a long passphrase 42",
            "password2": "a long passphrase 42",
            "_save": "Save",
        },
    )
    created = User.objects.get(email="new.author@example.com")  # the service normalises emails
    assert response.status_code == 302 and response["Location"] == reverse(
        "admin:story_admin_user_change", args=[created.pk]
    )
    assert created.role == Role.AUTHOR and created.check_password("a long passphrase 42")
    assert (
        client.post(
            reverse("admin:login"), {"username": "new.author@example.com", "password": "a long passphrase 42"}
        ).status_code
        == 302
    )


def test_adding_a_user_with_a_taken_email_is_refused_next_to_the_field(client, superuser, player):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:story_admin_user_add"),
        {
            "email": player.email,
            "role": Role.PLAYER,
            "password1": "a long passphrase 42",
            "password2": "a long passphrase 42",
        },
    )
    assert response.status_code == 200
    assert "already exists" in response.text or "Already registered" in response.text
    assert User.objects.filter(email=player.email).count() == 1


def test_regenerate_media_action_queues_narration(author_client, story, rq_redis):
    import django_rq

    from story_admin.models import Asset

    scenes = list(story.scenes.all())
    response = author_client.post(
        reverse("admin:story_admin_scene_changelist"),
        {"action": "regenerate_narration", "_selected_action": [str(scene.pk) for scene in scenes]},
        follow=True,
    )
    assert "Narration queued for 3 scenes" in response.text
    assert Asset.objects.filter(scenario=story, type="sound", status="queued").count() == 3
    assert django_rq.get_queue("sound").count == 3


def test_upload_an_image_from_the_scene_form(author_client, story):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.generation.media_samples import png_bytes

    start = story.scenes.get(title="Start")
    data = scene_form(start, upload_image=SimpleUploadedFile("door.png", png_bytes(40, 30), "image/png"))
    response = author_client.post(reverse("admin:story_admin_scene_change", args=[start.pk]), data)
    assert response.status_code == 302, response.text
    image = Scene.objects.get(pk=start.pk).image
    assert (image.width, image.height, image.filename) == (40, 30, "door.png")


def test_a_fake_image_upload_is_refused_next_to_its_field(author_client, story):
    from django.core.files.uploadedfile import SimpleUploadedFile

    start = story.scenes.get(title="Start")
    data = scene_form(start, upload_image=SimpleUploadedFile("door.png", b"not an image at all", "image/png"))
    response = author_client.post(reverse("admin:story_admin_scene_change", args=[start.pk]), data)
    assert response.status_code == 200
    assert "This file is not an image" in response.text
    assert Scene.objects.get(pk=start.pk).image_id is None


def test_a_huge_image_upload_is_refused_next_to_its_field(author_client, story):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.generation.media_samples import png_declaring

    start = story.scenes.get(title="Start")
    data = scene_form(start, upload_image=SimpleUploadedFile("huge.png", png_declaring(100_000, 100_000), "image/png"))
    response = author_client.post(reverse("admin:story_admin_scene_change", args=[start.pk]), data)
    assert response.status_code == 200 and "at most 40 megapixels" in response.text
    assert Scene.objects.get(pk=start.pk).image_id is None


def test_hostile_content_is_shown_as_text_in_the_admin(author_client, author):
    from tests.factories import ScenarioFactory, SceneFactory

    story = ScenarioFactory(author=author, title="<script>alert(4)</script>")
    SceneFactory(scenario=story, title="<img src=x onerror=alert(5)>", is_start_scene=True)
    for url in (
        reverse("admin:story_admin_scenario_changelist"),
        reverse("admin:story_admin_scenario_change", args=[story.pk]),
        reverse("admin:story_admin_scene_changelist"),
    ):
        page = author_client.get(url).text
        assert "<script>alert(4)" not in page and "<img src=x onerror" not in page, url


def _choice_form(choice, **overrides):
    data = {
        "from_scene": str(choice.from_scene_id),
        "to_scene": str(choice.to_scene_id),
        "text": choice.text,
        "order": choice.order,
        "locked_reason": choice.locked_reason,
        "condition_text": "",
        "effects_text": "",
    }
    data.update(overrides)
    return data


def test_the_admin_shows_and_edits_conditions_and_effects_as_authors_write_them(author_client, story, author):
    from story_admin.services.state import declare_variable

    declare_variable(editor=author, scenario=story, name="gold", kind="number", initial=5)
    door = Choice.objects.get(text="Open the door")
    url = reverse("admin:story_admin_choice_change", args=[door.pk])
    response = author_client.post(
        url,
        _choice_form(door, condition_text="gold >= 10", effects_text="gold -= 10", locked_reason="You need 10 gold."),
    )
    assert response.status_code == 302
    door.refresh_from_db()
    assert door.condition == {">=": [{"var": "gold"}, 10]}
    assert door.locked_reason == "You need 10 gold."
    page = author_client.get(url).text
    assert 'value="gold &gt;= 10"' in page and "gold -= 10" in page

    middle = story.scenes.get(title="Middle")
    response = author_client.post(
        reverse("admin:story_admin_scene_change", args=[middle.pk]), scene_form(middle, effects_text="gold += 3")
    )
    assert response.status_code == 302
    assert "gold += 3" in author_client.get(reverse("admin:story_admin_scene_change", args=[middle.pk])).text


def test_a_condition_naming_an_unknown_variable_is_refused_next_to_its_field_and_changes_nothing(author_client, story):
    door = Choice.objects.get(text="Open the door")
    response = author_client.post(
        reverse("admin:story_admin_choice_change", args=[door.pk]), _choice_form(door, condition_text="silver >= 10")
    )
    assert response.status_code == 200
    assert "silver" in response.text and "errorlist" in response.text
    door.refresh_from_db()
    assert door.condition == {}


def test_a_domain_refusal_in_the_admin_carries_its_code_on_the_field(author_client, story):
    door = Choice.objects.get(text="Open the door")
    response = author_client.post(
        reverse("admin:story_admin_choice_change", args=[door.pk]), _choice_form(door, condition_text="silver >= 10")
    )
    refusals = response.context["adminform"].form.errors.as_data()["condition_text"]
    assert [refusal.code for refusal in refusals] == ["BAD_USER_INPUT"]


def test_story_page_links_to_what_players_did(author_client, story):
    response = author_client.get(reverse("admin:story_admin_scenario_change", args=[story.pk]))
    assert f'<a href="{reverse("studio:players", args=[story.pk])}">Completion, endings' in response.text


def test_the_admin_switches_going_back_off(author_client, author):
    scenario = ScenarioFactory(author=author, title="No return")
    page = author_client.get(reverse("admin:story_admin_scenario_change", args=[scenario.pk])).text
    assert 'name="allow_back"' in page and "Allow going back" in page
    response = author_client.post(
        reverse("admin:story_admin_scenario_change", args=[scenario.pk]),
        story_form("No return"),
    )
    assert response.status_code == 302, response.text
    assert Scenario.objects.get(pk=scenario.pk).allow_back is False


def test_players_progress_is_read_only_in_the_admin(author_client, author, player):
    from story_admin.services.progress import start_progress

    story = ScenarioFactory(author=author, is_published=True)
    SceneFactory(scenario=story, is_start_scene=True)
    progress = start_progress(player=player, scenario=story)
    page = author_client.get(reverse("admin:story_admin_playerprogress_change", args=[progress.pk]))
    assert page.status_code == 200 and "Delete" not in page.text
    assert author_client.post(reverse("admin:story_admin_playerprogress_delete", args=[progress.pk])).status_code == 403
    assert type(progress).objects.filter(pk=progress.pk).exists()
