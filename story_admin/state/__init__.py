"""Story state: variables, items, conditions and effects, stored as JSON Logic and evaluated on the server."""
