"""A whole story held in memory, as selectors load it and validation reads it."""

from collections import defaultdict
from dataclasses import dataclass, field

from bson import ObjectId

from .models import Asset, Choice, Scenario, Scene


@dataclass
class Story:
    """A whole story in memory: the scenario, its scenes and choices, and the assets they use."""

    scenario: Scenario
    scenes: list[Scene]
    choices: list[Choice]
    assets: dict[ObjectId, Asset] = field(default_factory=dict)

    def __post_init__(self):
        self.scenes_by_id = {scene.pk: scene for scene in self.scenes}
        self.choices_by_id = {choice.pk: choice for choice in self.choices}
        self.choices_by_scene: dict[ObjectId, list[Choice]] = defaultdict(list)
        for choice in self.choices:
            self.choices_by_scene[choice.from_scene_id].append(choice)

    @property
    def start_scenes(self) -> list[Scene]:
        return [scene for scene in self.scenes if scene.is_start_scene]

    @property
    def start_scene(self) -> Scene | None:
        starts = self.start_scenes
        return starts[0] if starts else None

    @property
    def endings(self) -> list[Scene]:
        return [scene for scene in self.scenes if scene.is_end_scene]

    def choices_from(self, scene: Scene) -> list[Choice]:
        return self.choices_by_scene.get(scene.pk, [])


class _Outline:
    """A scene or choice as a map reads it: the stored document's fields as attributes, no model behind it."""

    __slots__ = ()
    FIELDS: tuple[str, ...] = ()

    def __init__(self, document: dict):
        for name in self.FIELDS:
            setattr(self, name, document.get(name))
        self.pk = self.id = document["_id"]

    def __repr__(self):
        return f"<{type(self).__name__} {self.pk}>"


class SceneOutline(_Outline):
    """A scene without its text and media: what the map, its problems and its hints read."""

    FIELDS = (
        "scenario_id",
        "title",
        "order",
        "created_at",
        "is_start_scene",
        "is_end_scene",
        "ending_kind",
        "tags",
        "group",
        "position_x",
        "position_y",
        "effects",
    )
    __slots__ = (*FIELDS, "pk", "id")


class ChoiceOutline(_Outline):
    """A choice as the map reads it: its ends, label, condition and effects."""

    FIELDS = (
        "scenario_id",
        "from_scene_id",
        "to_scene_id",
        "text",
        "condition",
        "locked_reason",
        "effects",
        "order",
        "created_at",
    )
    __slots__ = (*FIELDS, "pk", "id")
