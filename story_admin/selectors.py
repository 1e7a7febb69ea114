"""Reads of the story domain; each selector decides its query shape once."""

from collections import defaultdict
from dataclasses import dataclass

from bson import ObjectId
from bson.errors import InvalidId
from django.db import connection
from django.db.models import Q, QuerySet

from .exceptions import NotFound
from .models import Asset, Choice, PlayerProgress, PreviewLink, Scenario, Scene
from .permissions import can_edit_story, can_read_story, is_author
from .state.play import Availability, availability, state_of
from .state.schema import schema_of
from .story import ChoiceOutline, SceneOutline, Story
from .validation import StoryProblem, story_problems

MEDIA_FIELDS = ("image", "sound", "music")


def parse_object_id(value, *, what: str = "document") -> ObjectId:
    """An ObjectId from its 24-hex form, or NotFound naming what was looked for."""
    if isinstance(value, ObjectId):
        return value
    try:
        return ObjectId(str(value))
    except (InvalidId, TypeError):
        raise NotFound(f"No {what} has the id “{value}”.") from None


def get_scenario(scenario_id) -> Scenario:
    try:
        return Scenario.objects.get(pk=parse_object_id(scenario_id, what="story"))
    except Scenario.DoesNotExist:
        raise NotFound(f"No story has the id “{scenario_id}”.") from None


def get_scene(scene_id) -> Scene:
    try:
        return Scene.objects.select_related("scenario").get(pk=parse_object_id(scene_id, what="scene"))
    except Scene.DoesNotExist:
        raise NotFound(f"No scene has the id “{scene_id}”.") from None


def get_choice(choice_id) -> Choice:
    try:
        return Choice.objects.select_related("scenario").get(pk=parse_object_id(choice_id, what="choice"))
    except Choice.DoesNotExist:
        raise NotFound(f"No choice has the id “{choice_id}”.") from None


def _reading_order(document) -> tuple:
    return (document.order, document.created_at)


def load_story(scenario: Scenario) -> Story:
    """The whole story in three queries (four when a scene uses an asset of another story).

    Equality queries on the story, assembled in Python: no `$in` over scene ids, which
    is slow on the embedded server and gains nothing on real MongoDB.
    """
    scenes = list(Scene.objects.filter(scenario=scenario).order_by())
    choices = list(Choice.objects.filter(scenario=scenario).order_by())
    assets = {asset.pk: asset for asset in Asset.objects.filter(scenario=scenario)}
    return _assemble(scenario, scenes, choices, _with_borrowed_assets(assets, [scenario], scenes))


def load_story_outline(scenario: Scenario) -> Story:
    """The whole story as its map reads it, in two queries: scenes and choices as plain records (`SceneOutline`,
    `ChoiceOutline`: no text, no media, no model instances), assets left out. For the map page and map.json only;
    every other read goes through `load_story`.

    The ORM's read costs about twice the documents' own: its aggregate and field list, a model per document and a
    JSON dump and load of each JSONField (measured at 2,000 scenes and 4,000 choices on the embedded server). A plain
    `find` of whole documents is the cheap one there: a projection, even leaving out only the text, makes the embedded
    server slower (it builds each document twice)."""
    scenes = [SceneOutline(document) for document in _documents(Scene, scenario)]
    choices = [ChoiceOutline(document) for document in _documents(Choice, scenario)]
    scenes.sort(key=_reading_order)
    choices.sort(key=_reading_order)
    return Story(scenario=scenario, scenes=scenes, choices=choices)


def _documents(model, scenario: Scenario):
    """The stored documents of the story's scenes or choices (the same filter as `model.objects.filter(scenario=…)`)."""
    collection = connection.get_collection(model._meta.db_table)
    return collection.find({model._meta.get_field("scenario").column: scenario.pk}, session=connection.session)


def load_stories(scenarios: list[Scenario]) -> dict[ObjectId, Story]:
    """Several whole stories in the queries of one (an `$in` over the few story ids): lists never query per story."""
    scenarios = list({scenario.pk: scenario for scenario in scenarios}.values())
    if len(scenarios) <= 1:
        return {scenario.pk: load_story(scenario) for scenario in scenarios}
    ids = [scenario.pk for scenario in scenarios]
    scenes, choices = defaultdict(list), defaultdict(list)
    for scene in Scene.objects.filter(scenario_id__in=ids).order_by():
        scenes[scene.scenario_id].append(scene)
    for choice in Choice.objects.filter(scenario_id__in=ids).order_by():
        choices[choice.scenario_id].append(choice)
    assets = {asset.pk: asset for asset in Asset.objects.filter(scenario_id__in=ids)}
    every_scene = [scene for listed in scenes.values() for scene in listed]
    assets = _with_borrowed_assets(assets, scenarios, every_scene)
    return {
        scenario.pk: _assemble(scenario, scenes[scenario.pk], choices[scenario.pk], assets) for scenario in scenarios
    }


