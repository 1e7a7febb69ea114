"""Stories held in memory only (no database), written compactly: for the proofing's tests, fixtures and bench."""

from bson import ObjectId

from ..models import Choice, Scenario, Scene
from ..state.expressions import parse_condition, parse_effects
from ..story import Story


def story_in_memory(
    *,
    scenes: list[dict],
    choices: list[tuple],
    variables: list[dict] = (),
    items: list[str] = (),
    title: str = "Sample",
) -> Story:
    """`scenes`: dicts with title, and optionally start, end, effects (text); the first is the start unless one
    says start. `choices`: (from title, to title, text, condition text, effects text), the last two optional."""
    scenario = Scenario(
        pk=ObjectId(),
        title=title,
        variables=[
            {"minimum": None, "maximum": None, "visible": True, "description": "", **variable} for variable in variables
        ],
        items=[{"name": item, "description": ""} for item in items],
    )
    ids = {scene["title"]: ObjectId() for scene in scenes}
    any_start = any(scene.get("start") for scene in scenes)

    def id_of(name):
        return str(ids[name])

    built = [
        Scene(
            pk=ids[scene["title"]],
            scenario_id=scenario.pk,
            title=scene["title"],
            text="",
            order=order,
            is_start_scene=scene.get("start", not any_start and order == 0),
            is_end_scene=scene.get("end", False),
            effects=parse_effects(scene.get("effects", ""), scene_id_of=id_of) if scene.get("effects") else [],
        )
        for order, scene in enumerate(scenes)
    ]
    links = []
    for order, (origin, target, text, *rest) in enumerate(choices):
        condition = rest[0] if rest else ""
        effects = rest[1] if len(rest) > 1 else ""
        links.append(
            Choice(
                pk=ObjectId(),
                scenario_id=scenario.pk,
                from_scene_id=ids[origin],
                to_scene_id=ids.get(target),
                text=text,
                order=order,
                condition=parse_condition(condition, scene_id_of=id_of) if condition else {},
                effects=parse_effects(effects, scene_id_of=id_of) if effects else [],
            )
        )
    return Story(scenario=scenario, scenes=built, choices=links)
