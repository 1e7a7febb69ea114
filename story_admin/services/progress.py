"""Players' progress: start a story, move along its choices, go back, finish.

Every step is one conditional write over the version of the progress it read: of two steps fired
at the same instant from one progress, exactly one is written and the other is refused.

A guest (a player without an account, on the reading site) gets a progress that is never saved
(`start_guest_progress`): the same steps move it, and its holder keeps it (the reader: in the
session, through `guest_progress_document`). Signing up or in keeps it (`keep_guest_progress`).
A play through a private preview link (`preview`) may play a draft, and is marked `is_preview`.
"""

import secrets
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime

from bson import ObjectId
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError
from django.utils import timezone

from ..analytics import counters
from ..exceptions import NotFound, PermissionDenied, StoryRuleError
from ..models import Choice, HistoryEntry, PlayerProgress, PreviewLink, Scenario, Scene, User
from ..permissions import ensure_can_read
from ..state.engine import visits_along
from ..state.play import NOT_NOW, arrive, availability, dice_for, state_of, take
from ..state.schema import schema_of

# A pause longer than this between two steps is time away from the story, not reading time.
MAX_STEP_SECONDS = 30 * 60
MOVED_ON = (
    "Your progress in this story changed meanwhile (another tab or device made a move): "
    "reload the story to see where you are, then choose again."
)
GONE = "This story or scene was deleted meanwhile: it can no longer be played."
PREVIEW_GONE = "This preview link was revoked: ask the author for a new one."
# What a guest's progress carries into the player's own when they sign up or in.
KEPT_FIELDS = (
    "current_scene_id",
    "history",
    "is_completed",
    "completed_at",
    "total_time_spent",
    "state",
    "seed",
    "steps_taken",
    "is_preview",
)


@contextmanager
def _still_there():
    """A story, scene or choice deleted while a step was under way is missing (NotFound), not a crash."""
    try:
        yield
    except ObjectDoesNotExist:
        raise NotFound(GONE) from None


def _write(progress: PlayerProgress, **fields) -> PlayerProgress:
    """Write these fields only if the stored progress is still the version read; refuse a lost race."""
    read = progress.version
    fields["updated_at"] = timezone.now()
    if progress.pk is None:  # a guest's progress: its holder keeps it, nothing is written here
        for name, value in fields.items():
            setattr(progress, name, value)
        progress.version = read + 1
        return progress
    if not PlayerProgress.objects.filter(pk=progress.pk, version=read).update(**fields, version=read + 1):
        if not PlayerProgress.objects.filter(pk=progress.pk).exists():
            raise NotFound(GONE)
        raise StoryRuleError(MOVED_ON)
    before = counters.Played.of(progress)  # the version read is the one written over
    for name, value in fields.items():
        setattr(progress, name, value)
    progress.version = read + 1
    counters.moved(before, progress, scenario=progress.scenario)
    return progress


def ensure_can_play(player, scenario: Scenario, preview: PreviewLink | None = None) -> None:
    """A published story (or a draft its author may edit), or any story through its active preview link."""
    if preview is None:
        ensure_can_read(player, scenario)
    elif (
        preview.scenario_id != scenario.pk
        or not PreviewLink.objects.filter(pk=preview.pk, revoked_at__isnull=True).exists()
    ):
        raise NotFound(PREVIEW_GONE)


def _start_scene(scenario: Scenario) -> Scene:
    start = Scene.objects.filter(scenario=scenario, is_start_scene=True).order_by("order").first()
    if start is None:
        raise StoryRuleError(f"“{scenario.title}” has no start scene yet, so it cannot be played.")
    return start


def start_progress(
    *, player: User, scenario: Scenario, restart: bool = False, preview: PreviewLink | None = None
) -> PlayerProgress:
    """The player's progress in a story, created at its start scene (or reset there with `restart`)."""
    ensure_can_play(player, scenario, preview)
    start = _start_scene(scenario)
    progress = PlayerProgress.objects.filter(user=player, scenario=scenario).first()
    if progress is not None:
        PlayerProgress.scenario.field.set_cached_value(progress, scenario)  # its caller's next read: not again
    if progress is not None and not restart:
        return progress
    if progress is None:
        progress = PlayerProgress(user=player, scenario=scenario, is_preview=preview is not None)
        _reset(progress, start, scenario)
        try:
            progress.save()
        except IntegrityError:  # the same player started it at the same instant (a double click): theirs stands
            return PlayerProgress.objects.get(user=player, scenario=scenario)
        counters.moved(None, progress, scenario=scenario)
        return progress
    marked = {"is_preview": True} if preview is not None else {}
    return _write(progress, **_start_fields(start, scenario), **marked)


