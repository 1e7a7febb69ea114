"""Generated queries and mutations (schemathesis) for every operation, as each kind of caller.

A bounded run: a few examples of each of the 60 operations, valid ones and broken ones, as
anonymous, player and author. bench/fuzz_graphql.py runs the same checks with more examples.
"""

import pytest
from schemathesis import GenerationMode

from tests.graph_api.fuzzing import (
    ROLES,
    FuzzFailure,
    Tally,
    build_world,
    fuzz_operation,
    operations,
    register_scalars,
    snapshot,
)

pytestmark = pytest.mark.django_db

EXAMPLES = {GenerationMode.POSITIVE: 4, GenerationMode.NEGATIVE: 2}


@pytest.mark.parametrize("role", ROLES)
def test_generated_operations_get_clear_answers_and_refusals_change_nothing(role, rq_redis):
    world = build_world()
    register_scalars(world)
    baseline, tally, failures = snapshot(), Tally(), []
    for operation in operations():
        for mode, count in EXAMPLES.items():
            try:
                fuzz_operation(operation, world, baseline, role=role, mode=mode, max_examples=count, tally=tally)
            except FuzzFailure as failure:
                failures.append(str(failure))
    assert tally.examples >= 60 * 3
    assert not failures, "\n\n".join(failures)
