"""Database commands per action: the same whatever the story's size, and within the bounds bench/commands.py prints."""

from tests.command_actions import World, actions, count

# The account a request signs in with is kept in Redis (story_admin.account_cache): a request whose account was
# used in the last ACCOUNT_CACHE_SECONDS reads no `users` (the actions warm first, so each is counted kept).
# A step: progress, its story, the step's part of the story (choices, then the scenes reached: not the whole
# story), the conditional write, and the step counted in the story's figures (one `$inc`: the Players page then
# reads no player's progress); constant at any size. No join can fold a read on the embedded server.
BOUNDS = {
    "graphql: makeChoice": 6,
    "graphql: recordProgress": 6,
    "graphql: allScenarios with scenes": 4,
    "graphql: scenariosByAuthor": 4,
    "graphql: read the whole story": 4,
    # The story, its scenes' titles, orders and places in one read (unique title, "first scene?", next order and
    # place), the insert, and the journal's step (one insert: what no undo reaches is deleted by the next undo and
    # by the journal's TTL index).
    "graphql: createScene": 4,
    # Both scenes in one read, their story, the next order among the scene's choices, the insert, the journal's
    # step.
    "graphql: createChoice": 5,
    # What the old editor sends: the order given, so no read of the scene's choices.
    "graphql: createChoice, the editor's (order sent)": 4,
    # The scene, its story, the unique-title check, the scene before (the journal), the conditional write, its new
    # version, the commit, the scene after (the journal; the undo label is named from it, not read again), the
    # journal's step.
    "graphql: updateScene": 9,
    # The whole map, embedded in the page: session, story, scenes, choices (the map's outline: no assets), and the
    # undo and redo labels in one read.
    "studio: open the map": 5,
}


def test_every_action_sends_as_many_commands_on_a_large_story_as_on_a_small_one_within_its_bound(
    db, rq_redis, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    small = actions(World.build(scenes=4, stories=2, label="small"))
    large = actions(World.build(scenes=30, stories=8, label="large"))
    differing, over = {}, {}
    for name in small:
        count(small[name]), count(large[name])  # first use warms per-process lookups
        at_small, at_large = count(small[name]), count(large[name])
        if len(at_small) != len(at_large):
            differing[name] = (at_small, at_large)
        if len(at_large) > BOUNDS.get(name, len(at_large)):
            over[name] = at_large
    assert differing == {}
    assert over == {}


def test_a_players_step_joins_no_collection(db, rq_redis, settings):
    """makeChoice and recordProgress read the progress, its story and the choice by equality, never by
    `select_related`: the embedded server's `$lookup` ran over every choice of every story before filtering
    (35 s a step once a database held 1,000 choices, and the connection was lost)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    steps = actions(World.build(scenes=4, label="joins"))
    for name in ("graphql: makeChoice", "graphql: recordProgress"):
        commands = count(steps[name])
        assert commands.lookups == [], name
        assert len(commands) <= BOUNDS[name]
