"""A story's declared state as the engine's `StateSchema`, and where each variable and item is used."""

from dataclasses import dataclass

from bson import ObjectId
from bson.errors import InvalidId

from ..exceptions import StoryRuleError
from ..models import Scenario
from .engine import Kind, StateSchema, Variable, check_variable
from .expressions import ITEMS, NotReadable, condition_text, effects_text

VARIABLE_FIELDS = ("name", "kind", "initial", "minimum", "maximum", "visible", "description")


def variable_from_document(document: dict) -> Variable:
    return Variable(
        name=document["name"],
        kind=Kind(document["kind"]),
        initial=document["initial"],
        minimum=document.get("minimum"),
        maximum=document.get("maximum"),
        visible=document.get("visible", True),
        description=document.get("description", ""),
    )


def variable_document(variable: Variable) -> dict:
    return {
        "name": variable.name,
        "kind": str(variable.kind),
        "initial": variable.initial,
        "minimum": variable.minimum,
        "maximum": variable.maximum,
        "visible": variable.visible,
        "description": variable.description,
    }


def schema_of(scenario: Scenario) -> StateSchema:
    """The engine's view of what the story declares."""
    return StateSchema(
        variables={document["name"]: variable_from_document(document) for document in scenario.variables or []},
        items=frozenset(item["name"] for item in scenario.items or []),
    )


@dataclass(frozen=True)
class Use:
    """Where a variable or an item is read or changed: a scene's effects, a choice's condition or effects."""

    scene: object
    choice: object | None
    where: str  # "condition" or "effects"

    @property
    def label(self) -> str:
        if self.choice is None:
            return f"the effects of “{self.scene.title}”"
        return f"the {self.where} of the choice “{self.choice.text}” in “{self.scene.title}”"


def uses_in_story(story, *, variable: str | None = None, item: str | None = None) -> list[Use]:
    """Every place of a loaded story (`story_admin.story.Story`) that names the variable or the item."""
    found = []
    for scene in story.scenes:
        if _names(scene.effects, variable=variable, item=item):
            found.append(Use(scene=scene, choice=None, where="effects"))
        for choice in story.choices_from(scene):
            for where in ("condition", "effects"):
                if _names(getattr(choice, where), variable=variable, item=item):
                    found.append(Use(scene=scene, choice=choice, where=where))
    return found


def renamed(document, *, variable: tuple[str, str] | None = None, item: tuple[str, str] | None = None):
    """`document` (a condition or a list of effects) with the variable or item renamed everywhere."""
    if isinstance(document, list):
        return [renamed(part, variable=variable, item=item) for part in document]
    if not isinstance(document, dict) or len(document) != 1:
        return document
    ((operator, operands),) = document.items()
    if variable and operator == "var" and operands == variable[0]:
        return {"var": variable[1]}
    if variable and operator in ("set", "roll") and isinstance(operands, list) and operands[:1] == [variable[0]]:
        return {operator: [variable[1], *renamed(operands[1:], variable=variable, item=item)]}
    if item and operator in ("gain", "lose") and operands == item[0]:
        return {operator: item[1]}
    if item and operator == "in" and operands == [item[0], {"var": ITEMS}]:
        return {"in": [item[1], {"var": ITEMS}]}
    return {operator: renamed(operands, variable=variable, item=item)}


def _names(document, *, variable, item) -> bool:
    if isinstance(document, list):
        return any(_names(part, variable=variable, item=item) for part in document)
    if not isinstance(document, dict) or len(document) != 1:
        return False
    ((operator, operands),) = document.items()
    if variable and operator == "var" and operands == variable:
        return True
    if variable and operator in ("set", "roll") and isinstance(operands, list) and operands[:1] == [variable]:
        return True
    if item and operator in ("gain", "lose") and operands == item:
        return True
    if item and operator == "in" and operands == [item, {"var": ITEMS}]:
        return True
    return _names(operands, variable=variable, item=item)


class SceneNames:
    """Scene titles in what authors read and write, scene ids in what is stored (`visited("La crique")`)."""

    def __init__(self, story):
        self.story = story

    def title_of(self, scene_id: str) -> str:
        try:
            scene = self.story.scenes_by_id.get(ObjectId(scene_id))
        except (InvalidId, TypeError):
            scene = None
        return scene.title if scene is not None else scene_id

    def id_of(self, title: str) -> str:
        for scene in self.story.scenes:
            if scene.title == title:
                return str(scene.pk)
        raise StoryRuleError(f"No scene of this story is titled “{title}”.")

    def condition(self, condition) -> str | None:
        """The readable form, or None for a stored document outside the language (old data)."""
        try:
            return condition_text(condition, scene_title_of=self.title_of)
        except NotReadable:
            return None

    def effects(self, effects) -> str | None:
        try:
            return effects_text(effects, scene_title_of=self.title_of)
        except NotReadable:
            return None


def with_scene_ids(document, mapping: dict[str, str]):
    """A condition or effects whose `visited("…")` references follow scenes given new ids (backups, copies)."""
    if isinstance(document, list):
        return [with_scene_ids(part, mapping) for part in document]
    if isinstance(document, dict):
        if (
            list(document) == ["var"]
            and isinstance(document["var"], list)
            and document["var"]
            and isinstance(document["var"][0], str)
            and document["var"][0].startswith("visits.")
        ):
            old = document["var"][0].removeprefix("visits.")
            return {"var": [f"visits.{mapping.get(old, old)}", *document["var"][1:]]}
        return {key: with_scene_ids(value, mapping) for key, value in document.items()}
    return document


def check_declarations(variables, items) -> StateSchema:
    """Declarations read from outside (a backup): each variable checked; a clear refusal for a malformed one."""
    if not isinstance(variables, list) or not isinstance(items, list):
        raise StoryRuleError("The story's variables and items must be lists.")
    names = set()
    for document in variables:
        try:
            variable = variable_from_document(document)
        except (KeyError, TypeError, ValueError):
            raise StoryRuleError(
                f"The variable {str(document)[:80]} is not a declaration Story Studio reads (name, kind, initial)."
            ) from None
        check_variable(variable)
        names.add(variable.name)
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            raise StoryRuleError(f"The item {str(item)[:80]} has no name.")
        names.add(item["name"])
    if len(names) != len(variables) + len(items):
        raise StoryRuleError("Two variables or items of the story share a name.")
    return StateSchema(
        variables={document["name"]: variable_from_document(document) for document in variables},
        items=frozenset(item["name"] for item in items),
    )
