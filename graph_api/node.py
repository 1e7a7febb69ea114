"""Relay's `node(id:)`, answering an id it cannot use with NOT_FOUND instead of an internal error.

graphene's own field raises bare exceptions for an id that is not base64 of "Type:id" or that
names a type without the Node interface; here they are the same clear refusal as a missing
document. Permissions stay with each type's `get_node`.
"""

from graphene import relay
from graphene.relay.node import NodeField as RelayNodeField
from graphql_relay import from_global_id

from story_admin.exceptions import NotFound, StoryError

from .errors import from_story_error


def _node_type(info, global_id):
    type_name = from_global_id(str(global_id)).type if global_id else ""
    graphql_type = info.schema.get_type(type_name) if type_name else None
    graphene_type = getattr(graphql_type, "graphene_type", None)
    interfaces = getattr(getattr(graphene_type, "_meta", None), "interfaces", ())
    return graphene_type if relay.Node in interfaces else None


class NodeField(RelayNodeField):
    def __init__(self, **kwargs):
        super().__init__(relay.Node, **kwargs)

    def wrap_resolve(self, parent_resolver):
        def resolve(root, info, id):
            try:
                if _node_type(info, id) is None:
                    raise NotFound(f"No object has the id “{id}”.")
                return relay.Node.get_node_from_global_id(info, id)
            except StoryError as error:
                raise from_story_error(error) from None

        return resolve
