"""A guest's progress (the reading site's players without an account): never written, stepped by the same
service as a player's, checked by the same rules, kept as JSON, and merged into the player's one progress."""

import pytest
from django.contrib.auth.models import AnonymousUser

from story_admin.services.previews import create_preview_link, revoke_preview_link
from story_admin.services.progress import choose, keep_guest_progress, start_guest_progress
from story_admin.exceptions import NotFound, PermissionDenied, StoryRuleError
from story_admin.models import PlayerProgress
from story_admin.services.progress import guest_progress_document, guest_progress_from_document
from tests.factories import ChoiceFactory, ScenarioFactory, SceneFactory
from tests.snapshots import database_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def published_story(author):
    scenario = ScenarioFactory(author=author, is_published=True)
    start = SceneFactory(scenario=scenario, title="Start", is_start_scene=True)
    middle = SceneFactory(scenario=scenario, title="Middle")
    end = SceneFactory(scenario=scenario, title="End", is_end_scene=True)
    ChoiceFactory(from_scene=start, to_scene=middle, text="On")
    ChoiceFactory(from_scene=middle, to_scene=end, text="Out")
    return scenario


def test_a_guest_plays_through_the_service_and_nothing_is_written(published_story):
    before = database_snapshot(ignore={"django_session"})
    progress = start_guest_progress(scenario=published_story)
    for text in ("On", "Out"):
        choice = published_story.choices.get(text=text)
        progress = choose(player=AnonymousUser(), progress=progress, choice=choice)
    assert progress.is_completed and len(progress.history) == 3
    assert progress.endings_found == [str(published_story.scenes.get(title="End").pk)]
    with pytest.raises(StoryRuleError, match="This story is finished"):
        choose(player=AnonymousUser(), progress=progress, choice=published_story.choices.get(text="Out"))
    assert database_snapshot(ignore={"django_session"}) == before

    again = guest_progress_from_document(scenario=published_story, document=guest_progress_document(progress))
    assert [entry.scene_id for entry in again.history] == [entry.scene_id for entry in progress.history]
    assert again.endings_found == progress.endings_found and again.seed == progress.seed


def test_a_guest_may_not_play_a_draft_without_its_preview_link(published_story, author):
    published_story.is_published = False
    published_story.save()
    with pytest.raises(PermissionDenied):
        start_guest_progress(scenario=published_story)
    link = create_preview_link(editor=author, scenario=published_story)
    progress = start_guest_progress(scenario=published_story, preview=link)
    assert progress.is_preview is True
    revoke_preview_link(editor=author, link=link)
    with pytest.raises(NotFound, match="revoked"):
        choose(player=AnonymousUser(), progress=progress, choice=published_story.choices.get(text="On"), preview=link)


def test_keeping_a_guests_progress_makes_or_merges_the_players_one_progress(published_story, player):
    guest = start_guest_progress(scenario=published_story)
    guest = choose(player=AnonymousUser(), progress=guest, choice=published_story.choices.get(text="On"))
    kept = keep_guest_progress(player=player, guest=guest)
    assert PlayerProgress.objects.filter(user=player, scenario=published_story).count() == 1
    assert kept.current_scene.title == "Middle" and kept.steps_taken == 1

    # A second guest session that reached the end: merged into the same document, never a second one.
    other = start_guest_progress(scenario=published_story)
    for text in ("On", "Out"):
        other = choose(player=AnonymousUser(), progress=other, choice=published_story.choices.get(text=text))
    merged = keep_guest_progress(player=player, guest=other)
    assert merged.pk == kept.pk and PlayerProgress.objects.filter(user=player, scenario=published_story).count() == 1
    stored = PlayerProgress.objects.get(pk=kept.pk)
    assert stored.is_completed and len(stored.endings_found) == 1

    # A guest who only opened the story leaves the player's path as it is.
    keep_guest_progress(player=player, guest=start_guest_progress(scenario=published_story))
    assert PlayerProgress.objects.get(pk=kept.pk).current_scene.title == "End"


def test_a_document_of_another_story_or_a_broken_one_is_refused(published_story, author):
    progress = start_guest_progress(scenario=published_story)
    document = guest_progress_document(progress)
    with pytest.raises(StoryRuleError, match="another story"):
        guest_progress_from_document(scenario=ScenarioFactory(author=author), document=document)
    with pytest.raises(StoryRuleError, match="cannot be read"):
        guest_progress_from_document(scenario=published_story, document={"scenario": str(published_story.pk)})
