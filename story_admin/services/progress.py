"""Players' progress: start a story, move along its choices, go back, finish.

Every step is one conditional write over the version of the progress it read: of two steps fired
at the same instant from one progress, exactly one is written and the other is refused.
"""

import secrets
from contextlib import contextmanager

from bson import ObjectId
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from ..exceptions import NotFound, PermissionDenied, StoryRuleError
from ..models import Choice, HistoryEntry, PlayerProgress, Scenario, Scene, User
from ..permissions import ensure_can_read
from ..state.play import NOT_NOW, arrive, availability, dice_for, state_of, take
from ..state.schema import schema_of

# A pause longer than this between two steps is time away from the story, not reading time.
MAX_STEP_SECONDS = 30 * 60
MOVED_ON = ("Your progress in this story changed meanwhile (another tab or device made a move): "
            "reload the story to see where you are, then choose again.")
GONE = "This story or scene was deleted meanwhile: it can no longer be played."


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
    if not PlayerProgress.objects.filter(pk=progress.pk, version=read).update(**fields, version=read + 1):
        if not PlayerProgress.objects.filter(pk=progress.pk).exists():
            raise NotFound(GONE)
        raise StoryRuleError(MOVED_ON)
    for name, value in fields.items():
        setattr(progress, name, value)
    progress.version = read + 1
    return progress


def start_progress(*, player: User, scenario: Scenario, restart: bool = False) -> PlayerProgress:
    """The player's progress in a story, created at its start scene (or reset there with `restart`)."""
    ensure_can_read(player, scenario)
    start = Scene.objects.filter(scenario=scenario, is_start_scene=True).order_by("order").first()
    if start is None:
        raise StoryRuleError(f"“{scenario.title}” has no start scene yet, so it cannot be played.")
    progress = PlayerProgress.objects.filter(user=player, scenario=scenario).first()
    if progress is not None and not restart:
        return progress
    if progress is None:
        progress = PlayerProgress(user=player, scenario=scenario)
        _reset(progress, start, scenario)
        progress.save()
        return progress
    return _write(progress, **_start_fields(start, scenario))


def advance(*, player: User, progress: PlayerProgress, to_scene: Scene, choice: Choice | None = None,
            metadata: dict | None = None) -> PlayerProgress:
    """Move the player along a choice of their current scene.

    With no choice given, the move is allowed when a choice of the current scene leads to
    `to_scene`, and that choice is recorded.
    """
    with _still_there():
        ensure_own_progress(player, progress)
        ensure_can_read(player, progress.scenario)
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
    step = HistoryEntry(scene_id=str(to_scene.pk), choice_id=str(choice.pk), timestamp=now, metadata=metadata or {},
                        state=state.document())
    ending = to_scene.is_end_scene
    return _write(progress, history=[*progress.history, step], current_scene_id=to_scene.pk, total_time_spent=spent,
                  is_completed=ending or progress.is_completed, completed_at=now if ending else progress.completed_at,
                  state=state.document(), steps_taken=progress.steps_taken + 1)


def choose(*, player: User, progress: PlayerProgress, choice: Choice, metadata: dict | None = None) -> PlayerProgress:
    """Follow one choice of the current scene."""
    with _still_there():
        to_scene = choice.to_scene
    if to_scene is None:
        raise StoryRuleError("That choice leads nowhere yet.")
    return advance(player=player, progress=progress, to_scene=to_scene, choice=choice, metadata=metadata)


def go_back(*, player: User, progress: PlayerProgress, steps: int) -> PlayerProgress:
    """Undo the last `steps` moves; the start scene is as far back as one can go."""
    ensure_own_progress(player, progress)
    with _still_there():
        ensure_can_read(player, progress.scenario)
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
    return _write(progress, history=history, current_scene_id=ObjectId(history[-1].scene_id), is_completed=False,
                  completed_at=None, state=history[-1].state or {}, steps_taken=progress.steps_taken + 1)


def set_time_spent(*, player: User, progress: PlayerProgress, seconds: int) -> PlayerProgress:
    ensure_own_progress(player, progress)
    with _still_there():
        ensure_can_read(player, progress.scenario)
    if not isinstance(seconds, int) or seconds < 0:
        raise StoryRuleError("Time spent must be a whole number of seconds, zero or more.")
    progress.total_time_spent = seconds
    progress.save(update_fields=["total_time_spent", "updated_at"])
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
    state = arrive(start, schema, schema.initial_state(), dice_for(seed, 0)).document()
    return {"current_scene_id": start.pk, "history": [HistoryEntry(scene_id=str(start.pk), timestamp=now, state=state)],
            "is_completed": start.is_end_scene, "completed_at": now if start.is_end_scene else None,
            "total_time_spent": 0, "state": state, "seed": seed, "steps_taken": 0}


def _reset(progress: PlayerProgress, start: Scene, scenario: Scenario) -> None:
    for name, value in _start_fields(start, scenario).items():
        setattr(progress, name, value)


def ensure_own_progress(player: User, progress: PlayerProgress) -> None:
    if not player.is_authenticated or (progress.user_id != player.pk and not player.is_superuser):
        raise PermissionDenied("This progress belongs to another player.")


def delete_progress(*, player: User, progress: PlayerProgress) -> None:
    ensure_own_progress(player, progress)
    progress.delete()
