"""Declaring a story's state: variables and items, renamed everywhere they are used, never deleted while used."""

from contextlib import contextmanager

from django.db import connection
from django_mongodb_backend import transaction

from ..exceptions import NotFound, StoryRuleError, on_field
from ..models import Choice, PlayerProgress, Scenario, Scene, User
from ..permissions import ensure_can_edit
from ..selectors import load_story
from ..state.engine import Kind, Variable, check_condition, check_effects, check_variable
from ..state.expressions import parse_condition, parse_effects
from ..state.schema import SceneNames, renamed, schema_of, uses_in_story, variable_document, variable_from_document

MAX_ITEM_NAME = 80


def declare_variable(
    *,
    editor: User,
    scenario: Scenario,
    name: str,
    kind: str,
    initial=None,
    minimum: float | None = None,
    maximum: float | None = None,
    visible: bool = True,
    description: str = "",
) -> Variable:
    """A new variable; its name is unique in the story (items included)."""
    ensure_can_edit(editor, scenario)
    variable = _variable(
        name=name,
        kind=kind,
        initial=initial,
        minimum=minimum,
        maximum=maximum,
        visible=visible,
        description=description,
    )
    _refuse_taken(scenario, variable.name)
    scenario.variables = [*(scenario.variables or []), variable_document(variable)]
    scenario.save(update_fields=["variables", "updated_at"])
    return variable


VARIABLE_CHANGES = {"kind", "initial", "minimum", "maximum", "visible", "description"}


def update_variable(*, editor: User, scenario: Scenario, name: str, new_name: str | None = None, **changes) -> Variable:
    """Change a declaration; a `new_name` is written into every condition and effect that uses it."""
    ensure_can_edit(editor, scenario)
    current = _declared_variable(scenario, name)
    unknown = set(changes) - VARIABLE_CHANGES
    if unknown:
        raise StoryRuleError(f"A variable has no field {', '.join(sorted(unknown))}.")
    fields = {**variable_document(current), **{key: value for key, value in changes.items() if key != "kind"}}
    if new_name is not None:
        fields["name"] = new_name
    if changes.get("kind") not in (None, str(current.kind)):
        if uses_in_story(load_story(scenario), variable=name):
            raise StoryRuleError(f"“{name}” is in use: its kind cannot change. {_listed(scenario, variable=name)}")
        fields["kind"] = changes["kind"]
    variable = _variable(**fields)
    new_name = variable.name
    if new_name != name:
        _refuse_taken(scenario, new_name)
    scenario.variables = [
        variable_document(variable) if document["name"] == name else document for document in scenario.variables
    ]
    with transaction.atomic():
        if new_name != name:
            _rewrite_uses(scenario, variable=(name, new_name))
        scenario.save(update_fields=["variables", "updated_at"])
    return variable


def delete_variable(*, editor: User, scenario: Scenario, name: str) -> None:
    ensure_can_edit(editor, scenario)
    _declared_variable(scenario, name)
    if uses_in_story(load_story(scenario), variable=name):
        raise StoryRuleError(f"“{name}” is still used, so it cannot be deleted. {_listed(scenario, variable=name)}")
    scenario.variables = [document for document in scenario.variables if document["name"] != name]
    scenario.save(update_fields=["variables", "updated_at"])


def declare_item(*, editor: User, scenario: Scenario, name: str, description: str = "") -> dict:
    ensure_can_edit(editor, scenario)
    name = _item_name(name)
    _refuse_taken(scenario, name)
    item = {"name": name, "description": (description or "").strip()}
    scenario.items = [*(scenario.items or []), item]
    scenario.save(update_fields=["items", "updated_at"])
    return item


def update_item(
    *, editor: User, scenario: Scenario, name: str, new_name: str | None = None, description: str | None = None
) -> dict:
    ensure_can_edit(editor, scenario)
    item = dict(_declared_item(scenario, name))
    if description is not None:
        item["description"] = description.strip()
    if new_name is not None and _item_name(new_name) != name:
        item["name"] = _item_name(new_name)
        _refuse_taken(scenario, item["name"])
    scenario.items = [item if existing["name"] == name else existing for existing in scenario.items]
    with transaction.atomic():
        if item["name"] != name:
            _rewrite_uses(scenario, item=(name, item["name"]))
        scenario.save(update_fields=["items", "updated_at"])
    return item


def delete_item(*, editor: User, scenario: Scenario, name: str) -> None:
    ensure_can_edit(editor, scenario)
    _declared_item(scenario, name)
    if uses_in_story(load_story(scenario), item=name):
        raise StoryRuleError(f"“{name}” is still used, so it cannot be deleted. {_listed(scenario, item=name)}")
    scenario.items = [item for item in scenario.items if item["name"] != name]
    scenario.save(update_fields=["items", "updated_at"])


def _variable(*, name, kind, initial, minimum=None, maximum=None, visible=True, description="") -> Variable:
    try:
        kind = Kind(kind)
    except ValueError:
        raise on_field("kind", f"“{kind}” is not a kind of variable: choose number, flag or text.") from None
    if initial is None:
        initial = {Kind.NUMBER: 0, Kind.FLAG: False, Kind.TEXT: ""}[kind]
    variable = Variable(
        name=(name or "").strip(),
        kind=kind,
        initial=initial,
        minimum=minimum,
        maximum=maximum,
        visible=bool(visible),
        description=(description or "").strip(),
    )
    check_variable(variable)
    return variable


