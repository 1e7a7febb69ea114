"""Reading story state from Twine macros: a generated SugarCube story of N passages, each with a `<<set>>`,
an `<<if>>…<<else>>…<</if>>` around a link and a setter link, all different conditions.

Prints, in one run, the time to parse the Twee file, the time to read its state (both passes: kinds, then
checked conditions and effects) and their ratio, then the same for a story of the same size without macros.

    .venv/bin/python bench/twine_state.py [--passages 2000]
"""

import argparse
import random
import time

from _embedded import setup_django


def generated_twee(count: int, *, macros: bool) -> str:
    rng = random.Random(7)
    chunks = [
        ":: StoryTitle\nGenerated",
        ':: StoryData\n{"format": "SugarCube", "start": "P0"}',
        ":: StoryInit\n<<set $gold to 5>>\n<<set $key to false>>",
    ]
    for number in range(count):
        target = f"P{min(count - 1, number + rng.randint(1, 40))}"
        prose = f"Passage {number}. " + "The wind rises over the moor. " * 6
        if macros:
            body = (
                f"<<set $gold += 1>>\n{prose}\n<<if $gold gte {number}>>[[Buy->{target}]]<<else>>Too poor."
                f"<</if>>\n[[On->{target}][$key to true]]"
            )
        else:
            body = f"{prose}\n[[Buy->{target}]]\n[[On->{target}]]"
        chunks.append(f":: P{number}\n{body}")
    return "\n\n".join(chunks) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=2000)
    args = parser.parse_args()
    setup_django()
    from story_admin.services.twine_state import read_story_state
    from story_admin.twine.twee import parse_twee

    for macros in (True, False):
        text = generated_twee(args.passages, macros=macros)
        started = time.perf_counter()
        story, _ = parse_twee(text)
        parsed = time.perf_counter()
        state = read_story_state(story, scene_id_of=lambda title: title)
        read = time.perf_counter()
        conditions = sum(1 for passage in state.passages.values() for link in passage.links if link.condition)
        print(
            f"{args.passages} passages {'with' if macros else 'without'} macros: parse {parsed - started:.2f} s, "
            f"state {read - parsed:.2f} s ({(read - parsed) / (parsed - started):.0f}x the parse), "
            f"{len(state.variables)} variables, {conditions} conditioned choices, {len(state.warnings)} warnings"
        )


if __name__ == "__main__":
    main()
