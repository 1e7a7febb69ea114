"""Writing a story's choices: the links between its scenes, their conditions and their order."""

from django.db.models import Max
from django.utils.translation import gettext_noop
from django_mongodb_backend import transaction

from ..exceptions import StoryRuleError
from ..models import Choice, Scene, User
from ..permissions import ensure_can_edit
from ._validation import applied, refuse_unknown, validate_fields
from .history import recorded, worded
from .state import state_changes

CHOICE_FIELDS = {"to_scene", "text", "condition", "order", "locked_reason", "effects", "condition_text", "effects_text"}


def create_choice(
    *,
    editor: User,
    from_scene: Scene,
    to_scene: Scene,
    text: str,
    condition: dict | None = None,
    order: int | None = None,
    **state,
) -> Choice:
    """Link two scenes of the same story; refuse links across stories.

    `state`: `condition_text`, `effects` / `effects_text` and `locked_reason` (see `state_changes`).
    """
    ensure_can_edit(editor, from_scene.scenario)
    refuse_unknown(state, {"locked_reason", "effects", "condition_text", "effects_text"}, "choice")
    state = state_changes(from_scene.scenario, state)
    condition = state.pop("condition", condition)
    if order is None:
        last = Choice.objects.filter(scenario_id=from_scene.scenario_id, from_scene=from_scene).aggregate(
            order=Max("order")
        )["order"]
        order = 0 if last is None else last + 1
    choice = Choice(
        scenario_id=from_scene.scenario_id,
        from_scene=from_scene,
        to_scene=to_scene,
        text=(text or "").strip(),
        condition={} if condition is None else condition,
        order=order,
        locked_reason=(state.get("locked_reason") or "").strip(),
        effects=state.get("effects") or [],
    )
    check_choice(choice)
    with recorded(editor=editor, scenario_id=choice.scenario_id, kind="choice") as journal:
        choice.save()
        journal.add("choice", choice)
    return choice


def update_choice(*, editor: User, choice: Choice, **changes) -> Choice:
    ensure_can_edit(editor, choice.scenario)
    refuse_unknown(changes, CHOICE_FIELDS, "choice")
    changes = state_changes(choice.scenario, changes)
    if "locked_reason" in changes:
        changes["locked_reason"] = (changes["locked_reason"] or "").strip()
    if "text" in changes:
        changes["text"] = (changes["text"] or "").strip()
    if "condition" in changes and changes["condition"] is None:
        changes["condition"] = {}
    with applied(choice, changes):
        check_choice(choice)
    with recorded(editor=editor, scenario_id=choice.scenario_id, kind="choice") as journal:
        journal.watch_query("choice", Choice.objects.filter(pk=choice.pk))
        choice.save()
    return choice


def delete_choice(*, editor: User, choice: Choice) -> None:
    ensure_can_edit(editor, choice.scenario)
    with recorded(editor=editor, scenario_id=choice.scenario_id, kind="delete_choice") as journal:
        journal.watch_query("choice", Choice.objects.filter(pk=choice.pk))
        choice.delete()


def delete_choices(*, editor: User, choices: list[Choice]) -> int:
    """Delete several choices at once: all of them, or none if any may not be deleted."""
    for choice in choices:
        ensure_can_edit(editor, choice.scenario)
    journal = recorded(
        editor=editor,
        scenario_id=choices[0].scenario_id if choices else None,
        kind="delete_choice",
        label=(
            worded(gettext_noop("delete one choice"))
            if len(choices) == 1
            else worded(gettext_noop("delete %(count)s choices"), count=len(choices))
        ),
    )
    with journal as watched, transaction.atomic():
        watched.watch("choice", choices)
        for choice in choices:
            choice.delete()
    return len(choices)


def check_choice(choice: Choice) -> None:
    """A choice leads to a scene of its own story and carries a JSON-object condition."""
    if choice.to_scene is None:
        raise StoryRuleError(
            "A choice must lead to a scene.", field_errors={"to_scene": ["Pick the scene it leads to."]}
        )
    if choice.to_scene.scenario_id != choice.scenario_id:
        raise StoryRuleError(
            "A choice can only lead to a scene of the same story.",
            field_errors={"to_scene": ["Pick a scene of this story."]},
        )
    if not isinstance(choice.condition, dict):
        raise StoryRuleError(
            'A choice\'s condition must be a JSON object, such as {} or {"has": "key"}.',
            field_errors={"condition": ["Enter a JSON object."]},
        )
    validate_fields(choice)


def reorder_choice(*, editor: User, choice: Choice, offset: int) -> None:
    """Move a choice up (-1) or down (+1) among the choices of its scene."""
    ensure_can_edit(editor, choice.scenario)
    siblings = sorted(
        Choice.objects.filter(scenario_id=choice.scenario_id, from_scene_id=choice.from_scene_id),
        key=lambda sibling: (sibling.order, sibling.created_at),
    )
    index = next(position for position, sibling in enumerate(siblings) if sibling.pk == choice.pk)
    target = index + offset
    if not 0 <= target < len(siblings):
        return
    siblings.insert(target, siblings.pop(index))
    journal = recorded(
        editor=editor,
        scenario_id=choice.scenario_id,
        kind="reorder",
        label=worded(gettext_noop("reorder the choices of “%(title)s”"), title=choice.from_scene.title),
    )
    with journal as watched, transaction.atomic():
        watched.watch("choice", siblings)
        for order, sibling in enumerate(siblings):
            if sibling.order != order:
                Choice.objects.filter(pk=sibling.pk).update(order=order)
