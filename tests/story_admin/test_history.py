"""The edit journal: every edit of a story undone and redone, per author, refused when it no longer applies."""

from datetime import timedelta

import pytest
from django.utils import timezone

from story_admin.services.choices import create_choice, delete_choice, update_choice
from story_admin.services.layout import group_scenes, move_scene, tidy_up
from story_admin.services.scenes import create_scene, delete_scene, set_start_scene, update_scene
from story_admin.services.stories import create_scenario, unpublish_scenario, update_scenario
from story_admin.exceptions import StoryRuleError
from story_admin.models import Choice, EditStep, PlayerProgress, Scene
from story_admin.services import history, replace


def scene(story, title):
    return Scene.objects.get(scenario=story, title=title)


def stored(story):
    """Everything an undo must put back, as plain values."""
    scenes = sorted(
        (s.pk, s.title, s.text, s.position_x, s.position_y, s.is_start_scene, s.is_end_scene, s.ending_kind, s.group)
        for s in Scene.objects.filter(scenario=story)
    )
    choices = sorted(
        (c.pk, c.from_scene_id, c.to_scene_id, c.text, c.order) for c in Choice.objects.filter(scenario=story)
    )
    return scenes, choices


def undo_label(author, story):
    step = history.next_undo(editor=author, scenario=story)
    return step and step.label


def round_trip(author, story, label):
    """Undo brings back what was there before; redo what the edit made."""
    assert undo_label(author, story) == label
    return history.undo(editor=author, scenario=story), history.next_redo(editor=author, scenario=story)


EDITS = {
    "rename": (
        lambda a, s: update_scene(editor=a, scene=scene(s, "Middle"), title="La crique"),
        "rename “Middle”",
    ),
    "text": (
        lambda a, s: update_scene(editor=a, scene=scene(s, "Middle"), text="Waves."),
        "edit the text of “Middle”",
    ),
    "move": (lambda a, s: move_scene(editor=a, scene=scene(s, "Middle"), x=400, y=-30), "move “Middle”"),
    "start": (lambda a, s: set_start_scene(editor=a, scene=scene(s, "Middle")), "make “Middle” the start"),
    "ending": (
        lambda a, s: update_scene(editor=a, scene=scene(s, "Middle"), is_end_scene=True, ending_kind="tragic"),
        "change the ending of “Middle”",
    ),
    "create scene": (lambda a, s: create_scene(editor=a, scenario=s, title="Attic"), "add scene “Attic”"),
    "delete scene": (lambda a, s: delete_scene(editor=a, scene=scene(s, "Middle")), "delete “Middle”"),
    "create choice": (
        lambda a, s: create_choice(editor=a, from_scene=scene(s, "End"), to_scene=scene(s, "Start"), text="Again"),
        "add choice “Again”",
    ),
    "edit choice": (
        lambda a, s: update_choice(editor=a, choice=Choice.objects.get(text="Go down"), text="Climb down"),
        "edit choice “Climb down”",
    ),
    "delete choice": (
        lambda a, s: delete_choice(editor=a, choice=Choice.objects.get(text="Go down")),
        "delete choice “Go down”",
    ),
    "tidy up": (lambda a, s: tidy_up(editor=a, scenario=s), "tidy up"),
    "group": (
        lambda a, s: group_scenes(
            editor=a, scenario=s, name=" Chapter 1 ", scene_ids=[scene(s, "Start").pk, scene(s, "Middle").pk]
        ),
        "group “Chapter 1”",
    ),
    "replace": (
        lambda a, s: replace.replace_all(
            editor=a,
            scenario=s,
            find="o",
            replacement="0",
            token=replace.preview_replace(editor=a, scenario=s, find="o").token,
        ),
        "replace “o” with “0”",
    ),
}