def start_guest_progress(
    *, scenario: Scenario, preview: PreviewLink | None = None, previous: PlayerProgress | None = None
) -> PlayerProgress:
    """A guest's progress at the story's start, never saved; a restart (`previous`) keeps the endings found."""
    ensure_can_play(AnonymousUser(), scenario, preview)
    start = _start_scene(scenario)
    progress = PlayerProgress(
        scenario=scenario,
        is_preview=preview is not None or bool(previous and previous.is_preview),
        endings_found=list(previous.endings_found) if previous else [],
        version=previous.version + 1 if previous else 0,
    )
    _reset(progress, start, scenario)
    progress.updated_at = timezone.now()
    return progress


def advance(
    *,
    player: User,
    progress: PlayerProgress,
    to_scene: Scene,
    choice: Choice | None = None,
    metadata: dict | None = None,
    preview: PreviewLink | None = None,
) -> PlayerProgress:
    """Move the player along a choice of their current scene.

    With no choice given, the move is allowed when a choice of the current scene leads to
    `to_scene`, and that choice is recorded.
    """
    with _still_there():
        ensure_own_progress(player, progress)
        ensure_can_play(player, progress.scenario, preview)
        if progress.current_scene_id is None:
            raise StoryRuleError("This progress has no current scene: restart the story.")
        if progress.is_completed:
            raise StoryRuleError("This story is finished: go back or restart to play again.")
        if metadata is not None and not isinstance(metadata, dict):
            raise StoryRuleError("Metadata must be a JSON object.")
        leaving = Choice.objects.filter(from_scene_id=progress.current_scene_id)
        if choice is None:
            choice = leaving.filter(to_scene=to_scene).order_by("order").first()
            if choice is None:
                raise StoryRuleError("No choice of the current scene leads to that scene.")
        elif choice.from_scene_id != progress.current_scene_id:
            raise StoryRuleError("That choice does not belong to the player's current scene.")
        elif choice.to_scene_id != to_scene.pk:
            raise StoryRuleError("That choice does not lead to that scene.")
        schema = schema_of(progress.scenario)
        state = state_of(progress.state, schema)
        verdict = availability(choice, schema, state)
        if not verdict.available:
            raise StoryRuleError(verdict.reason or NOT_NOW)
        # Without rerolls, a step retaken after going back rolls what it rolled the first time.
        roll = progress.steps_taken + 1 if progress.scenario.allow_rerolls else len(progress.history)
        state = take(choice, to_scene, schema, state, dice_for(progress.seed, roll))

    now = timezone.now()
    last_step = progress.history[-1].timestamp if progress.history else progress.updated_at
    spent = progress.total_time_spent
    if last_step:
        spent += int(min(max((now - last_step).total_seconds(), 0), MAX_STEP_SECONDS))
    step = HistoryEntry(
        scene_id=str(to_scene.pk),
        choice_id=str(choice.pk),
        timestamp=now,
        metadata=metadata or {},
        state=state.step_document(),
    )
    ending = to_scene.is_end_scene
    found = list(progress.endings_found or [])
    if ending and str(to_scene.pk) not in found:
        found.append(str(to_scene.pk))
    return _write(
        progress,
        history=[*progress.history, step],
        current_scene_id=to_scene.pk,
        total_time_spent=spent,
        is_completed=ending or progress.is_completed,
        completed_at=now if ending else progress.completed_at,
        state=state.document(),
        steps_taken=progress.steps_taken + 1,
        endings_found=found,
    )


def choose(
    *,
    player: User,
    progress: PlayerProgress,
    choice: Choice,
    metadata: dict | None = None,
    preview: PreviewLink | None = None,
) -> PlayerProgress:
    """Follow one choice of the current scene."""
    with _still_there():
        to_scene = choice.to_scene
    if to_scene is None:
        raise StoryRuleError("That choice leads nowhere yet.")
    return advance(
        player=player, progress=progress, to_scene=to_scene, choice=choice, metadata=metadata, preview=preview
    )


