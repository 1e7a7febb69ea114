"""Play-testing a story inside the studio: its path lives in the address, players' progress is never touched.

The address holds the choices taken (`steps`), the dice seed (`seed`), the author's "what if" values
(`set=STEP:NAME=VALUE`) and fixed rolls (`roll=STEP:TOTAL`), so a play-test can be reloaded, shared
and replayed exactly; the state is recomputed by the same engine the progress service uses.
"""

import json
import secrets

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from story_admin import selectors
from story_admin.exceptions import NotFound
from story_admin.state.play import availability, replay
from story_admin.state.schema import SceneNames, schema_of

from .access import author_required, editable_story


def _object_ids(text: str) -> list:
    try:
        return [selectors.parse_object_id(part) for part in text.split(",") if part]
    except NotFound:
        raise Http404("This play-test path is not valid.") from None


def _overrides(values: list[str]) -> dict:
    """`STEP:NAME=VALUE` entries as {step: {name: value}} (VALUE as JSON when it reads as JSON)."""
    overrides = {}
    for entry in values:
        step, _, assignment = entry.partition(":")
        name, _, value = assignment.partition("=")
        if not step.isdigit() or not name:
            raise Http404("This play-test path is not valid.")
        try:
            value = json.loads(value)
        except ValueError:
            pass
        overrides.setdefault(int(step), {})[name] = value
    return overrides


def _rolls(values: list[str]) -> dict:
    rolls = {}
    for entry in values:
        step, _, total = entry.partition(":")
        if not step.isdigit() or not total.lstrip("-").isdigit():
            raise Http404("This play-test path is not valid.")
        rolls[int(step)] = int(total)
    return rolls


def _with_what_if(base: str, query) -> str:
    """The address once the author's "what if" value or next roll is added (from the state panel's forms)."""
    query = query.copy()
    if "what_if" in query:
        query.appendlist(
            "set",
            f"{query.pop('what_if')[0]}:{query.pop('what_if_name', [''])[0]}="
            f"{query.pop('what_if_value', [''])[0].strip()}",
        )
    if "fix_roll" in query:
        step = query.pop("fix_roll")[0]
        query.appendlist("roll", f"{int(step) + 1 if step.isdigit() else step}:{query.pop('next_roll', [''])[0]}")
    return f"{base}?{query.urlencode()}"


class PlayAddress:
    """Builds the play-test's addresses from the current one."""

    def __init__(self, base: str, *, seed: int, steps: list, sets: list[str], rolls: list[str], scene=None):
        self.base, self.seed, self.steps, self.sets, self.rolls, self.scene = base, seed, steps, sets, rolls, scene

    def url(self, *, steps=None, sets=None, rolls=None, seed=None) -> str:
        steps = self.steps if steps is None else steps
        query = [("seed", self.seed if seed is None else seed)]
        if self.scene:
            query.append(("scene", self.scene))
        if steps:
            query.append(("steps", ",".join(map(str, steps))))
        query += [("set", entry) for entry in (self.sets if sets is None else sets)]
        query += [("roll", entry) for entry in (self.rolls if rolls is None else rolls)]
        return f"{self.base}?{urlencode(query)}"


@author_required
def play(request, story_id):
    scenario = editable_story(request, story_id)
    base = reverse("studio:play", args=[scenario.pk])
    if "seed" not in request.GET:
        query = request.GET.copy()
        query["seed"] = secrets.randbelow(10**6)
        return redirect(f"{base}?{query.urlencode()}")
    try:
        seed = int(request.GET["seed"])
    except ValueError:
        raise Http404("This play-test path is not valid.") from None
    if "what_if" in request.GET or "fix_roll" in request.GET:
        return redirect(_with_what_if(base, request.GET))
    story = selectors.load_story(scenario)
    requested = _object_ids(request.GET.get("scene", ""))
    start = story.scenes_by_id.get(requested[0]) if requested else story.start_scene
    if start is None:
        return render(
            request, "studio/play.html", {"scenario": scenario, "scene": None}, status=404 if requested else 200
        )
    steps = _object_ids(request.GET.get("steps", ""))
    sets, rolls = request.GET.getlist("set"), request.GET.getlist("roll")
    address = PlayAddress(
        base, seed=seed, steps=steps, sets=sets, rolls=rolls, scene=requested[0] if requested else None
    )
    schema = schema_of(scenario)
    here = replay(
        story, schema, seed=seed, choice_ids=steps, overrides=_overrides(sets), rolls=_rolls(rolls), start=start
    )
    names = SceneNames(story)
    step = len(here.taken)
    rows = []
    for choice in story.choices_from(here.scene):
        if choice.to_scene_id not in story.scenes_by_id:
            continue
        verdict = availability(choice, schema, here.state)
        rows.append(
            {
                "choice": choice,
                "verdict": verdict,
                "condition": names.condition(choice.condition or {}),
                "url": address.url(steps=[*steps[:step], choice.pk]),
            }
        )
    return render(
        request,
        "studio/play.html",
        {
            "scenario": scenario,
            "scene": here.scene,
            "rows": rows,
            "broken": here.broken,
            "steps": step,
            "back": address.url(steps=steps[: step - 1]) if step else None,
            "restart": address.url(steps=[], sets=[], rolls=[]),
            "reroll": address.url(steps=steps[:step], seed=secrets.randbelow(10**6)),
            "state": here.state,
            "variables": list(schema.variables.values()),
            "has_state": not schema.is_empty,
            "step": step,
            "seed": seed,
            "steps_text": ",".join(map(str, steps[:step])),
            "sets": sets,
            "rolls": rolls,
            "from_scene": requested[0] if requested else "",
        },
    )
