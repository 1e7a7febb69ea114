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