BACK_NOT_ALLOWED = "The author of this story does not let players go back: every choice is final."


def go_back(
    *, player: User, progress: PlayerProgress, steps: int, preview: PreviewLink | None = None
) -> PlayerProgress:
    """Undo the last `steps` moves; the start scene is as far back as one can go."""
    ensure_own_progress(player, progress)
    with _still_there():
        ensure_can_play(player, progress.scenario, preview)
    if not progress.scenario.allow_back:
        raise StoryRuleError(BACK_NOT_ALLOWED)
    if not isinstance(steps, int) or steps < 1:
        raise StoryRuleError("Go back at least one step.")
    available = max(len(progress.history) - 1, 0)
    if not available:
        raise StoryRuleError("You are at the start: there is no step to go back to.")
    if steps > available:
        raise StoryRuleError(
            f"You can go back at most {available} step{'s' if available != 1 else ''}: the start is as far as it goes."
        )
    history = progress.history[:-steps]
    # The entry keeps variables and items; the visits are the path's scenes up to it, counted again.
    state = {**(history[-1].state or {}), "visits": visits_along(entry.scene_id for entry in history)}
    return _write(
        progress,
        history=history,
        current_scene_id=ObjectId(history[-1].scene_id),
        is_completed=False,
        completed_at=None,
        state=state,
        steps_taken=progress.steps_taken + 1,
    )


def set_time_spent(*, player: User, progress: PlayerProgress, seconds: int) -> PlayerProgress:
    ensure_own_progress(player, progress)
    with _still_there():
        ensure_can_read(player, progress.scenario)
    if not isinstance(seconds, int) or seconds < 0:
        raise StoryRuleError("Time spent must be a whole number of seconds, zero or more.")
    before = counters.Played.of(progress)
    progress.total_time_spent = seconds
    progress.save(update_fields=["total_time_spent", "updated_at"])
    counters.moved(before, progress, scenario=progress.scenario)
    return progress


def progress_percentage(progress: PlayerProgress, *, scene_count: int | None = None) -> float:
    """Share of the story's scenes this player has visited, 0-100."""
    if scene_count is None:
        scene_count = Scene.objects.filter(scenario_id=progress.scenario_id).count()
    if not scene_count:
        return 0.0
    visited = {entry.scene_id for entry in progress.history}
    return round(min(len(visited), scene_count) * 100.0 / scene_count, 1)


def _start_fields(start: Scene, scenario: Scenario) -> dict:
    """At the start: a new seed for the dice, the declared initial state, then the start scene's effects."""
    now, seed = timezone.now(), secrets.randbits(62)
    schema = schema_of(scenario)
    state = arrive(start, schema, schema.initial_state(), dice_for(seed, 0))
    return {
        "current_scene_id": start.pk,
        "history": [HistoryEntry(scene_id=str(start.pk), timestamp=now, state=state.step_document())],
        "is_completed": start.is_end_scene,
        "completed_at": now if start.is_end_scene else None,
        "total_time_spent": 0,
        "state": state.document(),
        "seed": seed,
        "steps_taken": 0,
    }


def _reset(progress: PlayerProgress, start: Scene, scenario: Scenario) -> None:
    for name, value in _start_fields(start, scenario).items():
        setattr(progress, name, value)


def ensure_own_progress(player: User, progress: PlayerProgress) -> None:
    if progress.pk is None and progress.user_id is None:
        return  # a guest's progress (never saved) belongs to whoever holds it
    if not player.is_authenticated or (progress.user_id != player.pk and not player.is_superuser):
        raise PermissionDenied("This progress belongs to another player.")


def send_players_back(scenario: Scenario, scene_pk: ObjectId) -> None:
    """Before a scene is deleted: its players go back to the story's (other) start scene, or lose their progress
    when there is none."""
    start = Scene.objects.filter(scenario=scenario, is_start_scene=True).exclude(pk=scene_pk).first()
    players_here = PlayerProgress.objects.filter(scenario=scenario, current_scene_id=scene_pk)
    stored_here = {"scenario_id": scenario.pk, "current_scene_id": scene_pk}
    if start is None:
        counters.changed_where(stored_here, lambda played: None)
        players_here.delete()
        return
    counters.changed_where(stored_here, lambda played: replace(played, current_scene_id=start.pk, is_completed=False))
    players_here.update(current_scene=start, is_completed=False, completed_at=None)


