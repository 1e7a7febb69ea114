"""Twine import speed: a generated 2,000-passage Twee file, imported into the embedded database.

Prints passages per second for the whole import and the ratio of import time to the time of
merely parsing the file, measured in one run.

    .venv/bin/python bench/twine_import.py [--passages 2000]
"""

import argparse
import random
import time

from _embedded import setup_django


def generated_twee(count: int) -> str:
    rng = random.Random(7)
    chunks = [":: StoryTitle\nGenerated", ':: StoryData\n{"ifid": "0F2A6B4C-1D3E-4F5A-8B7C-9D0E1F2A3B4C", "start": "P0"}']
    for number in range(count):
        links = [] if number >= count - 10 else [
            f"[[Option {k}->P{min(count - 1, number + rng.randint(1, 40))}]]" for k in range(2)]
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

    author = User.objects.create_user("bench@example.com", "bench-password-1", role=Role.AUTHOR)
    data = generated_twee(args.passages).encode()
    began = time.perf_counter()
    parse_twee(data.decode())
    parsing = time.perf_counter() - began
    began = time.perf_counter()
    [report] = import_twine_file(author=author, filename="generated.twee", data=data)
    importing = time.perf_counter() - began
    assert Scene.objects.filter(scenario=report.scenario).count() == args.passages
    print(f"{args.passages} passages, {report.choice_count} links, {len(data) / 1e6:.1f} MB")
    print(f"  parse only:  {parsing:6.2f} s")
    print(f"  full import: {importing:6.2f} s  ({args.passages / importing:,.0f} passages/s)")
    print(f"  import / parse: {importing / parsing:.1f}x")


if __name__ == "__main__":
    main()
