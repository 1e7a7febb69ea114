"""Seeded random players through the real play rules: each picks uniformly among the available choices
(`play.availability`) and steps with `play.take`, with the dice a progress of that seed would roll."""

import random
from collections import Counter
from dataclasses import dataclass, field

from ..state.engine import StateSchema
from ..state.play import arrive, availability, dice_for, take
from ..state.schema import schema_of
from ..story import Story
from .explore import read_visits

DEFAULT_PLAYTHROUGHS = 10_000
MAX_STEPS = 500


@dataclass
class Coverage:
    players: int
    scene_visits: Counter = field(default_factory=Counter)  # scene id -> players who saw it
    choice_takes: Counter = field(default_factory=Counter)  # choice id -> players who took it
    endings: Counter = field(default_factory=Counter)  # ending scene id -> players who ended there
    lengths: dict = field(default_factory=dict)  # ending scene id -> [steps of each such player]
    stuck: int = 0
    wandering: int = 0  # still playing after MAX_STEPS

    def scene_share(self, scene_id) -> float:
        return self.scene_visits[scene_id] / self.players if self.players else 0.0

    def choice_share(self, choice_id) -> float:
        return self.choice_takes[choice_id] / self.players if self.players else 0.0


def _rolls(effects) -> bool:
    return any(isinstance(effect, dict) and "roll" in effect for effect in effects or [])


def play_randomly(
    story: Story,
    *,
    players: int = DEFAULT_PLAYTHROUGHS,
    seed: int = 0,
    schema: StateSchema | None = None,
    max_steps: int = MAX_STEPS,
) -> Coverage:
    schema = schema if schema is not None else schema_of(story.scenario)
    coverage = Coverage(players=players)
    start = story.start_scene
    if start is None:
        return coverage
    chooser = random.Random(seed)
    # which choices are open depends only on the scene and the state: asked of the engine once per pair
    opened: dict[tuple, list] = {}
    reads_visits = bool(read_visits(story))
    stepped: dict[tuple, object] = {}
    rolling = {part.pk for part in [*story.scenes, *story.choices] if _rolls(part.effects)}
    for player in range(players):
        player_seed = seed * 1_000_003 + player
        scene = start
        state = arrive(scene, schema, schema.initial_state(), dice_for(player_seed, 0))
        seen_scenes, seen_choices = {scene.pk}, set()
        steps = 0
        while not scene.is_end_scene:
            if steps >= max_steps:
                coverage.wandering += 1
                break
            key = (scene.pk, repr(state.variables), tuple(state.items), repr(state.visits) if reads_visits else None)
            open_choices = opened.get(key)
            if open_choices is None:
                open_choices = opened[key] = [
                    choice
                    for choice in story.choices_from(scene)
                    if choice.to_scene_id in story.scenes_by_id and availability(choice, schema, state).available
                ]
            if not open_choices:
                coverage.stuck += 1
                break
            choice = open_choices[chooser.randrange(len(open_choices))] if len(open_choices) > 1 else open_choices[0]
            steps += 1
            scene = story.scenes_by_id[choice.to_scene_id]
            if choice.pk in rolling or scene.pk in rolling:
                state = take(choice, scene, schema, state, dice_for(player_seed, steps))
            else:
                # without dice a step is a function of the choice and the state: the engine's answer is kept
                step_key = (choice.pk, key)
                after = stepped.get(step_key)
                if after is None:
                    after = stepped[step_key] = take(choice, scene, schema, state, None)
                state = after
            seen_scenes.add(scene.pk)
            seen_choices.add(choice.pk)
        else:
            coverage.endings[scene.pk] += 1
            coverage.lengths.setdefault(scene.pk, []).append(steps)
        coverage.scene_visits.update(seen_scenes)
        coverage.choice_takes.update(seen_choices)
    return coverage