@pytest.mark.parametrize("kind", EDITS)
def test_each_kind_of_edit_is_undone_and_redone(author, story, kind):
    Scene.objects.filter(scenario=story).update(position_x=5, position_y=7)  # tidy-up has something to move
    edit, label = EDITS[kind]
    before = stored(story)
    edit(author, story)
    after = stored(story)
    assert after != before
    undone, redo_step = round_trip(author, story, label)
    assert stored(story) == before
    assert redo_step.label == label and history.next_undo(editor=author, scenario=story) is None
    history.redo(editor=author, scenario=story)
    assert stored(story) == after
    assert undo_label(author, story) == label and history.next_redo(editor=author, scenario=story) is None


def test_undoing_a_deleted_scene_restores_its_choices_both_ways(author, story):
    middle = scene(story, "Middle")
    middle_id = middle.pk
    linked = set(Choice.objects.filter(scenario=story).values_list("pk", flat=True))
    delete_scene(editor=author, scene=middle)
    assert not Choice.objects.filter(scenario=story).exists()
    history.undo(editor=author, scenario=story)
    assert set(Choice.objects.filter(scenario=story).values_list("pk", flat=True)) == linked
    assert scene(story, "Middle").pk == middle_id


def test_an_undo_saves_a_new_scene_version(author, story):
    middle = update_scene(editor=author, scene=scene(story, "Middle"), title="La crique")
    history.undo(editor=author, scenario=story)
    assert Scene.objects.get(pk=middle.pk).version == middle.version + 1
    with pytest.raises(StoryRuleError, match="saved elsewhere"):  # a tab holding the renamed version is stale
        update_scene(editor=author, scene=middle, title="Other", expected_version=str(middle.version))


def test_a_new_edit_clears_the_redo_steps(author, story):
    update_scene(editor=author, scene=scene(story, "Middle"), title="La crique")
    history.undo(editor=author, scenario=story)
    move_scene(editor=author, scene=scene(story, "Middle"), x=1, y=2)
    assert history.next_redo(editor=author, scenario=story) is None
    with pytest.raises(StoryRuleError, match="nothing to redo"):
        history.redo(editor=author, scenario=story)


def test_many_steps_undo_in_order_and_none_beyond_the_limit(author, story, monkeypatch):
    monkeypatch.setattr(history, "HISTORY_LIMIT", 10)
    middle = scene(story, "Middle")
    for n in range(15):
        move_scene(editor=author, scene=middle, x=n + 1, y=0)
    for n in range(10):
        history.undo(editor=author, scenario=story)
    assert Scene.objects.get(pk=middle.pk).position_x == 5
    assert buttons(author, story) == (None, "move “Middle”")
    with pytest.raises(StoryRuleError, match="nothing to undo"):
        history.undo(editor=author, scenario=story)
    # The first undo deleted the steps beyond the limit: the journal keeps what undo and redo can reach.
    assert EditStep.objects.filter(scenario=story, author=author).count() == 10
    for n in range(10):
        history.redo(editor=author, scenario=story)
    assert Scene.objects.get(pk=middle.pk).position_x == 15


def test_an_undo_that_no_longer_applies_is_refused_and_changes_nothing(author, story):
    update_scene(editor=author, scene=scene(story, "Middle"), title="La crique")
    Scene.objects.filter(pk=scene(story, "La crique").pk).update(title="Changed by the API")
    before = stored(story)
    with pytest.raises(StoryRuleError, match="cannot be undone: the story was changed since"):
        history.undo(editor=author, scenario=story)
    assert stored(story) == before
    assert undo_label(author, story) == "rename “Middle”"  # still there, still refused


def test_undoing_a_created_scene_is_refused_while_a_later_choice_leads_to_it(author, superuser, story):
    attic = create_scene(editor=author, scenario=story, title="Attic")
    create_choice(editor=superuser, from_scene=scene(story, "Start"), to_scene=attic, text="Up")
    before = stored(story)
    with pytest.raises(StoryRuleError, match="cannot be undone"):
        history.undo(editor=author, scenario=story)
    assert stored(story) == before


