"""Editing services: what they write, and that every refusal writes nothing."""

import pytest
from bson import ObjectId

from story_admin.services.choices import create_choice, delete_choices, update_choice
from story_admin.services.layout import move_scene
from story_admin.services.progress import choose, start_progress
from story_admin.services.scenes import create_scene, delete_scene, free_scene_title, set_start_scene, update_scene
from story_admin.services.stories import (
    create_scenario,
    delete_scenario,
    publish_scenario,
    unpublish_scenario,
    update_scenario,
)
from story_admin.exceptions import PermissionDenied, StoryRuleError
from story_admin.models import Asset, Choice, PlayerProgress, Scenario, Scene
from story_admin.services.quick_links import add_choice_by_text, parse_choice_text, update_scene_with_links
from tests.factories import AssetFactory, ScenarioFactory, SceneFactory, build_story
from tests.snapshots import database_snapshot

pytestmark = pytest.mark.django_db


# Stories


def test_create_scenario_gives_a_unique_slug(author):
    first = create_scenario(author=author, title="Le Phare", language="fr", tags="mer, nuit, mer")
    second = create_scenario(author=author, title="Le Phare")
    assert (first.slug, second.slug) == ("le-phare", "le-phare-2")
    assert Scenario.objects.get(pk=first.pk).tags == ["mer", "nuit"]


def test_players_cannot_create_stories(player):
    with pytest.raises(PermissionDenied):
        create_scenario(author=player, title="Mine")
    assert not Scenario.objects.exists()


def test_blank_title_is_refused_with_a_field_error(author):
    with pytest.raises(StoryRuleError) as refused:
        create_scenario(author=author, title="   ")
    assert "title" in refused.value.field_errors
    assert not Scenario.objects.exists()


def test_publishing_lists_the_problems(author):
    scenario = create_scenario(author=author, title="Half done")
    scene = create_scene(editor=author, scenario=scenario, title="Door")
    elsewhere = SceneFactory(title="Elsewhere")
    Choice.objects.create(scenario=scenario, from_scene=scene, to_scene=elsewhere, text="Leave")
    before = database_snapshot()
    with pytest.raises(StoryRuleError) as refused:
        publish_scenario(editor=author, scenario=scenario)
    assert "cannot be published yet" in refused.value.message
    assert "leads out of this story" in refused.value.message
    assert database_snapshot() == before


def test_publish_and_unpublish(story, author):
    publish_scenario(editor=author, scenario=story)
    assert Scenario.objects.get(pk=story.pk).is_published
    unpublish_scenario(editor=author, scenario=story)
    assert not Scenario.objects.get(pk=story.pk).is_published


def test_another_author_cannot_edit(story, other_author):
    before = database_snapshot()
    with pytest.raises(PermissionDenied) as refused:
        update_scenario(editor=other_author, scenario=story, title="Mine now")
    assert "belongs to another author" in refused.value.message
    with pytest.raises(PermissionDenied):
        delete_scenario(editor=other_author, scenario=story)
    assert database_snapshot() == before


def test_superusers_edit_every_story(story, superuser):
    update_scenario(editor=superuser, scenario=story, title="Edited by the editor-in-chief")
    assert Scenario.objects.get(pk=story.pk).title == "Edited by the editor-in-chief"


def test_unknown_fields_are_refused(story, author):
    with pytest.raises(StoryRuleError, match="cannot be changed here: author"):
        update_scenario(editor=author, scenario=story, author=None)


def test_delete_scenario_removes_everything_it_owns(story, author, player):
    other = build_story(author, 3)
    AssetFactory(scenario=story, uploaded_by=author)
    publish_scenario(editor=author, scenario=story)
    start_progress(player=player, scenario=story)
    delete_scenario(editor=author, scenario=story)
    for model in (Scene, Choice, Asset, PlayerProgress):
        assert not model.objects.filter(scenario_id=story.pk).exists()
    assert not Scenario.objects.filter(pk=story.pk).exists()
    assert Scene.objects.filter(scenario=other).count() == 3


def test_delete_scenario_rolls_back_when_it_fails_midway(story, author, monkeypatch):
    """A failure after the first deletes leaves the story whole (the backend's transaction)."""
    before = database_snapshot()

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Scenario, "delete", fail)
    with pytest.raises(RuntimeError):
        delete_scenario(editor=author, scenario=story)
    assert database_snapshot() == before


def test_delete_large_story(author):
    scenario = build_story(author, 520)
    delete_scenario(editor=author, scenario=scenario)
    assert not Scene.objects.filter(scenario_id=scenario.pk).exists()
    assert not Choice.objects.filter(scenario_id=scenario.pk).exists()


# Scenes


