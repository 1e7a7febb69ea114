"""The state engine: the authors' expressions, their JSON Logic form, dice, checks and evaluation."""

import random
import re
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from story_admin.exceptions import StoryRuleError
from story_admin.state.dice import parse_dice
from story_admin.state.engine import (
    Kind,
    PlayerState,
    StateSchema,
    Variable,
    apply_effects,
    check_condition,
    check_effects,
    check_variable,
    holds,
)
from story_admin.state.expressions import (
    ExpressionError,
    condition_text,
    effects_text,
    parse_condition,
    parse_effects,
)

SCHEMA = StateSchema(
    variables={
        "gold": Variable("gold", Kind.NUMBER, 5, minimum=0),
        "stamina": Variable("stamina", Kind.NUMBER, 12, minimum=0, maximum=12),
        "luck": Variable("luck", Kind.NUMBER, 0),
        "key_found": Variable("key_found", Kind.FLAG, False),
        "name": Variable("name", Kind.TEXT, "Ada", visible=False),
    },
    items=frozenset({"lantern", "brass key"}),
)

CONDITIONS = [
    ("gold >= 10", {">=": [{"var": "gold"}, 10]}),
    ('has("lantern")', {"in": ["lantern", {"var": "items"}]}),
    (
        'gold >= 10 and has("brass key")',
        {"and": [{">=": [{"var": "gold"}, 10]}, {"in": ["brass key", {"var": "items"}]}]},
    ),
    (
        "key_found or gold > 3 and not key_found",
        {"or": [{"var": "key_found"}, {"and": [{">": [{"var": "gold"}, 3]}, {"!": {"var": "key_found"}}]}]},
    ),
    (
        "(key_found or gold > 3) and luck < 2",
        {"and": [{"or": [{"var": "key_found"}, {">": [{"var": "gold"}, 3]}]}, {"<": [{"var": "luck"}, 2]}]},
    ),
    ('visited("scene-1")', {">": [{"var": ["visits.scene-1", 0]}, 0]}),
    ('visits("scene-1") <= 2', {"<=": [{"var": ["visits.scene-1", 0]}, 2]}),
    (
        "stamina * 2 > luck + gold - 1",
        {">": [{"*": [{"var": "stamina"}, 2]}, {"-": [{"+": [{"var": "luck"}, {"var": "gold"}]}, 1]}]},
    ),
    ("gold - (luck - 1) != 4", {"!=": [{"-": [{"var": "gold"}, {"-": [{"var": "luck"}, 1]}]}, 4]}),
    ('name == "Zoé"', {"==": [{"var": "name"}, "Zoé"]}),
    ("-gold < -3", {"<": [{"-": [{"var": "gold"}]}, -3]}),
]

EFFECTS = [
    ("gold += 5", {"set": ["gold", {"+": [{"var": "gold"}, 5]}]}),
    ("stamina -= 2", {"set": ["stamina", {"-": [{"var": "stamina"}, 2]}]}),
    ("key_found = true", {"set": ["key_found", True]}),
    ("toggle key_found", {"set": ["key_found", {"!": {"var": "key_found"}}]}),
    ('gain "brass key"', {"gain": "brass key"}),
    ('lose "lantern"', {"lose": "lantern"}),
    ("luck = 2d6", {"roll": ["luck", "2d6"]}),
    ("gold = gold * 2 + 1", {"set": ["gold", {"+": [{"*": [{"var": "gold"}, 2]}, 1]}]}),
]


@pytest.mark.parametrize("text, document", CONDITIONS)
def test_each_condition_parses_to_json_logic_and_prints_back(text, document):
    assert parse_condition(text) == document
    assert condition_text(document) == text
    check_condition(document, SCHEMA)


@pytest.mark.parametrize("text, document", EFFECTS)
def test_each_effect_parses_to_json_logic_and_prints_back(text, document):
    assert parse_effects(text) == [document]
    assert effects_text([document]) == text
    check_effects([document], SCHEMA)


def test_effects_are_separated_by_semicolons_or_lines_and_empty_texts_mean_nothing():
    assert parse_effects("gold += 5; gain lantern\n\nluck = 1d6 + 2") == [
        {"set": ["gold", {"+": [{"var": "gold"}, 5]}]},
        {"gain": "lantern"},
        {"roll": ["luck", "1d6+2"]},
    ]
    assert parse_condition("  ") == {} and condition_text({}) == ""
    assert parse_effects("") == [] and effects_text([]) == ""


