"""Declaring a story's variables and items: unique names, renamed everywhere, never deleted while used."""

import pytest

from story_admin.exceptions import NotFound, PermissionDenied, StoryRuleError
from story_admin.models import Choice, Scenario, Scene
from story_admin.services import state
from story_admin.state.expressions import condition_text, effects_text, parse_condition, parse_effects
from story_admin.state.schema import schema_of
from tests.snapshots import database_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def lighthouse(story, author):
    """The Cellar with gold, a lamp flag and a lantern used in conditions and effects."""
    state.declare_variable(editor=author, scenario=story, name="gold", kind="number", initial=5, minimum=0)
    state.declare_variable(editor=author, scenario=story, name="lamp_lit", kind="flag")
    state.declare_item(editor=author, scenario=story, name="lantern", description="Old, but it works.")
    Scene.objects.filter(scenario=story, title="Middle").update(effects=parse_effects('gold += 2; gain "lantern"'))
    Choice.objects.filter(scenario=story, text="Open the door").update(
        condition=parse_condition('gold >= 5 and has("lantern")'),
        locked_reason="You need 5 gold pieces.",
        effects=parse_effects("toggle lamp_lit"),
    )
    return Scenario.objects.get(pk=story.pk)


def texts(story):
    middle = Scene.objects.get(scenario=story, title="Middle")
    door = Choice.objects.get(scenario=story, text="Open the door")
    return effects_text(middle.effects), condition_text(door.condition), effects_text(door.effects)


def test_declared_state_becomes_the_engines_schema(lighthouse):
    schema = schema_of(lighthouse)
    assert schema.variables["gold"].initial == 5 and schema.variables["gold"].minimum == 0
    assert schema.variables["lamp_lit"].initial is False
    assert schema.items == {"lantern"}
    assert schema.initial_state().document() == {"variables": {"gold": 5, "lamp_lit": False}, "items": [], "visits": {}}


@pytest.mark.parametrize("name", ["gold", "lantern"])
def test_names_are_unique_among_variables_and_items(lighthouse, author, name):
    before = database_snapshot()
    with pytest.raises(StoryRuleError, match=f"“{name}” is already the name"):
        state.declare_variable(editor=author, scenario=lighthouse, name=name, kind="flag")
    assert database_snapshot() == before


def test_renaming_a_variable_rewrites_every_use(lighthouse, author):
    state.update_variable(editor=author, scenario=lighthouse, name="gold", new_name="crowns")
    assert texts(lighthouse) == ('crowns += 2\ngain "lantern"', 'crowns >= 5 and has("lantern")', "toggle lamp_lit")
    assert "crowns" in schema_of(Scenario.objects.get(pk=lighthouse.pk)).variables


def test_renaming_an_item_rewrites_every_use(lighthouse, author):
    state.update_item(editor=author, scenario=lighthouse, name="lantern", new_name="brass lantern")
    assert texts(lighthouse) == (
        'gold += 2\ngain "brass lantern"',
        'gold >= 5 and has("brass lantern")',
        "toggle lamp_lit",
    )


def test_a_used_variable_or_item_cannot_be_deleted_and_its_uses_are_listed(lighthouse, author):
    before = database_snapshot()
    with pytest.raises(StoryRuleError) as refused:
        state.delete_variable(editor=author, scenario=lighthouse, name="gold")
    assert refused.value.message == (
        "“gold” is still used, so it cannot be deleted. Used in the effects of "
        "“Middle”; the condition of the choice “Open the door” in “Middle”."
    )
    with pytest.raises(StoryRuleError, match="“lantern” is still used"):
        state.delete_item(editor=author, scenario=lighthouse, name="lantern")
    with pytest.raises(StoryRuleError, match="its kind cannot change"):
        state.update_variable(editor=author, scenario=lighthouse, name="gold", kind="flag", initial=False)
    assert database_snapshot() == before