def test_first_scene_becomes_the_start_and_scenes_line_up(author):
    scenario = create_scenario(author=author, title="Fresh")
    first = create_scene(editor=author, scenario=scenario, title="One")
    second = create_scene(editor=author, scenario=scenario, title="Two")
    assert first.is_start_scene and not second.is_start_scene
    assert (first.order, second.order) == (0, 1)
    assert second.position_x > first.position_x


def test_set_start_scene_moves_the_start(story, author):
    middle = story.scenes.get(title="Middle")
    set_start_scene(editor=author, scene=middle)
    assert list(story.scenes.filter(is_start_scene=True).values_list("title", flat=True)) == ["Middle"]


def test_an_ending_gets_a_kind_and_a_non_ending_none(story, author):
    middle = story.scenes.get(title="Middle")
    update_scene(editor=author, scene=middle, is_end_scene=True)
    assert Scene.objects.get(pk=middle.pk).ending_kind == "neutral"
    update_scene(editor=author, scene=middle, is_end_scene=False)
    assert Scene.objects.get(pk=middle.pk).ending_kind == ""


def test_invalid_ending_kind_is_refused(story, author):
    middle = story.scenes.get(title="Middle")
    before = database_snapshot()
    with pytest.raises(StoryRuleError) as refused:
        update_scene(editor=author, scene=middle, is_end_scene=True, ending_kind="bittersweet")
    assert "ending_kind" in refused.value.field_errors
    assert database_snapshot() == before


def test_move_scene_stores_the_position(story, author):
    middle = story.scenes.get(title="Middle")
    move_scene(editor=author, scene=middle, x="412.5", y=-80)
    stored = Scene.objects.get(pk=middle.pk)
    assert (stored.position_x, stored.position_y) == (412.5, -80)


@pytest.mark.parametrize("x", ["left", float("nan"), float("inf"), None, 10**9])
def test_move_scene_refuses_bad_coordinates(story, author, x):
    middle = story.scenes.get(title="Middle")
    before = database_snapshot()
    with pytest.raises(StoryRuleError, match="map position x"):
        move_scene(editor=author, scene=middle, x=x, y=0)
    assert database_snapshot() == before


def test_media_must_have_the_right_type(story, author):
    narration = AssetFactory(type="sound", uploaded_by=author)
    middle = story.scenes.get(title="Middle")
    with pytest.raises(StoryRuleError, match="image of a scene must be an asset of type image"):
        update_scene(editor=author, scene=middle, image=narration)
    update_scene(editor=author, scene=middle, sound=narration)
    assert Scene.objects.get(pk=middle.pk).sound_id == narration.pk


def test_delete_scene_removes_its_choices_both_ways_and_moves_players(story, author, player):
    publish_scenario(editor=author, scenario=story)
    middle = story.scenes.get(title="Middle")
    progress = start_progress(player=player, scenario=story)
    choose(player=player, progress=progress, choice=Choice.objects.get(text="Go down"))
    picture = AssetFactory(scenario=story, scene=middle, uploaded_by=author)

    delete_scene(editor=author, scene=middle)

    assert list(Choice.objects.filter(scenario=story)) == []
    assert sorted(story.scenes.values_list("title", flat=True)) == ["End", "Start"]
    assert PlayerProgress.objects.get(pk=progress.pk).current_scene.title == "Start"
    assert Asset.objects.get(pk=picture.pk).scene_id is None


def test_players_cannot_edit_scenes(story, player):
    with pytest.raises(PermissionDenied):
        create_scene(editor=player, scenario=story, title="Mine")
    assert story.scenes.count() == 3


# Choices


def test_create_choice_links_two_scenes_in_order(story, author):
    start, end = story.scenes.get(title="Start"), story.scenes.get(title="End")
    choice = create_choice(editor=author, from_scene=start, to_scene=end, text="  Jump  ")
    stored = Choice.objects.get(pk=choice.pk)
    assert (stored.text, stored.order, stored.scenario_id, stored.condition) == ("Jump", 1, story.pk, {})


def test_choice_across_stories_is_refused(story, author):
    start = story.scenes.get(title="Start")
    elsewhere = SceneFactory(scenario=ScenarioFactory(author=author))
    before = database_snapshot()
    with pytest.raises(StoryRuleError, match="same story"):
        create_choice(editor=author, from_scene=start, to_scene=elsewhere, text="Portal")
    assert database_snapshot() == before


def test_choice_condition_must_be_an_object(story, author):
    choice = Choice.objects.get(text="Go down")
    with pytest.raises(StoryRuleError, match="JSON object"):
        update_choice(editor=author, choice=choice, condition=["key"])
    update_choice(editor=author, choice=choice, condition={"has": "lamp"}, text="Go down slowly")
    stored = Choice.objects.get(pk=choice.pk)
    assert (stored.condition, stored.text) == ({"has": "lamp"}, "Go down slowly")


