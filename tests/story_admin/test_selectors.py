"""load_story: the whole story in a fixed number of queries, whatever its size."""

import pytest

from story_admin.selectors import load_story, readable_stories, stories_for_author
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
