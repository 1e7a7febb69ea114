"""A story's state for its author: declare, change, rename (every use follows) and delete variables and items."""

import graphene

from story_admin.models import Scenario
from story_admin.services import state

from ..auth import require_user
from ..ids import load
from ..scalars import JSONString
from ..types import ItemType, ScenarioType, VariableType
from .base import ServiceMutation, provided

VARIABLE_INPUTS = ("kind", "initial", "minimum", "maximum", "visible", "description")


class VariableInput(graphene.InputObjectType):
    name = graphene.String(description="A new name renames the variable in every condition and effect.")
    kind = graphene.String(description="number, flag or text.")
    initial = JSONString(description="The value a player starts with (a number, true/false, or a text).")
    minimum = graphene.Float()
    maximum = graphene.Float()
    visible = graphene.Boolean(description="Shown to players (default), or hidden.")
    description = graphene.String()


def _variable(variable) -> VariableType:
    return VariableType(
        name=variable.name,
        kind=str(variable.kind),
        initial=variable.initial,
        minimum=variable.minimum,
        maximum=variable.maximum,
        visible=variable.visible,
        description=variable.description,
    )


class StateMutation(ServiceMutation):
    class Meta:
        abstract = True

    scenario = graphene.Field(ScenarioType)


class DeclareVariable(StateMutation):
    class Arguments:
        scenario_id = graphene.ID(required=True)
        input = VariableInput(required=True)

    variable = graphene.Field(VariableType)

    @classmethod
    def perform(cls, root, info, scenario_id, input):
        scenario = load(Scenario, scenario_id, "story")
        variable = state.declare_variable(
            editor=require_user(info),
            scenario=scenario,
            name=input.get("name") or "",
            kind=input.get("kind") or "number",
            **provided(input, *VARIABLE_INPUTS[1:]),
        )
        return cls(
            success=True,
            message=f"Variable “{variable.name}” declared.",
            variable=_variable(variable),
            scenario=scenario,
        )


class UpdateVariable(StateMutation):
    class Arguments:
        scenario_id = graphene.ID(required=True)
        name = graphene.String(required=True)
        input = VariableInput(required=True)

    variable = graphene.Field(VariableType)

    @classmethod
    def perform(cls, root, info, scenario_id, name, input):
        scenario = load(Scenario, scenario_id, "story")
        variable = state.update_variable(
            editor=require_user(info),
            scenario=scenario,
            name=name,
            new_name=input.get("name"),
            **provided(input, *VARIABLE_INPUTS),
        )
        return cls(
            success=True, message=f"Variable “{variable.name}” saved.", variable=_variable(variable), scenario=scenario
        )


class DeleteVariable(StateMutation):
    class Arguments:
        scenario_id = graphene.ID(required=True)
        name = graphene.String(required=True)

    @classmethod
    def perform(cls, root, info, scenario_id, name):
        scenario = load(Scenario, scenario_id, "story")
        state.delete_variable(editor=require_user(info), scenario=scenario, name=name)
        return cls(success=True, message=f"Variable “{name}” deleted.", scenario=scenario)


class ItemInput(graphene.InputObjectType):
    name = graphene.String(description="A new name renames the item in every condition and effect.")
    description = graphene.String()


class DeclareItem(StateMutation):
    class Arguments:
        scenario_id = graphene.ID(required=True)
        input = ItemInput(required=True)

    item = graphene.Field(ItemType)

    @classmethod
    def perform(cls, root, info, scenario_id, input):
        scenario = load(Scenario, scenario_id, "story")
        item = state.declare_item(
            editor=require_user(info),
            scenario=scenario,
            name=input.get("name") or "",
            description=input.get("description") or "",
        )
        return cls(success=True, message=f"Item “{item['name']}” declared.", item=ItemType(**item), scenario=scenario)


class UpdateItem(StateMutation):
    class Arguments:
        scenario_id = graphene.ID(required=True)
        name = graphene.String(required=True)
        input = ItemInput(required=True)

    item = graphene.Field(ItemType)

    @classmethod
    def perform(cls, root, info, scenario_id, name, input):
        scenario = load(Scenario, scenario_id, "story")
        item = state.update_item(
            editor=require_user(info),
            scenario=scenario,
            name=name,
            new_name=input.get("name"),
            description=input.get("description"),
        )
        return cls(success=True, message=f"Item “{item['name']}” saved.", item=ItemType(**item), scenario=scenario)


class DeleteItem(StateMutation):
    class Arguments:
        scenario_id = graphene.ID(required=True)
        name = graphene.String(required=True)

    @classmethod
    def perform(cls, root, info, scenario_id, name):
        scenario = load(Scenario, scenario_id, "story")
        state.delete_item(editor=require_user(info), scenario=scenario, name=name)
        return cls(success=True, message=f"Item “{name}” deleted.", scenario=scenario)