def _item_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name or len(name) > MAX_ITEM_NAME or '"' in name or "/" in name:
        raise on_field("name", f'An item needs a name of 1 to {MAX_ITEM_NAME} characters, without " or /.')
    return name


def _refuse_taken(scenario: Scenario, name: str) -> None:
    schema = schema_of(scenario)
    if name in schema.variables or name in schema.items:
        raise on_field("name", f"“{name}” is already the name of a variable or an item of this story.")


def _declared_variable(scenario: Scenario, name: str) -> Variable:
    for document in scenario.variables or []:
        if document["name"] == name:
            return variable_from_document(document)
    raise NotFound(f"The story has no variable “{name}”.")


def _declared_item(scenario: Scenario, name: str) -> dict:
    for item in scenario.items or []:
        if item["name"] == name:
            return item
    raise NotFound(f"The story has no item “{name}”.")


def _listed(scenario: Scenario, **name) -> str:
    uses = uses_in_story(load_story(scenario), **name)
    return "Used in " + "; ".join(use.label for use in uses) + "."


def _rewrite_uses(scenario: Scenario, **rename) -> None:
    story = load_story(scenario)
    for use in uses_in_story(story, **{key: old for key, (old, _) in rename.items()}):
        if use.choice is None:
            Scene.objects.filter(pk=use.scene.pk).update(effects=renamed(use.scene.effects, **rename))
        else:
            document = renamed(getattr(use.choice, use.where), **rename)
            Choice.objects.filter(pk=use.choice.pk).update(**{use.where: document})
    _rename_in_progress(scenario, **rename)


def _rename_in_progress(
    scenario: Scenario, *, variable: tuple[str, str] | None = None, item: tuple[str, str] | None = None
) -> None:
    """Every player's state of the story (now and at each history step) follows the rename, in one
    update_many whose aggregation pipeline rewrites the documents where they are: one write for the
    story, however many players, and going back restores the renamed value, not the initial one."""

    def renamed_state(state: str) -> dict:
        if variable:
            old, new = variable
            pairs = {"$objectToArray": {"$ifNull": [f"{state}.variables", {}]}}
            return {
                "variables": {
                    "$arrayToObject": {
                        "$map": {
                            "input": pairs,
                            "as": "pair",
                            "in": {"k": {"$cond": [{"$eq": ["$$pair.k", old]}, new, "$$pair.k"]}, "v": "$$pair.v"},
                        }
                    }
                }
            }
        old, new = item
        return {
            "items": {
                "$map": {
                    "input": {"$ifNull": [f"{state}.items", []]},
                    "as": "name",
                    "in": {"$cond": [{"$eq": ["$$name", old]}, new, "$$name"]},
                }
            }
        }

    history = {
        "$map": {
            "input": {"$ifNull": ["$history", []]},
            "as": "step",
            "in": {
                "$mergeObjects": [
                    "$$step",
                    {"state": {"$mergeObjects": [{"$ifNull": ["$$step.state", {}]}, renamed_state("$$step.state")]}},
                ]
            },
        }
    }
    pipeline = [
        {
            "$set": {
                "state": {"$mergeObjects": [{"$ifNull": ["$state", {}]}, renamed_state("$state")]},
                "history": history,
            }
        }
    ]
    connection.get_collection(PlayerProgress._meta.db_table).update_many(
        {"scenario_id": scenario.pk}, pipeline, session=connection.session
    )


def state_changes(scenario: Scenario, changes: dict) -> dict:
    """`changes` with the readable `condition_text` / `effects_text` parsed into `condition` / `effects`,
    checked against the story's declared state (refused on that field, naming the position or the name).

    A raw `condition` is stored as given (the old clients' field, never evaluated by the old backend; the
    proofing reports one outside the language); raw `effects` are new, so they are checked.
    """
    if not {"condition_text", "effects_text", "effects"} & set(changes):
        return changes
    changes = dict(changes)
    schema = schema_of(scenario)
    loaded = []

    def scene_id_of(title: str) -> str:
        # Only a text that names a scene (visited("…")) needs the story's scenes: load them then, once.
        if not loaded:
            loaded.append(SceneNames(load_story(scenario)))
        return loaded[0].id_of(title)

    if "condition_text" in changes:
        text = changes.pop("condition_text") or ""
        with _refusal_on("condition_text"):
            changes["condition"] = parse_condition(text, scene_id_of=scene_id_of)
            check_condition(changes["condition"], schema)
    if "effects_text" in changes:
        text = changes.pop("effects_text") or ""
        with _refusal_on("effects_text"):
            changes["effects"] = parse_effects(text, scene_id_of=scene_id_of)
    if "effects" in changes:
        changes["effects"] = changes["effects"] or []
        with _refusal_on("effects_text"):
            check_effects(changes["effects"], schema)
    return changes


@contextmanager
def _refusal_on(field: str):
    try:
        yield
    except StoryRuleError as error:
        raise on_field(field, error.message) from None


def check_state_text(*, scenario: Scenario, field: str, text: str) -> None:
    """Check a condition or effects as the author types it (`field`: "condition_text" or "effects_text"),
    against the story's declared state; raises the same refusal a save would, and writes nothing."""
    if field not in ("condition_text", "effects_text"):
        raise StoryRuleError(f"No such field to check: {field}.")
    state_changes(scenario, {field: text})