def delete_progress(*, player: User, progress: PlayerProgress) -> None:
    ensure_own_progress(player, progress)
    before = counters.Played.of(progress)
    progress.delete()
    counters.moved(before, None, scenario=progress.scenario)


def keep_guest_progress(*, player: User, guest: PlayerProgress) -> PlayerProgress:
    """On sign-up or sign-in: what a guest played becomes the player's progress in that story, never a second one.

    The player's stored progress takes the guest's path when the guest moved after it was last written
    (the path just played wins over an older one; a guest who only opened the story changes nothing);
    the endings found on both are kept.
    """
    if not player.is_authenticated:
        raise PermissionDenied("Sign in to keep your progress.")
    kept = {name: getattr(guest, name) for name in KEPT_FIELDS}
    stored = PlayerProgress.objects.filter(user=player, scenario_id=guest.scenario_id).first()
    if stored is None:
        progress = PlayerProgress(
            user=player,
            scenario_id=guest.scenario_id,
            endings_found=list(guest.endings_found),
            created_at=guest.created_at,
            **kept,
        )
        try:
            progress.save()
        except IntegrityError:  # another request of this player saved one meanwhile: merge into it
            stored = PlayerProgress.objects.get(user=player, scenario_id=guest.scenario_id)
        else:
            counters.moved(None, progress, scenario=guest.scenario)
            return progress
    PlayerProgress.scenario.field.set_cached_value(stored, guest.scenario)  # counted with its story's author
    found = list(stored.endings_found or [])  # progress from before the field: none recorded
    endings = [*found, *(ending for ending in guest.endings_found if ending not in found)]
    guest_is_newer = guest.steps_taken > 0 and (stored.updated_at is None or guest.updated_at > stored.updated_at)
    if guest_is_newer:
        return _write(stored, **kept, endings_found=endings)
    if endings != found:
        return _write(stored, endings_found=endings)
    return stored


def _moment(value) -> str | None:
    return value.isoformat() if value else None


def _parsed(value) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def guest_progress_document(progress: PlayerProgress) -> dict:
    """A guest's progress as JSON, for its holder to keep (the reader: in the session)."""
    return {
        "scenario": str(progress.scenario_id),
        "current_scene": str(progress.current_scene_id or ""),
        "history": [
            {
                "scene_id": entry.scene_id,
                "choice_id": entry.choice_id,
                "timestamp": _moment(entry.timestamp),
                "metadata": entry.metadata,
                "state": entry.state,
            }
            for entry in progress.history
        ],
        "is_completed": progress.is_completed,
        "completed_at": _moment(progress.completed_at),
        "total_time_spent": progress.total_time_spent,
        "state": progress.state,
        "seed": progress.seed,
        "steps_taken": progress.steps_taken,
        "version": progress.version,
        "is_preview": progress.is_preview,
        "endings_found": list(progress.endings_found),
        "created_at": _moment(progress.created_at),
        "updated_at": _moment(progress.updated_at),
    }


def guest_progress_from_document(*, scenario: Scenario, document: dict) -> PlayerProgress:
    """The guest's progress `guest_progress_document` wrote, in `scenario`; a document of another story is refused."""
    try:
        if document["scenario"] != str(scenario.pk):
            raise StoryRuleError("This progress belongs to another story.")
        progress = PlayerProgress(
            scenario=scenario,
            current_scene_id=ObjectId(document["current_scene"]) if document["current_scene"] else None,
            history=[
                HistoryEntry(
                    scene_id=entry["scene_id"],
                    choice_id=entry["choice_id"],
                    timestamp=_parsed(entry["timestamp"]),
                    metadata=entry["metadata"],
                    state=entry["state"],
                )
                for entry in document["history"]
            ],
            is_completed=document["is_completed"],
            completed_at=_parsed(document["completed_at"]),
            total_time_spent=document["total_time_spent"],
            state=document["state"],
            seed=document["seed"],
            steps_taken=document["steps_taken"],
            version=document["version"],
            is_preview=document["is_preview"],
            endings_found=list(document["endings_found"]),
            created_at=_parsed(document["created_at"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise StoryRuleError("This saved progress cannot be read: start the story again.") from error
    progress.updated_at = _parsed(document["updated_at"])
    return progress
