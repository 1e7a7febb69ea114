"""The studio's older “Undo delete”, now undone through the edit journal (services/history.py); a JSON snapshot of a scene (with its choices both ways) or of a choice, and its restore."""

import time

from bson import ObjectId
from django.utils.dateparse import parse_datetime
from django_mongodb_backend import transaction

from ..exceptions import StoryRuleError
from ..models import Choice, Scenario, Scene, User
from ..permissions import ensure_can_edit
from . import history
from .choices import delete_choice
from .scenes import delete_scene

UNDO_SECONDS = 10 * 60
SCENE_FIELDS = (
    "title",
    "text",
    "order",
    "is_start_scene",
    "is_end_scene",
    "ending_kind",
    "tags",
    "position_x",
    "position_y",
    "image_id",
    "sound_id",
    "music_id",
)
CHOICE_FIELDS = ("from_scene_id", "to_scene_id", "text", "condition", "order")


def _plain(document, fields) -> dict:
    values = {"id": str(document.pk), "created_at": document.created_at.isoformat()}
    for name in fields:
        value = getattr(document, name)
        values[name] = str(value) if isinstance(value, ObjectId) else value
    return values


def delete_scene_with_undo(*, editor: User, scene: Scene) -> dict:
    choices = list(Choice.objects.filter(scenario_id=scene.scenario_id, from_scene=scene)) + list(
        Choice.objects.filter(scenario_id=scene.scenario_id, to_scene=scene).exclude(from_scene=scene)
    )
    snapshot = {
        "kind": "scene",
        "label": scene.title,
        "story": str(scene.scenario_id),
        "at": time.time(),
        "scene": _plain(scene, SCENE_FIELDS),
        "choices": [_plain(c, CHOICE_FIELDS) for c in choices],
    }
    delete_scene(editor=editor, scene=scene)
    return snapshot


def delete_choice_with_undo(*, editor: User, choice: Choice) -> dict:
    snapshot = {
        "kind": "choice",
        "label": choice.text,
        "story": str(choice.scenario_id),
        "at": time.time(),
        "choices": [_plain(choice, CHOICE_FIELDS)],
    }
    delete_choice(editor=editor, choice=choice)
    return snapshot


def restore(*, editor: User, scenario: Scenario, snapshot: dict) -> str:
    """Put the deleted scene or choice back with its ids; choices whose other end is gone stay deleted."""
    ensure_can_edit(editor, scenario)
    latest = history.next_undo(editor=editor, scenario=scenario)
    deleted = snapshot.get("scene", {}).get("id") or (snapshot.get("choices") or [{}])[0].get("id")
    if latest is not None and any(change["after"] is None and change["id"] == deleted for change in latest.changes):
        history.undo(editor=editor, scenario=scenario)  # the journal's step, so redo can delete it again
        return snapshot["label"]
    if snapshot.get("story") != str(scenario.pk) or time.time() - snapshot.get("at", 0) > UNDO_SECONDS:
        raise StoryRuleError("This deletion can no longer be undone.")
    existing = set(Scene.objects.filter(scenario=scenario).values_list("pk", flat=True))
    scene = None
    if snapshot["kind"] == "scene":
        values = snapshot["scene"]
        scene = Scene(
            pk=ObjectId(values["id"]),
            scenario=scenario,
            created_at=parse_datetime(values["created_at"]),
            **{
                name: ObjectId(values[name]) if name.endswith("_id") and values[name] else values[name]
                for name in SCENE_FIELDS
            },
        )
        if scene.is_start_scene and Scene.objects.filter(scenario=scenario, is_start_scene=True).exists():
            scene.is_start_scene = False
        existing.add(scene.pk)
    choices = [
        Choice(
            pk=ObjectId(values["id"]),
            scenario=scenario,
            created_at=parse_datetime(values["created_at"]),
            from_scene_id=ObjectId(values["from_scene_id"]),
            to_scene_id=ObjectId(values["to_scene_id"]) if values["to_scene_id"] else None,
            text=values["text"],
            condition=values["condition"],
            order=values["order"],
        )
        for values in snapshot["choices"]
    ]
    choices = [
        c for c in choices if c.from_scene_id in existing and (c.to_scene_id is None or c.to_scene_id in existing)
    ]
    with transaction.atomic():
        if scene is not None:
            scene.save(force_insert=True)
        Choice.objects.bulk_create(choices)
    return snapshot["label"]