def test_scene_references_use_titles_in_text_and_ids_in_documents():
    ids = {"La crypte": "64b000000000000000000001"}
    document = parse_condition('not visited("La crypte")', scene_id_of=ids.__getitem__)
    assert document == {"!": {">": [{"var": ["visits.64b000000000000000000001", 0]}, 0]}}
    titles = {value: key for key, value in ids.items()}
    assert condition_text(document, scene_title_of=titles.__getitem__) == 'not visited("La crypte")'


@pytest.mark.parametrize(
    "text, message",
    [
        ("gold >=", "Cannot read “gold >=” at column 8: the text ends: expected a name, a number"),
        ("gold => 3", "Cannot read “gold => 3” at column 6: “=”: expected a comparison"),
        ("1 +* 2", "Cannot read “1 +* 2” at column 4: “*”: expected a name, a number, a quoted text"),
        ('has("lantern"', 'Cannot read “has("lantern"” at column 14: the text ends: expected )'),
    ],
)
def test_a_condition_that_does_not_parse_names_the_position_and_what_was_expected(text, message):
    with pytest.raises(ExpressionError) as refused:
        parse_condition(text)
    assert refused.value.message.startswith(message)
    assert refused.value.column == int(message.split("column ")[1].split(":")[0])


@pytest.mark.parametrize(
    "text, message",
    [
        ('has("sword")', "Unknown item “sword”"),
        ("torch > 1", "Unknown variable “torch”"),
        ("gold and key_found", "“and” needs a flag, but “gold” is a number."),
        ("gold + key_found > 1", "“+” needs a number, but “key_found” is a flag."),
        ("gold", "A condition must be true or false, not a number"),
        ("key_found == 1", "Comparing a flag with a number is never true"),
        ('name > "A"', "“>” compares numbers, not a text."),
    ],
)
def test_conditions_that_would_fail_in_play_are_refused_with_the_name(text, message):
    with pytest.raises(StoryRuleError, match=re.escape(message)):
        check_condition(parse_condition(text), SCHEMA)


@pytest.mark.parametrize(
    "text, message",
    [
        ("key_found = 3", "“key_found” is a flag: it cannot be given a number."),
        ("key_found += 1", "“+” needs a number, but “key_found” is a flag."),
        ("gain sword", "Unknown item “sword”"),
        ("key_found = 2d6", "“key_found” is a flag: a roll goes into a number."),
        ("torch = 1", "Unknown variable “torch”"),
    ],
)
def test_effects_that_would_fail_in_play_are_refused_with_the_name(text, message):
    with pytest.raises(StoryRuleError, match=re.escape(message)):
        check_effects(parse_effects(text), SCHEMA)


def test_old_conditions_outside_the_language_are_refused_not_crashed_on():
    with pytest.raises(StoryRuleError, match="not a condition this studio understands"):
        check_condition({"has": "rope"}, SCHEMA)


def test_effects_change_the_state_in_order_within_bounds():
    state = apply_effects(
        parse_effects('gold += 7; gain "lantern"; toggle key_found; stamina -= 20'),
        SCHEMA,
        SCHEMA.initial_state(),
        random.Random(1),
    )
    assert state.document() == {
        "variables": {"gold": 12, "stamina": 0, "luck": 0, "key_found": True, "name": "Ada"},
        "items": ["lantern"],
        "visits": {},
    }
    assert holds(parse_condition('gold >= 10 and has("lantern") and key_found'), state)
    assert not holds(parse_condition('has("brass key")'), state)
    assert holds({}, state)


def test_a_division_by_zero_makes_a_condition_false_and_skips_an_effect(caplog):
    state = SCHEMA.initial_state()
    assert not holds(parse_condition("gold / luck > 1"), state)
    after = apply_effects(parse_effects("gold = gold / luck; gold += 1"), SCHEMA, state, random.Random(0))
    assert after.variables["gold"] == 6
    assert "divided by zero" in caplog.text


def test_visits_count_the_scenes_a_player_reached():
    state = PlayerState().visited("s1").visited("s1")
    assert holds(parse_condition('visits("s1") == 2 and not visited("s2")'), state)