def _with_borrowed_assets(assets: dict, scenarios: list[Scenario], scenes: list[Scene]) -> dict:
    """Add the assets scenes or covers use from elsewhere (another story's, an unattached upload): one query."""
    missing = {getattr(scene, f"{name}_id") for scene in scenes for name in MEDIA_FIELDS}
    missing |= {scenario.cover_image_id for scenario in scenarios}
    missing -= set(assets) | {None}
    if missing:
        assets = {**assets, **{asset.pk: asset for asset in Asset.objects.filter(pk__in=missing)}}
    return assets


def _assemble(scenario: Scenario, scenes: list[Scene], choices: list[Choice], assets: dict) -> Story:
    # Sorted here rather than by the server: the embedded one sorts in Python, far slower.
    scenes.sort(key=_reading_order)
    choices.sort(key=_reading_order)
    used = {getattr(scene, f"{name}_id") for scene in scenes for name in MEDIA_FIELDS} | {scenario.cover_image_id}
    story = Story(
        scenario=scenario,
        scenes=scenes,
        choices=choices,
        assets={pk: asset for pk, asset in assets.items() if asset.scenario_id == scenario.pk or pk in used},
    )
    for scene in scenes:
        Scene.scenario.field.set_cached_value(scene, scenario)
        _attach_media(scene, assets)
    for choice in choices:
        Choice.scenario.field.set_cached_value(choice, scenario)
        Choice.from_scene.field.set_cached_value(choice, story.scenes_by_id.get(choice.from_scene_id))
        Choice.to_scene.field.set_cached_value(choice, story.scenes_by_id.get(choice.to_scene_id))
    return story


def _attach_media(scene: Scene, assets: dict) -> None:
    """The scene's image, sound and music from `assets` (read already), so that reading them sends no query."""
    for name in MEDIA_FIELDS:
        asset_id = getattr(scene, f"{name}_id")
        Scene._meta.get_field(name).set_cached_value(scene, assets.get(asset_id) if asset_id else None)


def stories_for_author(user) -> QuerySet[Scenario]:
    """The stories an author may edit: their own, or all for a superuser."""
    if not is_author(user):
        return Scenario.objects.none()
    stories = Scenario.objects.all()
    return stories if user.is_superuser else stories.filter(author=user)


def readable_stories(user) -> QuerySet[Scenario]:
    """Published stories, plus the drafts the user may edit."""
    if not is_author(user):
        return Scenario.objects.filter(is_published=True)
    if user.is_superuser:
        return Scenario.objects.all()
    return Scenario.objects.filter(Q(is_published=True) | Q(author=user))


OUTSIDE_DRAFTS = Q(scenario__isnull=True) | Q(scenario__is_published=True)


def _used_by_published_stories() -> Q:
    """Assets a published story shows: a scene's image, narration or music, or its cover."""
    scenes = Scene.objects.filter(scenario__is_published=True)
    covers = Scenario.objects.filter(is_published=True, cover_image__isnull=False)
    return (
        Q(pk__in=scenes.values("image"))
        | Q(pk__in=scenes.values("sound"))
        | Q(pk__in=scenes.values("music"))
        | Q(pk__in=covers.values("cover_image"))
    )


def public_assets() -> QuerySet[Asset]:
    """What anyone may see: public assets outside drafts, and whatever a published story shows.

    A private asset (generated without a scene, uploaded) stays private until a published story uses it.
    """
    return Asset.objects.filter(_public())


def _public() -> Q:
    return (Q(is_public=True) & OUTSIDE_DRAFTS) | _used_by_published_stories()


def visible_assets(user, *, preview: PreviewLink | None = None) -> QuerySet[Asset]:
    """The one rule for who sees an asset: the public ones, the user's own uploads (not in another's draft)
    and the assets of the stories they edit; through an active preview link, the previewed story's too.
    Every read and every write that takes an asset id asks it."""
    previewed = Q(scenario_id=preview.scenario_id) if preview is not None and preview.is_active else None
    if not is_author(user):
        return Asset.objects.filter(_public() | previewed) if previewed else public_assets()
    if user.is_superuser:
        return Asset.objects.all()
    seen = (
        (Q(is_public=True) & OUTSIDE_DRAFTS)
        | _used_by_published_stories()
        | Q(scenario__author=user)
        | (Q(uploaded_by=user) & OUTSIDE_DRAFTS)
    )
    return Asset.objects.filter(seen | previewed if previewed else seen)


