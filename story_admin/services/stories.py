"""Writing a story's own document: create, edit, publish, delete (its scenes: `scenes`, its choices: `choices`)."""

from collections.abc import Iterable

from django.utils.text import slugify
from django.utils.translation import gettext_noop
from django_mongodb_backend import transaction

from ..exceptions import NotPlayable
from ..models import Asset, Choice, PlayerProgress, Scenario, Scene, User
from ..permissions import ensure_author, ensure_can_edit
from ..selectors import load_story
from ..twine.model import new_ifid
from ..validation import publishing_problems
from ._validation import applied, refuse_unknown, validate_fields
from .assets import delete_stored_files, stored_files
from .history import recorded, worded

SCENARIO_FIELDS = {"title", "description", "language", "tags", "is_published", "cover_image", "allow_back"}


def create_scenario(
    *,
    author: User,
    title: str,
    description: str = "",
    language: str = "en",
    tags: Iterable[str] = (),
    is_published: bool = False,
    allow_back: bool = True,
) -> Scenario:
    """A new, empty story owned by `author`.

    `is_published` is taken as given, as the old backend did: its editor sends `true` on every save,
    scenes or not. What keeps such a story from being played is reported (`publishing_problems`),
    never a refusal; `publish_scenario` is the strict, deliberate publish.
    """
    ensure_author(author)
    scenario = Scenario(
        author=author,
        title=(title or "").strip(),
        description=description or "",
        language=(language or "en").strip(),
        tags=_clean_tags(tags),
        ifid=new_ifid(),
        is_published=bool(is_published),
        allow_back=bool(allow_back),
    )
    scenario.slug = unique_slug(scenario.title)
    validate_fields(scenario)
    scenario.save()
    return scenario


def update_scenario(*, editor: User, scenario: Scenario, **changes) -> Scenario:
    """Change a story's own fields; `is_published` leniently, as `create_scenario` takes it."""
    ensure_can_edit(editor, scenario)
    refuse_unknown(changes, SCENARIO_FIELDS, "story")
    if "tags" in changes:
        changes["tags"] = _clean_tags(changes["tags"])
    if "title" in changes:
        changes["title"] = (changes["title"] or "").strip()
    if "is_published" in changes:
        changes["is_published"] = bool(changes["is_published"])
    if "allow_back" in changes:
        changes["allow_back"] = bool(changes["allow_back"])
    with applied(scenario, changes):
        check_scenario(scenario, publishing=False)
    with recorded(
        editor=editor, scenario_id=scenario.pk, kind="story", label=worded(gettext_noop("edit the story's details"))
    ) as journal:
        journal.watch_query("scenario", Scenario.objects.filter(pk=scenario.pk))
        scenario.save()
    return scenario


def publish_scenario(*, editor: User, scenario: Scenario) -> Scenario:
    """Publish a story an author deliberately asks to publish: refused while it cannot be played."""
    ensure_can_edit(editor, scenario)
    _ensure_publishable(scenario)
    return update_scenario(editor=editor, scenario=scenario, is_published=True)


def unpublish_scenario(*, editor: User, scenario: Scenario) -> Scenario:
    return update_scenario(editor=editor, scenario=scenario, is_published=False)


def delete_scenario(*, editor: User, scenario: Scenario) -> None:
    """Delete a story and everything it owns: scenes, choices, players' progress, its assets and their files."""
    ensure_can_edit(editor, scenario)
    files = stored_files(Asset.objects.filter(scenario=scenario))
    with transaction.atomic():
        PlayerProgress.objects.filter(scenario=scenario).delete()
        Choice.objects.filter(scenario=scenario).delete()
        Scene.objects.filter(scenario=scenario).delete()
        Asset.objects.filter(scenario=scenario).delete()  # other stories' scenes using them lose them
        scenario.delete()
    delete_stored_files(files)


def check_scenario(scenario: Scenario, *, publishing: bool) -> None:
    """The rules a story's own fields follow; a story being published must be playable."""
    validate_fields(scenario, exclude=() if scenario.slug else ("slug",))
    if publishing:
        _ensure_publishable(scenario)


def unique_slug(title: str) -> str:
    base = slugify(title)[:200] or "story"
    slug, number = base, 2
    while Scenario.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def _ensure_publishable(scenario: Scenario) -> None:
    story = load_story(scenario)
    problems = publishing_problems(story)
    if problems:
        listed = " ".join(problem.message for problem in problems)
        raise NotPlayable(f"“{scenario.title}” cannot be published yet. {listed}", story=story, problems=problems)


def _clean_tags(tags) -> list[str]:
    if isinstance(tags, str):
        tags = tags.split(",")
    cleaned = []
    for tag in tags or ():
        tag = str(tag).strip()
        if tag and tag not in cleaned:
            cleaned.append(tag)
    return cleaned