def test_delete_choices_is_all_or_nothing(story, author, other_author):
    mine = list(Choice.objects.filter(scenario=story))
    theirs = build_story(other_author, 2)
    foreign = Choice.objects.filter(scenario=theirs).first()
    with pytest.raises(PermissionDenied):
        delete_choices(editor=author, choices=[*mine, foreign])
    assert Choice.objects.filter(scenario=story).count() == 3
    assert delete_choices(editor=author, choices=mine) == 3
    assert delete_choices(editor=author, choices=[]) == 0
    assert not Choice.objects.filter(scenario=story).exists()


def test_ids_are_object_ids(story):
    assert isinstance(story.pk, ObjectId)


def test_scene_titles_are_unique_within_a_story(story, author):
    middle = story.scenes.get(title="Middle")
    before = database_snapshot()
    with pytest.raises(StoryRuleError) as created:
        create_scene(editor=author, scenario=story, title=" middle ")
    with pytest.raises(StoryRuleError) as renamed:
        update_scene(editor=author, scene=story.scenes.get(title="End"), title="MIDDLE")
    assert created.value.field_errors["title"] == ["Another scene of this story is already called “middle”."]
    assert "already has a scene called “MIDDLE”" in renamed.value.message
    assert database_snapshot() == before
    update_scene(editor=author, scene=middle, title="Middle", text="Same title, kept.")
    other = ScenarioFactory(author=author)
    assert create_scene(editor=author, scenario=other, title="Middle").title == "Middle"
    assert free_scene_title(scenario_id=story.pk, base="Middle") == "Middle 2"


def test_a_kind_of_ending_on_a_scene_that_is_no_ending_is_refused(story, author):
    middle = story.scenes.get(title="Middle")
    before = database_snapshot()
    with pytest.raises(StoryRuleError) as refused:
        update_scene(editor=author, scene=middle, ending_kind="tragic")
    with pytest.raises(StoryRuleError):
        create_scene(editor=author, scenario=story, title="Cliff", ending_kind="tragic")
    assert "ending_kind" in refused.value.field_errors and database_snapshot() == before
    update_scene(editor=author, scene=middle, is_end_scene=True, ending_kind="tragic")
    assert Scene.objects.get(pk=middle.pk).ending_kind == "tragic"


def test_a_choice_and_its_scene_in_one_line(story, author):
    start, end = story.scenes.get(title="Start"), story.scenes.get(title="End")
    assert parse_choice_text("The cellar <- Go down") == ("Go down", "The cellar")
    assert parse_choice_text("[[Rest]]") == ("Rest", "Rest")
    new = add_choice_by_text(editor=author, from_scene=start, text="Open the hatch -> The cellar")
    assert new.created_scene and new.target.title == "The cellar" and new.choice.to_scene_id == new.target.pk
    linked = add_choice_by_text(editor=author, from_scene=start, text="Give up -> end")
    assert not linked.created_scene and linked.choice.to_scene_id == end.pk
    before = database_snapshot()
    for bad in ("", "Jump ->", "-> End"):
        with pytest.raises(StoryRuleError):
            add_choice_by_text(editor=author, from_scene=start, text=bad)
    assert database_snapshot() == before


def test_links_in_a_scenes_text_become_choices_or_nothing(story, author):
    start = story.scenes.get(title="Start")
    text = "You may [[leave->End]] now.\n[[Attic]]\nKeep  this spacing "
    scene, added = update_scene_with_links(editor=author, scene=start, text=text)
    assert scene.text == Scene.objects.get(pk=start.pk).text == "You may leave now.\nKeep  this spacing "
    assert [(link.choice.text, link.target.title, link.created_scene) for link in added] == [
        ("leave", "End", False),
        ("Attic", "Attic", True),
    ]
    before = database_snapshot()
    with pytest.raises(StoryRuleError):  # stale: no choice and no scene added either
        update_scene_with_links(
            editor=author, scene=Scene.objects.get(pk=start.pk), expected_version="0", text="[[Cave]]"
        )
    assert database_snapshot() == before


def test_a_save_with_a_version_lands_after_a_save_without_one(author):
    # A save without a version (the admin, the API without one) increments the version in the database; the
    # embedded server then missed `version == 1`, and every later save with a version was refused as stale.
    scene = SceneFactory(scenario__author=author, text="Cold stone.")
    update_scene(editor=author, scene=Scene.objects.get(pk=scene.pk), text="Cold, wet stone.")
    saved = update_scene(editor=author, scene=Scene.objects.get(pk=scene.pk), expected_version="1", text="Moss.")
    assert (saved.version, Scene.objects.get(pk=scene.pk).text) == (2, "Moss.")
    with pytest.raises(StoryRuleError):
        update_scene(editor=author, scene=Scene.objects.get(pk=scene.pk), expected_version="1", text="Late.")
    assert Scene.objects.get(pk=scene.pk).text == "Moss."