def get_visible_asset(user, asset_id, *, what: str = "asset") -> Asset:
    """The asset with this id if the user may see it; NotFound otherwise, exactly as for a missing id."""
    asset = visible_assets(user).filter(pk=parse_object_id(asset_id, what=what)).first()
    if asset is None:
        raise NotFound(f"No {what} has the id “{asset_id}”.")
    return asset


def get_readable_story(user, scenario_id) -> Scenario:
    """A story the user may read; another author's draft is reported missing, not forbidden."""
    scenario = Scenario.objects.select_related("author").filter(pk=parse_object_id(scenario_id, what="story")).first()
    if scenario is None or not can_read_story(user, scenario):
        raise NotFound(f"No story has the id “{scenario_id}”.")
    return scenario


def visible_progress(user) -> QuerySet[PlayerProgress]:
    """Progress a user may see: their own in the stories they may read, and all of it in the stories they edit.

    A player's progress in a story that was unpublished since is hidden with the story.
    """
    if not getattr(user, "is_authenticated", False):
        return PlayerProgress.objects.none()
    if user.is_superuser:
        return PlayerProgress.objects.all()
    own = Q(user=user) & Q(scenario__in=readable_stories(user).values("pk"))
    if not is_author(user):
        return PlayerProgress.objects.filter(own)
    return PlayerProgress.objects.filter(own | Q(scenario__in=stories_for_author(user).values("pk")))


@dataclass(frozen=True)
class StorySummary:
    scene_count: int
    ending_count: int
    problem_count: int
    blocking_count: int = 0
    is_published: bool = False

    @property
    def not_playable(self) -> bool:
        """Published (the old editor publishes on every save) while players cannot play it."""
        return self.is_published and self.blocking_count > 0


@dataclass(frozen=True)
class PublishingReview:
    """What a deliberate publish would refuse (`blocking`) and what players may still meet (`warnings`)."""

    blocking: list[StoryProblem]
    warnings: list[StoryProblem]


def review_publishing(scenario: Scenario) -> PublishingReview:
    problems = story_problems(load_story(scenario))
    return PublishingReview(
        blocking=[problem for problem in problems if problem.blocks_publishing],
        warnings=[problem for problem in problems if not problem.blocks_publishing],
    )


def summarize_stories(scenarios: list[Scenario]) -> dict[ObjectId, StorySummary]:
    """Counts and problems for a page of stories (dashboards, changelists) in two queries."""
    if not scenarios:
        return {}
    ids = [scenario.pk for scenario in scenarios]
    scenes, choices = defaultdict(list), defaultdict(list)
    for scene in Scene.objects.filter(scenario_id__in=ids):
        scenes[scene.scenario_id].append(scene)
    for choice in Choice.objects.filter(scenario_id__in=ids):
        choices[choice.scenario_id].append(choice)
    summaries = {}
    for scenario in scenarios:
        story = Story(scenario=scenario, scenes=scenes[scenario.pk], choices=choices[scenario.pk])
        problems = story_problems(story)
        summaries[scenario.pk] = StorySummary(
            scene_count=len(story.scenes),
            ending_count=len(story.endings),
            problem_count=len(problems),
            blocking_count=sum(problem.blocks_publishing for problem in problems),
            is_published=scenario.is_published,
        )
    return summaries


def choices_for_player(progress: PlayerProgress, story: Story) -> list[Availability]:
    """The choices of the player's current scene that they may see: available ones, and those whose
    condition fails but whose author gave a reason (shown disabled); the others stay hidden."""
    scene = story.scenes_by_id.get(progress.current_scene_id)
    if scene is None:
        return []
    schema = schema_of(story.scenario)
    state = state_of(progress.state, schema)
    verdicts = (
        availability(choice, schema, state)
        for choice in story.choices_from(scene)
        if choice.to_scene_id in story.scenes_by_id
    )
    return [verdict for verdict in verdicts if verdict.shown]