def test_rolls_are_reproducible_from_the_seed():
    rolls = [
        apply_effects(parse_effects("luck = 2d6"), SCHEMA, SCHEMA.initial_state(), random.Random(seed)).variables[
            "luck"
        ]
        for seed in range(50)
    ]
    again = [
        apply_effects(parse_effects("luck = 2d6"), SCHEMA, SCHEMA.initial_state(), random.Random(seed)).variables[
            "luck"
        ]
        for seed in range(50)
    ]
    assert rolls == again and set(rolls) <= set(range(2, 13)) and len(set(rolls)) > 5


def test_dice_know_their_exact_distribution():
    assert parse_dice("2d6").outcomes[7] == Fraction(1, 6)
    assert parse_dice("2d6").outcomes[2] == Fraction(1, 36)
    assert parse_dice("d20-1").notation == "1d20-1" and parse_dice("d20-1").lowest == 0
    assert sum(parse_dice("3d6+1d4+2").outcomes.values()) == 1


@pytest.mark.parametrize(
    "notation, message",
    [
        ("4d6kh3", "is not dice notation"),
        ("2d6*2", "is not dice notation"),
        ("3", "rolls no dice"),
        ("100d6", "roll 1 to 20 dice"),
    ],
)
def test_unsupported_dice_are_refused_clearly(notation, message):
    with pytest.raises(StoryRuleError, match=message):
        parse_dice(notation)


@pytest.mark.parametrize(
    "variable, field",
    [
        (Variable("and", Kind.FLAG, False), "name"),
        (Variable("2nd", Kind.FLAG, False), "name"),
        (Variable("gold", Kind.NUMBER, "ten"), "initial"),
        (Variable("gold", Kind.NUMBER, True), "initial"),
        (Variable("gold", Kind.NUMBER, 20, maximum=10), "initial"),
        (Variable("gold", Kind.NUMBER, 0, minimum=5, maximum=1), "minimum"),
    ],
)
def test_declarations_that_cannot_work_are_refused(variable, field):
    with pytest.raises(StoryRuleError) as refused:
        check_variable(variable)
    assert field in refused.value.field_errors


# Printing then reparsing gives back the same document, for any expression of the language.
NAMES = st.sampled_from(["gold", "stamina", "luck"])
numbers = st.one_of(
    NAMES.map(lambda name: {"var": name}),
    st.integers(0, 99),
    st.sampled_from(["s1", "s2"]).map(lambda scene: {"var": [f"visits.{scene}", 0]}),
)
number_expressions = st.recursive(
    numbers,
    lambda inner: st.one_of(
        st.tuples(st.sampled_from(["+", "*"]), st.lists(inner, min_size=2, max_size=3)).map(
            lambda pair: {pair[0]: pair[1]}
        ),
        st.tuples(st.sampled_from(["-", "/", "%"]), inner, inner).map(
            lambda triple: {triple[0]: [triple[1], triple[2]]}
        ),
    ),
    max_leaves=6,
)
flags = st.one_of(
    st.just({"var": "key_found"}),
    st.booleans(),
    st.sampled_from(["lantern", "brass key"]).map(lambda item: {"in": [item, {"var": "items"}]}),
    st.tuples(st.sampled_from([">=", "<=", "==", "!=", ">", "<"]), number_expressions, number_expressions).map(
        lambda triple: {triple[0]: [triple[1], triple[2]]}
    ),
)
conditions = st.recursive(
    flags,
    lambda inner: st.one_of(
        inner.map(lambda operand: {"!": operand}),
        st.tuples(st.sampled_from(["and", "or"]), st.lists(inner, min_size=2, max_size=3)).map(
            lambda pair: {pair[0]: pair[1]}
        ),
    ),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(conditions)
def test_printing_and_reparsing_any_condition_gives_the_same_document(condition):
    # The parser's documents are canonical (`a and (b and c)` is one `and` of three); from there the round
    # trip is exact, and the canonical document means what the generated one meant.
    canonical = parse_condition(condition_text(condition))
    assert parse_condition(condition_text(canonical)) == canonical
    check_condition(canonical, SCHEMA)
    state = apply_effects(
        parse_effects('gold = 7; luck = 3; gain "lantern"'), SCHEMA, SCHEMA.initial_state(), random.Random(0)
    ).visited("s1")
    assert holds(canonical, state) == holds(condition, state)
