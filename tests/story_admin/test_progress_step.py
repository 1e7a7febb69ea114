"""A player's step reads only its part of the story (`load_step`), and shows exactly what the whole story shows:
the scene reached, the choices a player may see there (locked ones with their reason), the endings found."""

import pytest

from story_admin import selectors
from story_admin.demo import ensure_demo
from story_admin.models import Choice, PlayerProgress, Scene
from story_admin.services.progress import choose, start_progress
from tests.command_count import counting
from tests.factories import AssetFactory, ScenarioFactory, SceneFactory, build_story

pytestmark = pytest.mark.django_db


def seen_in_whole_story(progress: PlayerProgress) -> selectors.Reading:
    return selectors.reading_of(progress, selectors.load_story(progress.scenario))


def seen_in_step(progress: PlayerProgress) -> selectors.Reading:
    part = selectors.load_step(
        progress.scenario, from_scene_id=None, to_scene_id=progress.current_scene_id, endings=True, media=True
    )
    return selectors.reading_of(progress, part)


def media_of(scene: Scene) -> tuple:
    return (scene.image, scene.sound, scene.music)


def test_every_step_of_the_demo_story_shows_what_the_whole_story_shows(player):
    """Every choice of every scene a player can reach, taken through the step's read, as a player would."""
    story, _ = ensure_demo()
    to_visit, seen_paths = [[]], 0
    while to_visit and seen_paths < 60:
        path = to_visit.pop()
        progress = start_progress(player=player, scenario=story, restart=True)
        for choice_id in path:
            offered = {verdict.choice.pk for verdict in seen_in_whole_story(progress).choices if verdict.available}
            if choice_id not in offered:  # a restart rolls new dice: this path is closed this time
                break
            step = selectors.load_step(
                story, from_scene_id=progress.current_scene_id, choice_id=choice_id, endings=True, media=True
            )
            progress = choose(player=player, progress=progress, choice=step.choices_by_id[choice_id])
            assert selectors.reading_of(progress, step) == seen_in_whole_story(progress), path
        whole = seen_in_whole_story(progress)
        assert seen_in_step(progress) == whole
        seen_paths += 1
        if len(path) < 8:
            to_visit += [[*path, verdict.choice.pk] for verdict in whole.choices if verdict.available]
    assert seen_paths > 10


def test_choices_leading_nowhere_or_to_another_story_are_hidden_as_in_the_whole_story(player, author):
    story = ScenarioFactory(author=author, is_published=True)
    elsewhere = SceneFactory(scenario=ScenarioFactory(author=author), title="Elsewhere")
    quay = SceneFactory(scenario=story, title="Quay", is_start_scene=True)
    image, sound = AssetFactory(scenario=story), AssetFactory(type="sound", scenario=story)
    tower = SceneFactory(scenario=story, title="Tower", image=image, sound=sound)
    end = SceneFactory(scenario=story, title="End", is_end_scene=True)
    SceneFactory(scenario=story, title="Far end", is_end_scene=True)
    climb = Choice.objects.create(scenario=story, from_scene=quay, to_scene=tower, text="Climb")
    Choice.objects.create(scenario=story, from_scene=tower, to_scene=end, text="Jump")
    Choice.objects.create(scenario=story, from_scene=tower, to_scene=None, text="Not written yet")
    Choice.objects.create(scenario=story, from_scene=tower, to_scene=elsewhere, text="Through the mirror")

    progress = start_progress(player=player, scenario=story)
    step = selectors.load_step(story, from_scene_id=quay.pk, choice_id=climb.pk, endings=True, media=True)
    progress = choose(player=player, progress=progress, choice=step.choices_by_id[climb.pk])

    reading = selectors.reading_of(progress, step)
    assert [verdict.choice.text for verdict in reading.choices] == ["Jump"]
    assert reading == seen_in_whole_story(progress) == seen_in_step(progress)
    assert reading.ending_count == 2
    assert media_of(reading.scene) == (image, sound, None)


def test_a_step_reads_as_many_commands_on_a_large_story_as_on_a_small_one(author):
    """The choices, then the scenes reached (and the story's endings): the whole story is never read."""
    counts = {}
    for size in (4, 60):
        story = build_story(author, size, published=True)
        start = Scene.objects.get(scenario=story, is_start_scene=True)
        forward = Choice.objects.get(from_scene=start, text="Forward")
        with counting() as commands:
            by_choice = selectors.load_step(story, from_scene_id=start.pk, choice_id=forward.pk, endings=True)
        with counting() as also:
            by_target = selectors.load_step(story, from_scene_id=start.pk, to_scene_id=forward.to_scene_id)
        counts[size] = (list(commands), list(also))
        assert {scene.title for scene in by_choice.scenes} == {"Scene 0", "Scene 1", "Scene 2", f"Scene {size - 1}"}
        assert {scene.title for scene in by_target.scenes} == {"Scene 0", "Scene 1", "Scene 2"}
    step_reads = ["aggregate choices", "aggregate scenes"]
    assert counts[4] == counts[60] == (step_reads, step_reads)
