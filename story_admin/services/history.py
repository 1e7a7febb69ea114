"""The edit journal: every edit of a story is one step, kept per story and per author, that can be undone and redone.

A step stores, for each document it touched, the fields it changed before and after (a whole document
for a creation or a deletion). Undoing writes the `before` values back, but only while the document still
holds the `after` values: an edit made since (another tab, the API) makes the step refuse, writing nothing.
"""

from contextlib import contextmanager
from itertools import takewhile

from bson import ObjectId
from django.db import connection
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_noop
from django_mongodb_backend import transaction

from ..exceptions import StoryRuleError
from ..models import Asset, Choice, EditStep, Scenario, Scene, User
from ..permissions import ensure_can_edit
from .progress import send_players_back

HISTORY_LIMIT = 200  # steps undo can reach back, per story and author
HISTORY_DAYS = 30  # how long a step is kept (the TTL index of migration 0013)
FIELDS = {
    "scene": (
        "title",
        "text",
        "order",
        "is_start_scene",
        "is_end_scene",
        "ending_kind",
        "tags",
        "group",
        "position_x",
        "position_y",
        "image_id",
        "sound_id",
        "music_id",
        "effects",
    ),
    "choice": ("from_scene_id", "to_scene_id", "text", "condition", "locked_reason", "effects", "order"),
    "scenario": ("title", "description", "language", "tags", "cover_image_id"),  # publishing is no step
}
MODELS = {"scene": Scene, "choice": Choice, "scenario": Scenario}


def snapshot(kind: str, document) -> dict:
    values = {name: _plain(getattr(document, name)) for name in FIELDS[kind]}
    values["created_at"] = document.created_at.isoformat()
    return values


def _plain(value):
    return str(value) if isinstance(value, ObjectId) else value


def _stored(name: str, value):
    return (ObjectId(value) if value else None) if name.endswith("_id") else value


class Recorder:
    """Collects the documents an edit touches: their state before, then after."""

    def __init__(self):
        self.before: dict[tuple, dict | None] = {}
        self.created: dict[tuple, dict] = {}  # documents the edit saved last: their state after, without a read
        self.names: dict[tuple, str] = {}  # once `changes` ran: each document's title (or text) after the edit

    def watch(self, kind: str, documents) -> None:
        for document in documents:
            key = (kind, str(document.pk))
            self.before.setdefault(key, snapshot(kind, document))

    def watch_query(self, kind: str, queryset) -> None:
        self.watch(kind, list(queryset))

    def add(self, kind: str, document) -> None:
        """A document the edit created, once saved and not changed after: its state after is the one in hand."""
        key = (kind, str(document.pk))
        self.before.setdefault(key, None)
        self.created[key] = snapshot(kind, document)

    def changes(self) -> list[dict]:
        changes, now = [], dict(self.created)
        for kind, model in MODELS.items():
            ids = [ObjectId(pk) for watched, pk in self.before if watched == kind and (watched, pk) not in now]
            if ids:
                now |= {
                    (kind, str(document.pk)): snapshot(kind, document) for document in model.objects.filter(pk__in=ids)
                }
        self.names = {key: values.get("title", "") or values.get("text", "") for key, values in now.items()}
        for (kind, pk), before in self.before.items():
            after = now.get((kind, pk))
            if before is None and after is None:
                continue
            if before is not None and after is not None:
                changed = [name for name in FIELDS[kind] if before[name] != after[name]]
                if not changed:
                    continue
                before = {name: before[name] for name in changed}
                after = {name: after[name] for name in changed}
            changes.append({"model": kind, "id": pk, "before": before, "after": after})
        # Deletions of choices go before a scene's, creations of scenes before their choices'.
        changes.sort(key=lambda change: _order(change))
        return changes


def _order(change) -> int:
    if change["after"] is None:  # deleted: choices first, then scenes
        return 0 if change["model"] == "choice" else 1
    if change["before"] is None:  # created: scenes first, then choices
        return 2 if change["model"] == "scene" else 3
    return 4


