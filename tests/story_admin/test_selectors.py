"""load_story: the whole story in a fixed number of queries, whatever its size."""

import pytest

from story_admin.models import Choice, Scene
from story_admin.selectors import load_story, load_story_outline, readable_stories, stories_for_author
from tests.command_count import counting
from tests.factories import AssetFactory, AuthorFactory, ScenarioFactory, build_story

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("scene_count", [10, 300])
def test_load_story_uses_three_queries_at_any_size(author, scene_count, django_assert_num_queries):
    scenario = build_story(author, scene_count)
    with django_assert_num_queries(3):
        story = load_story(scenario)
        titles = [scene.title for scene in story.scenes]
        links = [(choice.from_scene.title, choice.to_scene.title) for choice in story.choices]
        media = [scene.image for scene in story.scenes]
    assert titles[0] == "Scene 0" and len(titles) == scene_count
    assert len(links) == 2 * (scene_count - 1) and ("Scene 0", "Scene 1") in links
    assert media == [None] * scene_count


@pytest.mark.parametrize("scene_count", [10, 300])
def test_the_outline_the_map_reads_has_the_whole_storys_scenes_and_choices_in_two_queries(author, scene_count):
    scenario = build_story(author, scene_count)
    Scene.objects.filter(scenario=scenario, order=1).update(
        tags=["cave"], group="Act I", effects=[{"set": ["gold", 1]}], position_x=12.5, position_y=-3.0
    )
    Choice.objects.filter(scenario=scenario, text="Back").update(condition={">=": [{"var": "gold"}, 1]})
    full = load_story(scenario)
    with counting() as commands:
        outline = load_story_outline(scenario)
    assert [name for name in commands if not name.startswith("getMore")] == [
        f"find {Scene._meta.db_table}",
        f"find {Choice._meta.db_table}",
    ]
    scene_fields = ("pk", "title", "order", "is_start_scene", "is_end_scene", "ending_kind", "tags", "group")
    scene_fields += ("position_x", "position_y", "effects")
    assert [[getattr(scene, name) for name in scene_fields] for scene in outline.scenes] == [
        [getattr(scene, name) for name in scene_fields] for scene in full.scenes
    ]
    choice_fields = ("pk", "from_scene_id", "to_scene_id", "text", "condition", "effects", "order")
    assert [[getattr(choice, name) for name in choice_fields] for choice in outline.choices] == [
        [getattr(choice, name) for name in choice_fields] for choice in full.choices
    ]
    assert not hasattr(outline.scenes[0], "text") and outline.assets == {}


def test_load_story_includes_assets_of_its_scenes(story, author, django_assert_num_queries):
    own = AssetFactory(scenario=story, uploaded_by=author, name="Cellar door")
    shared = AssetFactory(uploaded_by=author, name="Library picture")
    scenes = list(story.scenes.order_by("order"))
    scenes[0].image = own
    scenes[0].save()
    scenes[1].image = shared
    scenes[1].save()
    with django_assert_num_queries(4):
        loaded = load_story(story)
        names = [scene.image.name if scene.image else None for scene in loaded.scenes]
    assert names == ["Cellar door", "Library picture", None]


def test_authors_list_their_own_stories_and_superusers_all(author, other_author, superuser):
    mine = ScenarioFactory(author=author)
    theirs = ScenarioFactory(author=other_author)
    assert list(stories_for_author(author)) == [mine]
    assert set(stories_for_author(superuser)) == {mine, theirs}


def test_readers_see_published_stories_and_their_own_drafts(author, player):
    published = ScenarioFactory(is_published=True)
    own_draft = ScenarioFactory(author=author)
    ScenarioFactory()
    assert list(readable_stories(player)) == [published]
    assert set(readable_stories(author)) == {published, own_draft}
    assert set(readable_stories(AuthorFactory())) == {published}