def test_an_unused_variable_is_deleted(lighthouse, author):
    state.declare_variable(editor=author, scenario=lighthouse, name="unused", kind="text", initial="x")
    state.delete_variable(editor=author, scenario=Scenario.objects.get(pk=lighthouse.pk), name="unused")
    assert "unused" not in schema_of(Scenario.objects.get(pk=lighthouse.pk)).variables
    with pytest.raises(NotFound, match="no variable “unused”"):
        state.delete_variable(editor=author, scenario=Scenario.objects.get(pk=lighthouse.pk), name="unused")


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"name": "and", "kind": "flag"}, "name"),
        ({"name": "x", "kind": "colour"}, "kind"),
        ({"name": "hp", "kind": "number", "initial": 20, "maximum": 10}, "initial"),
    ],
)
def test_bad_declarations_are_refused_on_their_field(story, author, fields, field):
    with pytest.raises(StoryRuleError) as refused:
        state.declare_variable(editor=author, scenario=story, **fields)
    assert field in refused.value.field_errors
    assert Scenario.objects.get(pk=story.pk).variables == []


def test_only_the_author_declares_state(story, other_author):
    with pytest.raises(PermissionDenied):
        state.declare_item(editor=other_author, scenario=story, name="lantern")


def played(story, player, *, variables, items, history):
    """A player's progress in `story` with a state now and a state at each history step."""
    from story_admin.models import HistoryEntry, PlayerProgress

    start = Scene.objects.filter(scenario=story).first() or Scene.objects.create(scenario=story, title="Only")
    return PlayerProgress.objects.create(
        user=player,
        scenario=story,
        current_scene=start,
        state={"variables": variables, "items": items, "visits": {}},
        history=[
            HistoryEntry(scene_id=str(start.pk), state={"variables": step_variables, "items": step_items})
            for step_variables, step_items in history
        ],
    )


def test_renames_reach_every_players_state_in_one_write(lighthouse, author, player):
    from story_admin.models import PlayerProgress
    from tests.factories import UserFactory

    first = played(
        lighthouse,
        player,
        variables={"gold": 7, "lamp_lit": True},
        items=["lantern"],
        history=[({"gold": 5, "lamp_lit": False}, []), ({"gold": 7, "lamp_lit": True}, ["lantern"])],
    )
    second = played(lighthouse, UserFactory(), variables={"gold": 1, "lamp_lit": False}, items=[], history=[])
    elsewhere = played(
        Scenario.objects.create(title="Other", slug="other", author=author),
        player,
        variables={"gold": 99},
        items=["lantern"],
        history=[({"gold": 99}, ["lantern"])],
    )

    state.update_variable(editor=author, scenario=lighthouse, name="gold", new_name="crowns")
    state.update_item(
        editor=author, scenario=Scenario.objects.get(pk=lighthouse.pk), name="lantern", new_name="brass lantern"
    )

    first, second, elsewhere = (PlayerProgress.objects.get(pk=p.pk) for p in (first, second, elsewhere))
    assert first.state == {"variables": {"lamp_lit": True, "crowns": 7}, "items": ["brass lantern"], "visits": {}}
    assert [step.state for step in first.history] == [
        {"variables": {"lamp_lit": False, "crowns": 5}, "items": []},
        {"variables": {"lamp_lit": True, "crowns": 7}, "items": ["brass lantern"]},
    ]
    assert second.state["variables"] == {"lamp_lit": False, "crowns": 1}
    assert elsewhere.state == {"variables": {"gold": 99}, "items": ["lantern"], "visits": {}}
    assert elsewhere.history[0].state == {"variables": {"gold": 99}, "items": ["lantern"]}


def test_a_rename_writes_players_state_with_one_update_however_many_players(lighthouse, author, monkeypatch):
    """The progress documents are rewritten by one update_many: the writes do not grow with the players."""
    from pymongo.collection import Collection

    from tests.factories import UserFactory

    writes = []
    for method in ("update_one", "update_many", "replace_one", "bulk_write"):
        original = getattr(Collection, method)

        def counted(self, *args, _original=original, _method=method, **kwargs):
            if self.name == "player_progress":
                writes.append(_method)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(Collection, method, counted)

    def progress_writes(players: int, name: str) -> list[str]:
        for _ in range(players):
            played(lighthouse, UserFactory(), variables={name: 1}, items=[], history=[({name: 1}, [])])
        writes.clear()
        state.update_variable(
            editor=author, scenario=Scenario.objects.get(pk=lighthouse.pk), name=name, new_name=f"{name}_x"
        )
        return list(writes)

    assert progress_writes(1, "gold") == progress_writes(5, "gold_x") == ["update_many"]