Label = tuple[str, dict]  # a step's wording (an English msgid, marked for translation) and what fills it


def worded(wording: str, **details) -> Label:
    """A step's label: `EditStep.label` is its English (the admin's, a refusal's), an interface translates the
    wording (studio/words.py)."""
    return wording, details


@contextmanager
def recorded(*, editor: User, scenario_id, kind: str, label: Label | None = None):
    """Record what the block changes as one step of `editor`'s history; nothing if the block raises."""
    recorder = Recorder()
    yield recorder
    changes = recorder.changes()
    if changes:
        record(
            editor=editor,
            scenario_id=scenario_id,
            kind=kind,
            label=label or describe(changes, recorder.names),
            changes=changes,
        )


def record(*, editor: User, scenario_id, kind: str, label: Label, changes: list[dict]) -> EditStep:
    """Add a step: one command, the insert, whatever the journal holds.

    What a new edit leaves behind is never reached again, and is removed off the write path: the steps that could
    be redone before it (undo passes over them, and the next undo deletes them), those beyond the journal's limit
    (the next undo deletes them; undo never reaches past the limit), and every step after HISTORY_DAYS (a TTL
    index, migration 0013: an author who never undoes)."""
    wording, details = label
    return EditStep.objects.create(
        scenario_id=scenario_id,
        author=editor,
        kind=kind,
        label=(wording % details)[:300],
        wording=wording,
        details=details,
        changes=changes,
    )


def describe(changes: list[dict], names: dict[tuple, str]) -> Label:
    """What a step did, in the words of the undo button: “rename “La crique””. `names`: each changed document's
    title (or text) after the edit, as `Recorder.changes` leaves them (a deleted one has none)."""

    def name_after(change) -> str:
        return names.get((change["model"], change["id"]), "")

    first = changes[0]
    kind, before, after = first["model"], first["before"], first["after"]
    name = (before or after).get("title") or (before or after).get("text") or ""
    if before is None:
        if kind == "scene":
            return worded(gettext_noop("add scene “%(name)s”"), name=name)
        return worded(gettext_noop("add choice “%(name)s”"), name=name)
    if after is None:
        scene = next((c for c in changes if c["model"] == "scene" and c["after"] is None), None)
        if scene:
            return worded(gettext_noop("delete “%(title)s”"), title=scene["before"]["title"])
        return worded(gettext_noop("delete choice “%(name)s”"), name=name)
    if kind == "choice":
        return worded(gettext_noop("edit choice “%(name)s”"), name=name_after(first))
    fields = set(before)
    title = name_after(first)
    starts = [c for c in changes if c["model"] == "scene" and c["after"] and c["after"].get("is_start_scene")]
    if starts:
        return worded(gettext_noop("make “%(title)s” the start"), title=name_after(starts[0]))
    if fields == {"title"}:
        return worded(gettext_noop("rename “%(title)s”"), title=before["title"])
    if fields <= {"position_x", "position_y"}:
        return worded(gettext_noop("move “%(title)s”"), title=title)
    if fields == {"group"}:
        if after["group"]:
            return worded(gettext_noop("group “%(group)s”"), group=after["group"])
        return worded(gettext_noop("ungroup “%(group)s”"), group=before["group"])
    if fields == {"text"}:
        return worded(gettext_noop("edit the text of “%(title)s”"), title=title)
    if fields & {"is_end_scene", "ending_kind"}:
        return worded(gettext_noop("change the ending of “%(title)s”"), title=title)
    return worded(gettext_noop("edit “%(title)s”"), title=title)


# Reading the stacks ---------------------------------------------------------