@dataclass
class StoryPart(Story):
    """The part of a story one step of a player reads (`load_step`): a `Story` holding some scenes and choices.

    Only the scene `reached` is complete (its choices, the scenes they lead to); `endings` are the story's when
    the step read them. Anything else needs the whole story (`load_story`).
    """

    reached: ObjectId | None = None


def load_step(
    scenario: Scenario,
    *,
    from_scene_id: ObjectId | None,
    choice_id: ObjectId | None = None,
    to_scene_id: ObjectId | None = None,
    endings: bool = False,
    media: bool = False,
) -> StoryPart:
    """What a player's step from `from_scene_id` reads, not the whole story: the choices of the scene it leaves
    (the one taken among them), the scene it leads to, that scene's choices and the scenes they lead to (which of
    them a player sees), with `endings` the story's endings ("N of M endings found"), with `media` the assets of
    the scene reached.

    Two commands (three with media), equality on indexed fields and `$in` over a few ids, at any size of story.
    When only the choice is known, its target is not: the story's choices are one read (equality on the story),
    rather than two reads one after the other.
    """
    around = Choice.objects.filter(scenario=scenario).order_by()
    if to_scene_id is not None:
        around = around.filter(from_scene_id__in=[scene_id for scene_id in {from_scene_id, to_scene_id} if scene_id])
    choices = list(around)
    leaving = sorted((choice for choice in choices if choice.from_scene_id == from_scene_id), key=_reading_order)
    taken = next((choice for choice in leaving if choice.pk == choice_id), None) if choice_id else None
    if taken is None and choice_id is None and to_scene_id is not None:
        taken = next((choice for choice in leaving if choice.to_scene_id == to_scene_id), None)
    target = to_scene_id or (taken.to_scene_id if taken else None)
    scenes = []
    if target is not None:
        wanted = {target} | {choice.to_scene_id for choice in choices if choice.from_scene_id == target} - {None}
        shown = Q(pk__in=list(wanted)) | Q(is_end_scene=True) if endings else Q(pk__in=list(wanted))
        scenes = list(Scene.objects.filter(shown, scenario=scenario).order_by())
    scenes.sort(key=_reading_order)
    choices.sort(key=_reading_order)
    by_id = {scene.pk: scene for scene in scenes}
    assets = {}
    reached = by_id.get(target)
    if media and reached is not None:
        asset_ids = {getattr(reached, f"{name}_id") for name in MEDIA_FIELDS} - {None}
        assets = {asset.pk: asset for asset in Asset.objects.filter(pk__in=list(asset_ids))} if asset_ids else {}
        _attach_media(reached, assets)
    for scene in scenes:
        Scene.scenario.field.set_cached_value(scene, scenario)
    for choice in choices:
        Choice.scenario.field.set_cached_value(choice, scenario)
        if choice.from_scene_id in by_id:
            Choice.from_scene.field.set_cached_value(choice, by_id[choice.from_scene_id])
        # The targets of the taken choice and of the reached scene's choices were read: one missing is gone (or in
        # another story), as a whole story would say.
        read_target = choice.from_scene_id == target or (choice is taken and choice.to_scene_id == target)
        if choice.to_scene_id in by_id or choice.to_scene_id is None or read_target:
            Choice.to_scene.field.set_cached_value(choice, by_id.get(choice.to_scene_id))
    return StoryPart(
        scenario=scenario,
        scenes=scenes,
        choices=choices,
        assets=assets,
        reached=target if reached is not None else None,
    )


STUCK = "There is no way on from here yet: the author has not finished this part of the story. Go back, or restart."


def stuck_message(progress: PlayerProgress, story: Story) -> str:
    """What to tell a player whose scene is not an ending and offers no choice they may take ("" otherwise)."""
    scene = story.scenes_by_id.get(progress.current_scene_id)
    if scene is None or scene.is_end_scene:
        return ""
    if any(verdict.available for verdict in choices_for_player(progress, story)):
        return ""
    return STUCK


# The reading site ------------------------------------------------------------------------------

WORDS_PER_MINUTE = 200
LIBRARY_PAGE = 48


@dataclass(frozen=True)
class LibraryEntry:
    """A published story as the library lists it."""

    scenario: Scenario
    cover: Asset | None
    scene_count: int
    ending_count: int
    reading_minutes: int


@dataclass(frozen=True)
class Library:
    entries: list[LibraryEntry]
    languages: list[str]
    tags: list[str]
    total: int


def _matches(scenario: Scenario, search: str) -> bool:
    words = search.casefold().split()
    text = " ".join([scenario.title, scenario.description, *scenario.tags]).casefold()
    return all(word in text for word in words)


