"""How GraphQL queries are executed: synchronously, as every resolver here is (the Django ORM)."""

import inspect

from graphql import ExecutionContext


class SynchronousExecutionContext(ExecutionContext):
    """graphql-core's execution with a cheaper awaitable test on each resolved value.

    Its default test also looks for an `__await__` attribute on every value, which on a model instance
    raises and catches an AttributeError: ~46,000 times for a 500-scene story. No resolver here returns
    anything awaitable but a coroutine, which is still recognised.
    """

    is_awaitable = staticmethod(inspect.iscoroutine)