def test_each_author_undoes_only_their_own_edits(author, superuser, story):
    update_scene(editor=author, scene=scene(story, "Middle"), title="La crique")
    update_scene(editor=superuser, scene=scene(story, "End"), text="Admin's words.")
    assert undo_label(author, story) == "rename “Middle”"
    assert undo_label(superuser, story) == "edit the text of “End”"
    history.undo(editor=author, scenario=story)
    assert scene(story, "Middle") and scene(story, "End").text == "Admin's words."


def test_nothing_to_undo_and_strangers_are_refused(author, other_author, story):
    with pytest.raises(StoryRuleError, match="nothing to undo"):
        history.undo(editor=author, scenario=story)
    update_scene(editor=author, scene=scene(story, "Middle"), title="La crique")
    with pytest.raises(Exception):
        history.undo(editor=other_author, scenario=story)
    assert scene(story, "La crique")


def test_undoing_a_created_scene_sends_its_players_to_the_start(author, player, story):
    attic = create_scene(editor=author, scenario=story, title="Attic")
    PlayerProgress.objects.create(user=player, scenario=story, current_scene=attic)
    history.undo(editor=author, scenario=story)
    assert PlayerProgress.objects.get(user=player).current_scene_id == scene(story, "Start").pk


def test_a_refused_edit_records_nothing(author, story):
    middle = scene(story, "Middle")
    with pytest.raises(StoryRuleError):
        update_scene(editor=author, scene=middle, title="x", expected_version="99")
    assert not EditStep.objects.exists()


def test_replace_previews_every_occurrence_with_its_context(author, story):
    update_scene(editor=author, scene=scene(story, "Middle"), text="A door, another Door.")
    preview = replace.preview_replace(editor=author, scenario=story, find="door")
    where = [(o.where, o.scene.title, o.match) for o in preview.occurrences]
    assert where == [("text", "Middle", "door"), ("text", "Middle", "Door"), ("choice", "Middle", "door")]
    assert preview.occurrences[0].before == "A " and preview.occurrences[0].after == ", another Door."
    exact = replace.preview_replace(editor=author, scenario=story, find="Door", case_sensitive=True)
    assert [o.match for o in exact.occurrences] == ["Door"]


def test_replace_is_one_step_and_refused_over_a_newer_save(author, story):
    update_scene(editor=author, scene=scene(story, "Middle"), text="A door.")
    preview = replace.preview_replace(editor=author, scenario=story, find="door")
    update_scene(editor=author, scene=scene(story, "Middle"), text="A door, saved since.")
    before = stored(story)
    with pytest.raises(StoryRuleError, match="changed since this preview"):
        replace.replace_all(editor=author, scenario=story, find="door", replacement="gate", token=preview.token)
    assert stored(story) == before
    preview = replace.preview_replace(editor=author, scenario=story, find="door")
    assert replace.replace_all(editor=author, scenario=story, find="door", replacement="gate", token=preview.token) == 2
    assert scene(story, "Middle").text == "A gate, saved since."
    assert Choice.objects.filter(text="Open the gate").exists()
    history.undo(editor=author, scenario=story)
    assert stored(story) == before


def test_replace_refuses_an_empty_title(author, story):
    token = replace.preview_replace(editor=author, scenario=story, find="End").token
    with pytest.raises(StoryRuleError, match="would be empty"):
        replace.replace_all(editor=author, scenario=story, find="End", replacement="", token=token)
    assert scene(story, "End")


def test_a_story_rename_is_a_step_and_publishing_is_not(author, story):
    update_scenario(editor=author, scenario=story, title="Le phare")
    unpublish_scenario(editor=author, scenario=story)
    assert undo_label(author, story) == "edit the story's details"
    history.undo(editor=author, scenario=story)
    story.refresh_from_db()
    assert story.title == "The Cellar"
    history.redo(editor=author, scenario=story)
    story.refresh_from_db()
    assert story.title == "Le phare"