def published_library(*, search: str = "", language: str = "", tag: str = "") -> Library:
    """Published stories matching the search (every word in the title, description or tags), language and tag,
    newest first, with the languages and tags there are to filter by: three queries at any size of page."""
    published = list(Scenario.objects.filter(is_published=True).order_by())
    published.sort(key=lambda scenario: scenario.updated_at, reverse=True)
    languages = sorted({scenario.language for scenario in published if scenario.language})
    tags = sorted({name for scenario in published for name in scenario.tags}, key=str.casefold)
    chosen = [
        scenario
        for scenario in published
        if (not language or scenario.language == language)
        and (not tag or tag in scenario.tags)
        and (not search or _matches(scenario, search))
    ]
    shown = chosen[:LIBRARY_PAGE]
    words, scenes, endings = defaultdict(int), defaultdict(int), defaultdict(int)
    if shown:
        for scene in Scene.objects.filter(scenario_id__in=[scenario.pk for scenario in shown]).order_by():
            scenes[scene.scenario_id] += 1
            endings[scene.scenario_id] += scene.is_end_scene
            words[scene.scenario_id] += len(scene.text.split())
    cover_ids = {scenario.cover_image_id for scenario in shown} - {None}
    covers = {asset.pk: asset for asset in Asset.objects.filter(pk__in=cover_ids)} if cover_ids else {}
    entries = [
        LibraryEntry(
            scenario=scenario,
            cover=covers.get(scenario.cover_image_id),
            scene_count=scenes[scenario.pk],
            ending_count=endings[scenario.pk],
            reading_minutes=max(1, -(-words[scenario.pk] // WORDS_PER_MINUTE)),
        )
        for scenario in shown
    ]
    return Library(entries=entries, languages=languages, tags=tags, total=len(chosen))


def story_card(story: Story) -> LibraryEntry:
    """The library's facts about one loaded story (its page shows them): no query."""
    words = sum(len(scene.text.split()) for scene in story.scenes)
    return LibraryEntry(
        scenario=story.scenario,
        cover=story.assets.get(story.scenario.cover_image_id),
        scene_count=len(story.scenes),
        ending_count=len(story.endings),
        reading_minutes=max(1, -(-words // WORDS_PER_MINUTE)),
    )


def get_published_story(slug: str) -> Scenario:
    """A published story by its address; a draft is missing, exactly like a wrong address."""
    scenario = Scenario.objects.filter(slug=slug, is_published=True).first()
    if scenario is None:
        raise NotFound(f"No story is published at “{slug}”.")
    return scenario


def get_preview_link(token: str) -> PreviewLink:
    """The active preview link with this token, with its story; a revoked one is missing."""
    link = PreviewLink.objects.select_related("scenario").filter(token=token, revoked_at__isnull=True).first()
    if link is None:
        raise NotFound("This preview link does not exist or was revoked.")
    return link


def get_preview_link_of(user, scenario: Scenario, link_id) -> PreviewLink:
    """One preview link of a story the user edits (to revoke it), or NotFound."""
    link = PreviewLink.objects.filter(pk=parse_object_id(link_id, what="preview link"), scenario=scenario).first()
    if link is None or not can_edit_story(user, scenario):
        raise NotFound(f"No preview link has the id “{link_id}”.")
    PreviewLink.scenario.field.set_cached_value(link, scenario)
    return link


def preview_links_of(user, scenario: Scenario) -> list[PreviewLink]:
    """The active preview links of a story, for its author (nobody else sees them)."""
    if not can_edit_story(user, scenario):
        return []
    return list(PreviewLink.objects.filter(scenario=scenario, revoked_at__isnull=True))


def progress_in(player, scenario: Scenario) -> PlayerProgress | None:
    """The signed-in player's own progress in a story, if they started it."""
    if not getattr(player, "is_authenticated", False):
        return None
    progress = PlayerProgress.objects.filter(user=player, scenario=scenario).first()
    if progress is not None:
        PlayerProgress.scenario.field.set_cached_value(progress, scenario)
    return progress


@dataclass(frozen=True)
class PlayedStory:
    progress: PlayerProgress
    scenario: Scenario
    scene: Scene | None
    ending_count: int

    @property
    def endings_found(self) -> int:
        return len(self.progress.endings_found or [])


def stories_played(player) -> list[PlayedStory]:
    """The player's stories (published ones, or played through a preview), last played first: three queries."""
    if not getattr(player, "is_authenticated", False):
        return []
    progress = list(PlayerProgress.objects.select_related("scenario").filter(user=player).order_by())
    progress = [entry for entry in progress if entry.scenario.is_published or entry.is_preview]
    progress.sort(key=lambda entry: entry.updated_at, reverse=True)
    if not progress:
        return []
    scene_ids = {entry.current_scene_id for entry in progress} - {None}
    scenes = {scene.pk: scene for scene in Scene.objects.filter(pk__in=scene_ids)} if scene_ids else {}
    endings = defaultdict(int)
    for scene in Scene.objects.filter(scenario_id__in=[entry.scenario_id for entry in progress], is_end_scene=True):
        endings[scene.scenario_id] += 1
    return [
        PlayedStory(
            progress=entry,
            scenario=entry.scenario,
            scene=scenes.get(entry.current_scene_id),
            ending_count=endings[entry.scenario_id],
        )
        for entry in progress
    ]


@dataclass(frozen=True)
class ShownVariable:
    name: str
    value: object
    description: str


@dataclass(frozen=True)
class ShownItem:
    name: str
    description: str


@dataclass(frozen=True)
class Reading:
    """What a player sees of their progress: the scene, the choices they may see, their visible state, the ending."""

    scene: Scene | None
    choices: list[Availability]
    has_state: bool
    variables: list[ShownVariable]
    items: list[ShownItem]
    is_ending: bool
    endings_found: int
    ending_count: int
    can_go_back: bool
    stuck: str


def reading_of(progress: PlayerProgress, story: Story) -> Reading:
    """The player's view of `progress` in the loaded `story` (no query)."""
    scene = story.scenes_by_id.get(progress.current_scene_id)
    schema = schema_of(story.scenario)
    state = state_of(progress.state, schema)
    shown = [variable for variable in schema.variables.values() if variable.visible]
    described = {item["name"]: item.get("description", "") for item in story.scenario.items or []}
    ending_ids = {str(ending.pk) for ending in story.endings}
    return Reading(
        scene=scene,
        choices=choices_for_player(progress, story),
        has_state=bool(shown or described),
        variables=[
            ShownVariable(variable.name, state.variables.get(variable.name, variable.initial), variable.description)
            for variable in shown
        ],
        items=[ShownItem(name, described.get(name, "")) for name in state.items],
        is_ending=bool(scene and scene.is_end_scene),
        # With the path's own endings: progress from before `endings_found` (or imported) still counts them.
        endings_found=len(
            ending_ids & ({*(progress.endings_found or [])} | {entry.scene_id for entry in progress.history})
        ),
        ending_count=len(ending_ids),
        can_go_back=story.scenario.allow_back and len(progress.history) > 1,
        stuck=stuck_message(progress, story),
    )


def title_key(title: str) -> str:
    """A scene title as uniqueness sees it: case and extra spaces aside."""
    return " ".join((title or "").split()).casefold()


def scene_by_title(*, scenario_id, title: str) -> Scene | None:
    key = title_key(title)
    return (
        next((scene for scene in Scene.objects.filter(scenario_id=scenario_id) if title_key(scene.title) == key), None)
        if key
        else None
    )


def scene_titles_matching(*, scenario_id, query: str, limit: int = 20) -> list[str]:
    """Titles for the target picker: those starting with the query first, then those containing it."""
    key = title_key(query)
    titles = sorted(Scene.objects.filter(scenario_id=scenario_id).values_list("title", flat=True), key=str.casefold)
    if not key:
        return titles[:limit]
    starting = [title for title in titles if title_key(title).startswith(key)]
    containing = [title for title in titles if key in title_key(title) and title not in starting]
    return (starting + containing)[:limit]


def scenes_matching(*, scenario_id, query: str) -> list[Scene]:
    """The scenes whose title, text or one of whose choice labels contains the query (case and extra spaces
    aside), in reading order: the map's search and its list without JavaScript. Two equality queries."""
    needle = title_key(query)
    if not needle:
        return []
    labelled = {
        from_scene_id
        for from_scene_id, text in Choice.objects.filter(scenario_id=scenario_id)
        .order_by()
        .values_list("from_scene_id", "text")
        if needle in title_key(text)
    }
    scenes = sorted(
        Scene.objects.filter(scenario_id=scenario_id).order_by().only("title", "text", "order", "created_at"),
        key=_reading_order,
    )
    return [
        scene
        for scene in scenes
        if needle in title_key(scene.title) or needle in title_key(scene.text) or scene.pk in labelled
    ]