def _reachable(*, editor: User, scenario: Scenario) -> tuple[list[dict], dict | None]:
    """What redo and undo can reach, in one command: the steps that can be redone, newest first (redo takes the
    last), and the step undo takes, or None.

    The journal is read newest first, at most the limit and one more step: the undone steps before the first
    done one can be redone; that done step is the next undo, unless the redo steps already fill the limit.
    Undone steps after it were dropped by a new edit (the next undo deletes them)."""
    found = connection.get_collection(EditStep._meta.db_table).aggregate(
        [
            {"$match": {"scenario_id": scenario.pk, "author_id": editor.pk}},
            {"$sort": {"created_at": -1, "_id": -1}},
            {"$limit": HISTORY_LIMIT + 1},
            {
                "$group": {
                    "_id": None,
                    "steps": {
                        "$push": {
                            "id": "$_id",
                            "label": "$label",
                            "wording": "$wording",
                            "details": "$details",
                            "undone": "$is_undone",
                        }
                    },
                }
            },
        ],
        session=connection.session,
    )
    steps = next(iter(found), {"steps": []})["steps"]
    redoable = list(takewhile(lambda step: step["undone"], steps))
    undoable = steps[len(redoable)] if len(redoable) < min(len(steps), HISTORY_LIMIT) else None
    return redoable, undoable


def _light(scenario: Scenario, editor: User, found: dict | None) -> EditStep | None:
    """A step as the buttons need it (its id and label), without reading it. A step recorded before labels had a
    wording (December 2026) has none: it is said in English."""
    return found and EditStep(
        pk=found["id"],
        scenario=scenario,
        author=editor,
        label=found["label"],
        wording=found.get("wording") or "",
        details=found.get("details") or {},
    )


def _whole(found: dict | None) -> EditStep | None:
    """A step as undo and redo need it (its changes), read."""
    return found and EditStep.objects.filter(pk=found["id"]).first()


def next_steps(*, editor: User, scenario: Scenario) -> tuple[EditStep | None, EditStep | None]:
    """The steps undo and redo would take, in one command (their ids and labels): what the buttons show."""
    redoable, undoable = _reachable(editor=editor, scenario=scenario)
    return _light(scenario, editor, undoable), _light(scenario, editor, redoable[-1] if redoable else None)


def next_undo(*, editor: User, scenario: Scenario) -> EditStep | None:
    _redoable, undoable = _reachable(editor=editor, scenario=scenario)
    return _whole(undoable)


def next_redo(*, editor: User, scenario: Scenario) -> EditStep | None:
    redoable, _undoable = _reachable(editor=editor, scenario=scenario)
    return _whole(redoable[-1] if redoable else None)


# Undo and redo --------------------------------------------------------------


def undo(*, editor: User, scenario: Scenario) -> EditStep:
    """Take back `editor`'s latest step of the story; refused, writing nothing, if it no longer applies."""
    ensure_can_edit(editor, scenario)
    redoable, undoable = _reachable(editor=editor, scenario=scenario)
    step = _whole(undoable)
    if step is None:
        raise StoryRuleError("There is nothing to undo.")
    operations = [(c["model"], c["id"], c["after"], c["before"]) for c in reversed(step.changes)]
    with transaction.atomic():
        _apply(scenario, step, operations, "undone")
        EditStep.objects.filter(pk=step.pk).update(is_undone=True)
        _forget_unreachable(step, keep=HISTORY_LIMIT - len(redoable) - 1)
    step.is_undone = True
    return step


def _forget_unreachable(step: EditStep, *, keep: int) -> None:
    """Delete what no undo or redo can reach once `step` is undone: the undone steps older than it (a later edit
    dropped them), and the done steps older than its `keep` predecessors (beyond the journal's limit)."""
    older = EditStep.objects.filter(scenario_id=step.scenario_id, author_id=step.author_id).filter(
        Q(created_at__lt=step.created_at) | Q(created_at=step.created_at, pk__lt=step.pk)
    )
    older.filter(is_undone=True).delete()
    for created_at, pk in older.order_by("-created_at", "-pk").values_list("created_at", "pk")[keep : keep + 1]:
        older.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lte=pk)).delete()