def test_grouping_refuses_what_it_cannot_do_and_changes_nothing(author, story):
    other = create_scenario(author=author, title="Another")
    stranger = create_scene(editor=author, scenario=other, title="Elsewhere")
    before = stored(story)
    for scene_ids, name, message in (
        ([], "Chapter", "Select scenes of this story to group."),
        ([scene(story, "Start").pk, stranger.pk], "Chapter", "no longer in the story"),
        (["not an id"], "Chapter", "could not be read"),
        ([scene(story, "Start").pk], "x" * 61, "at most 60 characters"),
    ):
        with pytest.raises(StoryRuleError, match=message):
            group_scenes(editor=author, scenario=story, scene_ids=scene_ids, name=name)
    assert stored(story) == before
    steps = EditStep.objects.count()
    assert group_scenes(editor=author, scenario=story, scene_ids=[scene(story, "Start").pk], name="") == 0
    assert EditStep.objects.count() == steps  # nothing changed: no step to undo


def buttons(author, story):
    """The labels the undo and redo buttons show, read as the map page reads them (one command)."""
    undo_step, redo_step = history.next_steps(editor=author, scenario=story)
    return undo_step and undo_step.label, redo_step and redo_step.label


def test_the_buttons_name_the_latest_done_step_and_the_earliest_undone_one(author, story):
    assert buttons(author, story) == (None, None)
    middle = scene(story, "Middle")
    for title in ("One", "Two", "Three"):
        update_scene(editor=author, scene=Scene.objects.get(pk=middle.pk), title=title)
    assert buttons(author, story) == ("rename “Two”", None)
    history.undo(editor=author, scenario=story)
    history.undo(editor=author, scenario=story)
    assert buttons(author, story) == ("rename “Middle”", "rename “One”")
    history.redo(editor=author, scenario=story)
    assert buttons(author, story) == ("rename “One”", "rename “Two”")
    history.undo(editor=author, scenario=story)
    history.undo(editor=author, scenario=story)
    assert buttons(author, story) == (None, "rename “Middle”")
    move_scene(editor=author, scene=middle, x=5, y=5)  # a new edit drops what could be redone
    assert buttons(author, story) == ("move “Middle”", None)


def test_a_new_edit_at_the_limit_drops_the_redo_steps_and_keeps_the_newest(author, story, monkeypatch):
    monkeypatch.setattr(history, "HISTORY_LIMIT", 10)
    middle = scene(story, "Middle")
    first_x = middle.position_x
    for n in range(10):
        move_scene(editor=author, scene=middle, x=n + 5000, y=0)
    history.undo(editor=author, scenario=story)
    history.undo(editor=author, scenario=story)
    move_scene(editor=author, scene=middle, x=1000, y=0)
    assert history.next_redo(editor=author, scenario=story) is None
    for n in range(9):
        history.undo(editor=author, scenario=story)
    assert Scene.objects.get(pk=middle.pk).position_x == first_x
    with pytest.raises(StoryRuleError, match="nothing to undo"):
        history.undo(editor=author, scenario=story)
    # The dropped redo steps went with the first undo after the new edit; redo brings back the new edit last.
    assert EditStep.objects.filter(scenario=story, author=author, is_undone=True).count() == 9
    for n in range(9):
        history.redo(editor=author, scenario=story)
    assert Scene.objects.get(pk=middle.pk).position_x == 1000


def test_a_step_older_than_the_journals_days_is_gone(author, story):
    """Recording is one insert: what no undo reaches is removed off the write path, the oldest by a TTL index."""
    from django.db import connection

    from story_admin.services.history import HISTORY_DAYS

    update_scene(editor=author, scene=scene(story, "Middle"), title="La crique")
    expiry = connection.get_collection("edit_steps").index_information()["edit_steps_expiry"]
    assert expiry["expireAfterSeconds"] == HISTORY_DAYS * 24 * 3600
    EditStep.objects.filter(scenario=story).update(created_at=timezone.now() - timedelta(days=HISTORY_DAYS, hours=1))
    assert buttons(author, story) == (None, None)
