"""Fuzz /graphql/ with schemathesis: examples tried and failures, per caller and kind of input.

The checks of tests/graph_api/test_fuzzing.py (no 5xx or internal error, no stack trace or
path in a response, refused mutations and all queries leave the database unchanged), with
more examples, random seeds and, for each failing operation, its smallest failing document.

    .venv/bin/python bench/fuzz_graphql.py [--examples 30] [--negative 10]
"""

import argparse
import logging
import time

from _embedded import setup_django, start_embedded_redis


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=30, help="valid documents per operation and caller")
    parser.add_argument("--negative", type=int, default=10, help="broken documents per operation and caller")
    args = parser.parse_args()
    start_embedded_redis()
    setup_django()
    from django.conf import settings
    from django.test.utils import setup_test_environment
    from schemathesis import GenerationMode

    # A fast hasher: the fuzzer signs in with wrong passwords thousands of times; what is measured is the answers.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    setup_test_environment()  # Django's test client, in-process, through the whole middleware stack
    logging.getLogger("django.request").setLevel(logging.ERROR)  # thousands of expected 400s

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

    world = build_world()
    register_scalars(world)
    baseline, every_operation = snapshot(), operations()
    began, rows, failures = time.monotonic(), [], []
    for role in ROLES:
        for mode, count in ((GenerationMode.POSITIVE, args.examples), (GenerationMode.NEGATIVE, args.negative)):
            tally = Tally()
            for operation in every_operation:
                try:
                    fuzz_operation(
                        operation,
                        world,
                        baseline,
                        role=role,
                        mode=mode,
                        max_examples=count,
                        tally=tally,
                        derandomize=False,
                    )
                except FuzzFailure as failure:
                    tally.failures.append(str(failure))
            rows.append((role, mode.value, tally.examples, len(tally.failures)))
            failures += tally.failures
            print(
                f"  {role:<10} {mode.value:<9} {tally.examples:6d} examples  {len(tally.failures):3d} failing operations",
                flush=True,
            )
    examples = sum(row[2] for row in rows)
    print(
        f"{len(every_operation)} operations x {len(ROLES)} callers: {examples} examples in "
        f"{time.monotonic() - began:.0f} s, {len(failures)} failing operations"
    )
    for failure in failures:
        print("\n" + failure)
    raise SystemExit(1 if failures else 0)


if __name__ == "__main__":
    main()
