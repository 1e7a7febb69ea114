"""Twine import speed: a generated 2,000-passage Twee file, imported into the embedded database.

Prints passages per second for the whole import, with the embedded server's batch-insert shim
(shim 7) and without it, side by side in one run, and the ratio of import time to the time of
merely parsing the file. Goal (issue 14): 2,000 passages in under 1.5 s, >= 8x without the shim.

    .venv/bin/python bench/twine_import.py [--passages 2000]
"""

import argparse
import random
import time

from _embedded import setup_django


def generated_twee(count: int) -> str:
    rng = random.Random(7)
    chunks = [
        ":: StoryTitle\nGenerated",
        ':: StoryData\n{"ifid": "0F2A6B4C-1D3E-4F5A-8B7C-9D0E1F2A3B4C", "start": "P0"}',
    ]
    for number in range(count):
        links = (
            []
            if number >= count - 10
            else [f"[[Option {k}->P{min(count - 1, number + rng.randint(1, 40))}]]" for k in range(2)]
        )
        body = f"Passage {number}. " + "The wind rises over the moor. " * 6 + "\n" + "\n".join(links)
        chunks.append(f':: P{number} [generated] {{"position":"{(number % 50) * 120},{(number // 50) * 120}"}}\n{body}')
    return "\n\n".join(chunks) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=2000)
    args = parser.parse_args()
    setup_django()
    from story_admin.models import Role, Scene, User
    from story_admin.services.twine import import_twine_file
    from story_admin.twine.twee import parse_twee

    from studio.embedded import mongo

    author = User.objects.create_user("bench@example.com", "bench-password-1", role=Role.AUTHOR)
    data = generated_twee(args.passages).encode()
    began = time.perf_counter()
    parse_twee(data.decode())
    parsing = time.perf_counter() - began

    def timed_import() -> tuple[float, object]:
        began = time.perf_counter()
        [report] = import_twine_file(author=author, filename="generated.twee", data=data)
        seconds = time.perf_counter() - began
        assert Scene.objects.filter(scenario=report.scenario).count() == args.passages
        return seconds, report

    batched, report = timed_import()
    shim = mongo.DatabaseAdminWriteCommandService.command_insert
    mongo.DatabaseAdminWriteCommandService.command_insert = mongo._original_command_insert
    try:
        one_by_one, _ = timed_import()
    finally:
        mongo.DatabaseAdminWriteCommandService.command_insert = shim
    print(f"{args.passages} passages, {report.choice_count} links, {len(data) / 1e6:.1f} MB")
    print(f"  parse only:                 {parsing:6.2f} s")
    print(f"  import, batch-insert shim:  {batched:6.2f} s  ({args.passages / batched:,.0f} passages/s)")
    print(f"  import, one by one:         {one_by_one:6.2f} s  ({args.passages / one_by_one:,.0f} passages/s)")
    print(f"  one by one / batched: {one_by_one / batched:.1f}x; import / parse: {batched / parsing:.1f}x")
    print(f"goal (2,000 passages under 1.5 s): {'met' if batched < 1.5 * args.passages / 2000 else 'NOT met'}")
    print(f"goal (>= 8x the one-by-one import): {'met' if one_by_one / batched >= 8 else 'NOT met'}")


if __name__ == "__main__":
    main()