def redo(*, editor: User, scenario: Scenario) -> EditStep:
    """Do again the step `editor` undid last; refused, writing nothing, if it no longer applies."""
    ensure_can_edit(editor, scenario)
    step = next_redo(editor=editor, scenario=scenario)
    if step is None:
        raise StoryRuleError("There is nothing to redo.")
    _apply(scenario, step, [(c["model"], c["id"], c["before"], c["after"]) for c in step.changes], "redone")
    EditStep.objects.filter(pk=step.pk).update(is_undone=False)
    step.is_undone = False
    return step


def touched_scenes(step: EditStep) -> list[str]:
    """The scenes a step changed, and those of the choices it changed: what a map redraws."""
    ids = []
    for change in step.changes:
        values = (
            [change["id"]]
            if change["model"] == "scene"
            else [
                (change[side] or {}).get(name)
                for side in ("before", "after")
                for name in ("from_scene_id", "to_scene_id")
            ]
            if change["model"] == "choice"
            else []
        )
        ids += [value for value in values if value and value not in ids]
    return ids


def _apply(scenario: Scenario, step: EditStep, operations: list[tuple], done: str) -> None:
    refusal = StoryRuleError(
        f"“{step.label}” cannot be {done}: the story was changed since "
        "(in another tab or by another editor). Nothing was changed."
    )
    current = {}
    for kind, pk, expected, _target in operations:
        document = MODELS[kind].objects.filter(pk=ObjectId(pk)).first()
        if document is not None and kind != "scenario" and document.scenario_id != scenario.pk:
            raise refusal
        current[(kind, pk)] = document
        if expected is None:
            if document is not None:
                raise refusal
            continue
        if document is None:
            raise refusal
        values = snapshot(kind, document)
        if any(values[name] != value for name, value in expected.items() if name != "created_at"):
            raise refusal
    removed = {pk for kind, pk, _e, target in operations if target is None}
    added = {pk for kind, pk, expected, _t in operations if expected is None}
    for kind, pk, _expected, target in operations:
        if kind == "scene" and target is None:
            linked = Choice.objects.filter(
                Q(from_scene_id=ObjectId(pk)) | Q(to_scene_id=ObjectId(pk)), scenario=scenario
            )
            if any(str(choice) not in removed for choice in linked.values_list("pk", flat=True)):
                raise refusal
        if kind == "choice" and target is not None:
            for name in ("from_scene_id", "to_scene_id"):
                scene_id = target.get(name)
                if (
                    scene_id
                    and scene_id not in added
                    and not Scene.objects.filter(pk=ObjectId(scene_id), scenario=scenario).exists()
                ):
                    raise refusal
    now = timezone.now()
    with transaction.atomic():
        for kind, pk, expected, target in operations:
            model = MODELS[kind]
            if target is None:
                if kind == "scene":
                    _remove_scene(scenario, ObjectId(pk))
                else:
                    model.objects.filter(pk=ObjectId(pk)).delete()
            elif expected is None:
                fields = {name: _stored(name, value) for name, value in target.items() if name != "created_at"}
                extra = {"scenario_id": scenario.pk} if kind != "scenario" else {}
                model(pk=ObjectId(pk), created_at=parse_datetime(target["created_at"]), **extra, **fields).save(
                    force_insert=True
                )
            else:
                fields = {name: _stored(name, value) for name, value in target.items()}
                if kind == "scene":
                    fields["version"] = F("version") + 1
                model.objects.filter(pk=ObjectId(pk)).update(**fields, updated_at=now)


def _remove_scene(scenario: Scenario, pk: ObjectId) -> None:
    """As `delete_scene` does: players there go back to the start; media lose the scene."""
    Asset.objects.filter(scene_id=pk).update(scene=None)
    send_players_back(scenario, pk)
    Scene.objects.filter(pk=pk).delete()
