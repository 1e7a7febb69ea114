"""MongoDB commands per action, on a 10-scene and a 500-scene story (and list queries at 10 and 100 stories).

Counts, not timings: the stable figure on a noisy machine. Each action is what a real client sends
(tests/command_actions.py); pymongo's command monitoring counts what reaches the database.

    .venv/bin/python bench/commands.py
"""

import sys

from _embedded import ROOT, setup_django, start_embedded_redis

sys.path.insert(0, str(ROOT))
from tests import command_count  # noqa: E402

# action -> most commands allowed (absent: only "the same at both sizes"). Each action is counted after a warm-up,
# so with the account the request signs in with kept in Redis (story_admin.account_cache, ACCOUNT_CACHE_SECONDS):
# no read of `users`. A player's step reads its part of the story, not the whole: progress, story, choices, the
# scenes reached, the write, and the step counted in the story's figures (issue #19's counters, one `$inc`): 6
# today against the issue's 4; the reads would need joins (the embedded server runs them over whole collections). createScene and createChoice (issue #14's goal: 4) send 4 and 5 today: the story (and
# for a choice both scenes in one read), one read of the scenes' titles and places or of the next order, the
# insert, and the edit journal's step (one insert; the next undo and a TTL index remove what no undo reaches). The
# old editor sends a choice's order (`order: 0`) on every create, so its createChoice reads no next order: 4. The
# map (goal 5) sends 5: session, story, the map's outline of the story (scenes, choices), the undo and redo labels
# in one read. `ACCOUNT_CACHE_SECONDS=0 .venv/bin/python bench/commands.py` counts without the cache: one more each.
GOALS = {
    "graphql: makeChoice": 4,
    "graphql: recordProgress": 4,
    "graphql: allScenarios with scenes": 5,
    "graphql: scenariosByAuthor": 5,
    "graphql: createScene": 4,
    "graphql: createChoice": 4,
    "graphql: createChoice, the editor's (order sent)": 4,
    "studio: open the map": 5,
}


def main():
    command_count.listen()
    start_embedded_redis()
    setup_django()
    from django.conf import settings
    from django.test.utils import setup_test_environment

    from tests.command_actions import World, actions, count

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["*"]
    setup_test_environment()
    small, large = (
        World.build(scenes=10, stories=10, label="small"),
        World.build(scenes=500, stories=100, label="large"),
    )
    small_actions, large_actions = actions(small), actions(large)
    print(f"{'action':50} {'10 scenes':>10} {'500 scenes':>11}   (lists: 10 and 100 stories)")
    met = []
    for name in small_actions:
        count(small_actions[name]), count(large_actions[name])  # warm: caches, first-use lookups
        at_small, at_large = count(small_actions[name]), count(large_actions[name])
        print(f"{name:50} {len(at_small):>10} {len(at_large):>11}")
        if "-v" in sys.argv:
            print("      " + ", ".join(at_large))
        same = len(at_small) == len(at_large)
        bound = GOALS.get(name)
        ok = same and (bound is None or len(at_large) <= bound)
        met.append((name, bound, same, ok))
    print()
    for name, bound, same, ok in met:
        what = f"same count at both sizes{f', at most {bound}' if bound else ''}"
        print(f"goal ({name}: {what}): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
