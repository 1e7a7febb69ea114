"""Twine and story state: SugarCube and Harlowe macros imported as variables, items, conditions and effects,
written back as the same story format's macros, and what we do not model kept and given back."""

import pytest

from story_admin.demo import ensure_demo
from story_admin.models import Choice, Scenario, Scene
from story_admin.selectors import load_story
from story_admin.services.twine import export_story, import_twine_file
from story_admin.state.expressions import condition_text, effects_text

pytestmark = pytest.mark.django_db

SUGARCUBE = r""":: StoryTitle
The Vault

:: StoryData
{"ifid": "5B0F0C2A-1E0B-4B53-9C38-6C2B2D2B1F11", "format": "SugarCube", "format-version": "2.37.3", "start": "Gate"}

:: StoryInit
<<set $gold to 5>>
<<set $hasKey to false>>
<<set $name to "Ann">>
<<set $items to []>>
<<script>>console.log("kept");<</script>>

:: Story JavaScript [script]
Config.history.maxStates = 1;

:: Story Stylesheet [stylesheet]
body { color: gold; }

:: Gate
<<set $gold += 5>>
A heavy gate. You have $gold gold.
<<if $gold gte 10>>[[Buy the key->Shop]]<<else>>You need 10 gold.<</if>>
<<if $hasKey>>
  [[Open the vault->Vault]]
<<elseif $gold > 3>>
  [[Bribe the guard->Vault][$gold -= 3]]
<<else>>
  [[Go home->Home]]
<</if>>
<<link "Pray" "Temple">><<set $luck to random(1, 6) + random(1, 6)>><</link>>
<<audio "rain" play>>

:: Shop
<<set $hasKey to true>><<run $items.pushUnique("lantern")>>
<<if visited("Temple") and $name is "Ann">>[[Back to the gate->Gate]]<</if>>
<<if $items.includes("lantern")>>[[Temple]]<</if>>

:: Temple
<<set $gold to $gold * 2>>
The monks smile.
[[Gate]]

:: Vault
Riches.

:: Home
Home.
"""

HARLOWE = r""":: StoryTitle
The Well

:: StoryData
{"ifid": "6C1E2F3A-2B1C-4C64-8D49-7D3C3E3C2A22", "format": "Harlowe", "format-version": "3.3.9", "start": "Well"}

:: Setup [startup]
(set: $gold to 5)(set: $rope to false)
(set: $items to (ds:))

:: Well
(set: $gold to it + 5)(put: 2 into $buckets)
A dark well.
(if: $gold >= 10)[ [[Climb down->Bottom]] ](else:)[You need 10 gold for a rope.]
(if: $rope is true)[ [[Swing->Bottom]] ]
(else-if: $gold > 2)[[[Pay the boy->Bottom]]]
(unless: $rope)[(link: "Buy a rope")[(set: $rope to true)(set: $gold to it - 3)(go-to: "Well")]]
(link-goto: "Walk away", "Road")
(set: $roll to (random: 1, 6))
(display: "Footer")

:: Bottom
(set: $items to it + (ds: "coin"))
(if: $items contains "coin" and (history:) contains "Well")[ [[Up->Well]] ]

:: Road
The road.
"""


def imported(author, text, filename="story.twee"):
    [report] = import_twine_file(author=author, filename=filename, data=text.encode())
    return report


def readable(scenario):
    """Every scene's effects and every choice's condition, effects and reason, as an author reads them."""
    story = load_story(scenario)
    titles = {str(scene.pk): scene.title for scene in story.scenes}
    title_of = titles.get
    scenes = {scene.title: effects_text(scene.effects, scene_title_of=title_of) for scene in story.scenes}
    choices = sorted(
        (
            choice.from_scene.title,
            choice.text,
            story.scenes_by_id[choice.to_scene_id].title,
            condition_text(choice.condition, scene_title_of=title_of),
            effects_text(choice.effects, scene_title_of=title_of),
            choice.locked_reason,
        )
        for choice in story.choices
    )
    return scenes, choices


def declarations(scenario):
    return [(v["name"], v["kind"], v["initial"]) for v in scenario.variables], [i["name"] for i in scenario.items]


def test_sugarcube_macros_become_state(author):
    report = imported(author, SUGARCUBE)
    scenario = report.scenario
    assert declarations(scenario) == (
        [("gold", "number", 5), ("hasKey", "flag", False), ("name", "text", "Ann"), ("luck", "number", 0)],
        ["lantern"],
    )
    scenes, choices = readable(scenario)
    assert scenes == {
        "Gate": "gold += 5",
        "Shop": 'hasKey = true\ngain "lantern"',
        "Temple": "gold = gold * 2",
        "Vault": "",
        "Home": "",
    }
    assert choices == sorted(
        [
            ("Gate", "Buy the key", "Shop", "gold >= 10", "", "You need 10 gold."),
            ("Gate", "Open the vault", "Vault", "hasKey", "", ""),
            ("Gate", "Bribe the guard", "Vault", "not hasKey and gold > 3", "gold -= 3", ""),
            ("Gate", "Go home", "Home", "not hasKey and not gold > 3", "", ""),
            ("Gate", "Pray", "Temple", "", "luck = 2d6", ""),
            ("Shop", "Back to the gate", "Gate", 'visited("Temple") and name == "Ann"', "", ""),
            ("Shop", "Temple", "Temple", 'has("lantern")', "", ""),
            ("Temple", "Gate", "Gate", "", "", ""),
        ]
    )
    gate = Scene.objects.get(scenario=scenario, title="Gate")
    # What was not read as state stays in the text, and the report names it with its passage.
    assert gate.text == 'A heavy gate. You have $gold gold.\n<<audio "rain" play>>'
    assert (
        "Passage “Gate” keeps as text what was not read as story state: $gold (printed in the text); "
        '<<audio "rain" play>>.'
    ) in report.warnings
    assert any(w.startswith("Passage “StoryInit” keeps as text") and "<<script>>" in w for w in report.warnings)
    assert "Story state read from its macros: 4 variables, 1 item." in report.summary


def test_harlowe_macros_become_state(author):
    report = imported(author, HARLOWE)
    scenario = report.scenario
    assert report.special_passages == ["Setup"]
    assert not Scene.objects.filter(scenario=scenario, title="Setup").exists()
    assert declarations(scenario) == (
        [("gold", "number", 5), ("rope", "flag", False), ("buckets", "number", 0), ("roll", "number", 0)],
        ["coin"],
    )
    scenes, choices = readable(scenario)
    assert scenes == {"Well": "gold += 5\nbuckets = 2\nroll = 1d6", "Bottom": 'gain "coin"', "Road": ""}
    assert choices == sorted(
        [
            ("Well", "Climb down", "Bottom", "gold >= 10", "", "You need 10 gold for a rope."),
            ("Well", "Swing", "Bottom", "rope == true", "", ""),
            ("Well", "Pay the boy", "Bottom", "not rope == true and gold > 2", "", ""),
            ("Well", "Buy a rope", "Well", "not rope", "rope = true\ngold -= 3", ""),
            ("Well", "Walk away", "Road", "", "", ""),
            ("Bottom", "Up", "Well", 'has("coin") and visited("Well")', "", ""),
        ]
    )
    assert Scene.objects.get(scenario=scenario, title="Well").text == 'A dark well.\n(display: "Footer")'
    assert 'Passage “Well” keeps as text what was not read as story state: (display: "Footer").' in report.warnings


def test_what_is_not_understood_stays_as_text_and_its_links_stay_choices(author):
    text = (
        ':: StoryData\n{"format": "SugarCube"}\n:: A\n<<if $x>>Some words [[B]]<</if>>\n'
        "<<set $y to $player.name>>\n<<if $z is 1>><<set $w to 2>>[[C]]<</if>>\n<<if true>>[[B]]<</if>>\n"
        ":: B\nb\n:: C\nc\n"
    )
    report = imported(author, text)
    a = Scene.objects.get(scenario=report.scenario, title="A")
    assert a.text == (
        "<<if $x>>Some words B<</if>>\n<<set $y to $player.name>>\n<<if $z is 1>><<set $w to 2>>C<</if>>"
        "\n<<if true>>B<</if>>"
    )
    assert a.effects == []
    assert sorted(Choice.objects.filter(scenario=report.scenario).values_list("text", "condition")) == [
        ("B", {}),
        ("B", {}),
        ("C", {}),
    ]
    [warning] = [w for w in report.warnings if w.startswith("Passage “A”")]
    assert "<<if $x>>Some words [[B]]<</if>>" in warning and "<<set $y to $player.name>>" in warning
    assert "<<if $z is 1>><<set $w to 2>>[[C]]<</if>>" in warning


def test_a_kind_conflict_keeps_the_macro_as_text(author):
    text = (
        ':: StoryData\n{"format": "SugarCube"}\n:: StoryInit\n<<set $gold to 5>>\n'
        ':: A\n<<set $gold to "lots">>\n<<if $gold > 2>>[[B]]<</if>>\n:: B\nb\n'
    )
    report = imported(author, text)
    a = Scene.objects.get(scenario=report.scenario, title="A")
    assert a.text == '<<set $gold to "lots">>' and a.effects == []
    assert condition_text(Choice.objects.get(scenario=report.scenario).condition) == "gold > 2"
    assert any("Passage “A”" in w and '<<set $gold to "lots">>' in w for w in report.warnings)


def state_of_story(scenario):
    scenes, choices = readable(scenario)
    variables = [{key: value for key, value in v.items()} for v in scenario.variables]
    return variables, scenario.items, scenes, choices


@pytest.mark.parametrize("sample", [SUGARCUBE, HARLOWE], ids=["sugarcube", "harlowe"])
@pytest.mark.parametrize("fmt", ["twee", "html"])
def test_import_export_import_gives_the_same_state(author, sample, fmt):
    first = imported(author, sample).scenario
    exported = export_story(editor=author, scenario=first, format=fmt)
    second = imported(author, exported.content.decode(), exported.filename).scenario
    assert state_of_story(second) == state_of_story(first)
    assert second.twine["format"] == first.twine["format"]
    assert second.twine["special_passages"] == first.twine["special_passages"] or fmt == "html"
    for scene in Scene.objects.filter(scenario=first):
        assert Scene.objects.get(scenario=second, title=scene.title).text == scene.text


@pytest.mark.parametrize("story_format", ["", "Harlowe"])
def test_the_demo_story_round_trips_its_state_in_sugarcube_and_harlowe(author, story_format):
    demo, _ = ensure_demo()
    Scenario.objects.filter(pk=demo.pk).update(twine={"format": story_format} if story_format else {})
    demo = Scenario.objects.get(pk=demo.pk)
    exported = export_story(editor=demo.author, scenario=demo, format="twee").content.decode()
    if story_format:
        assert "(set: $huile to it + 1)" in exported and ":: Startup [startup]" in exported
        assert '(if: $items contains "clé de laiton")[ [[La suivre dans la grotte->La grotte]] ]' in exported
    else:
        assert '"format": "SugarCube"' in exported and "<<set $huile += 1>>" in exported
        assert "<<set $chance to random(1, 6) + random(1, 6)>>" in exported
    copy = imported(author, exported).scenario
    assert state_of_story(copy) == state_of_story(demo)
    assert not [w for w in imported(author, exported).warnings if "keeps as text" in w]


def test_exported_sugarcube_reads_as_sugarcube(author):
    scenario = imported(author, SUGARCUBE).scenario
    twee = export_story(editor=author, scenario=scenario, format="twee").content.decode()
    assert (
        ':: StoryInit\n<<set $gold to 5>>\n<<set $hasKey to false>>\n<<set $name to "Ann">>\n'
        '<<set $luck to 0>>\n<<set $items to []>>\n<<script>>console.log("kept");<</script>>' in twee
    )
    assert "<<if $gold >= 10>>[[Buy the key->Shop]]<<else>>You need 10 gold.<</if>>" in twee
    assert "<<if (not $hasKey) and ($gold > 3)>>[[Bribe the guard->Vault][$gold -= 3]]<</if>>" in twee
    assert "[[Pray->Temple][$luck to random(1, 6) + random(1, 6)]]" in twee
    assert '<<set $hasKey to true>>\n<<run $items.pushUnique("lantern")>>' in twee
    assert '<<if (visited("Temple") > 0) and ($name is "Ann")>>[[Back to the gate->Gate]]<</if>>' in twee


def test_script_stylesheet_and_init_passages_are_written_back(author):
    scenario = imported(author, SUGARCUBE).scenario
    twee = export_story(editor=author, scenario=scenario, format="twee").content.decode()
    assert ":: Story JavaScript [script]\nConfig.history.maxStates = 1;" in twee
    assert ":: Story Stylesheet [stylesheet]\nbody { color: gold; }" in twee
    html = export_story(editor=author, scenario=scenario, format="html").content.decode()
    assert ">Config.history.maxStates = 1;</script>" in html and ">body { color: gold; }</style>" in html
    assert 'name="StoryInit"' in html and "Story JavaScript" not in html
    # From HTML (script and stylesheet in their elements) back to Twee: they become passages again.
    from_html = imported(author, html, "vault.html").scenario
    again = export_story(editor=author, scenario=from_html, format="twee").content.decode()
    assert ":: Story JavaScript [script]\nConfig.history.maxStates = 1;" in again
    assert ":: StoryInit {" in again and "<<set $gold to 5>>" in again


ADVERSARIAL = [
    '"[[a]]" * 10_000 + "!"',
    '"(if: $x)[" * 5_000',
    '"(a:" * 10_000',
    '"(a:)[" * 10_000',
    '"<<if $x>>" * 5_000',
    '\'<<a "\' * 5_000 + ">>"',
    '"<<if $x>>[[a]]" * 3_000 + "<</if>>" * 3_000',
]


@pytest.mark.parametrize("dialect", ["sugarcube", "harlowe"])
def test_passages_built_to_be_slow_are_read_in_a_bounded_run(dialect):
    """The passage scan is linear and nesting is capped: each of these once took seconds to minutes (or hit
    Python's recursion limit); together they now take well under a second a dialect."""
    import subprocess
    import sys

    from tests.processes import ROOT

    script = (
        "from story_admin.twine.macros import read_passage\n"
        "from story_admin.twine.script import read_condition, read_statements\n"
        "ids = lambda title: title\n"
        f"for text in [{', '.join(ADVERSARIAL)}]:\n"
        f"    read_passage(text, dialect='{dialect}',"
        " condition_of=lambda s: read_condition(s, scene_id_of=ids),"
        " statements_of=lambda s: read_statements(s, scene_id_of=ids))\n"
        "print('done')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "done"


CONDITIONS = [
    "gold >= 10",
    'gold >= 10 and has("lantern")',
    "not lamp_lit",
    "lamp_lit == true",
    'name != "Ann"',
    "gold * 2 > stamina + 1",
    "gold - 3 < 0 or not (lamp_lit and gold > 1)",
    'visited("Cave")',
    'visits("Cave") >= 2',
    "-gold < -3",
    "gold % 2 == 0 and gold / 2 <= 4",
]
EFFECTS = [
    "gold += 5",
    "gold -= 2",
    "gold = gold * 2 + 1",
    "toggle lamp_lit",
    'gain "lantern"',
    'lose "lantern"',
    "luck = 2d6",
    "luck = 1d6+1d4-1",
    'name = "Bob"',
    "lamp_lit = gold > 3",
]


@pytest.mark.parametrize("dialect", ["sugarcube", "harlowe"])
def test_every_construct_written_as_twine_reads_back_the_same(dialect):
    from story_admin.state.expressions import parse_condition, parse_effects
    from story_admin.twine.script import ScriptWriter, read_condition, read_statements

    scene_id_of = {"Cave": "64b000000000000000000001"}.get
    title_of = {"64b000000000000000000001": "Cave"}.get
    writer = ScriptWriter(dialect, title_of)
    for text in CONDITIONS:
        condition = parse_condition(text, scene_id_of=scene_id_of)
        written = writer.condition(condition)
        assert read_condition(written, scene_id_of=scene_id_of) == condition, (text, written)
    for text in EFFECTS:
        [effect] = parse_effects(text)
        written = writer.statement(effect)
        assert read_statements(written, scene_id_of=scene_id_of) == [effect], (text, written)


SUGARCUBE_SPECIAL_TAGS = r""":: StoryData
{"format": "SugarCube", "format-version": "2.37.3", "start": "Hall"}

:: StoryInit
<<set $stamina to 12>>

:: Setup [init]
<<set $stamina to 20>>
<<set $gold to 3>>
<<set $skill to 7>>
<<set setup.title to "Hall">>

:: Widgets [widget]
<<widget "hurt">><<set $stamina -= _args[0]>><</widget>>
<<widget 'pay'>><<set $gold -= _args[0]>><</widget>>

:: Hall
<<set $gold += 1>>
<<hurt 2>>
<<if $stamina gt 5>>[[Fight->Arena]]<</if>>

:: Arena
<<pay 1>>
The end.
"""


def test_sugarcube_init_passages_give_starting_values_and_widget_passages_are_kept_aside(author):
    report = imported(author, SUGARCUBE_SPECIAL_TAGS)
    scenario = report.scenario
    # `init` passages run before StoryInit: a value both give is StoryInit's, the others are the init passage's.
    assert declarations(scenario) == ([("stamina", "number", 12), ("gold", "number", 3), ("skill", "number", 7)], [])
    assert report.special_passages == ["StoryInit", "Setup", "Widgets"]
    assert sorted(Scene.objects.filter(scenario=scenario).values_list("title", flat=True)) == ["Arena", "Hall"]
    scenes, choices = readable(scenario)
    assert scenes == {"Hall": "gold += 1", "Arena": ""}
    assert choices == [("Hall", "Fight", "Arena", "stamina > 5", "", "")]
    kept = {p["name"]: p["text"] for p in scenario.twine["special_passages"]}
    assert kept == {
        "StoryInit": "",
        "Setup": '<<set setup.title to "Hall">>',
        "Widgets": "<<widget \"hurt\">><<set $stamina -= _args[0]>><</widget>>\n<<widget 'pay'>><<set $gold -= _args[0]>><</widget>>",
    }
    # A widget's macros are not read as state where it is used: the report says whose widget it is.
    assert (
        "Passage “Hall” keeps as text what was not read as story state: "
        "<<hurt 2>> (the widget “hurt” of passage “Widgets”)."
    ) in report.warnings
    assert any("“Arena”" in w and "<<pay 1>> (the widget “pay” of passage “Widgets”)" in w for w in report.warnings)
    assert any("“Setup” keeps as text" in w and "setup.title" in w for w in report.warnings)


@pytest.mark.parametrize("fmt", ["twee", "html"])
def test_init_and_widget_passages_round_trip(author, fmt):
    first = imported(author, SUGARCUBE_SPECIAL_TAGS).scenario
    exported = export_story(editor=author, scenario=first, format=fmt)
    text = exported.content.decode()
    if fmt == "twee":
        # The starting values go into the `init` passage, which SugarCube runs first; the widgets come back.
        assert ":: Setup [init]" in text and ":: Widgets [widget]" in text
        setup = text.split(":: Setup [init]")[1].split("\n::")[0]
        assert "<<set $stamina to 12>>\n<<set $gold to 3>>\n<<set $skill to 7>>" in setup
        assert '<<set setup.title to "Hall">>' in setup
        assert '<<widget "hurt">><<set $stamina -= _args[0]>><</widget>>' in text
    second = imported(author, text, exported.filename).scenario
    assert state_of_story(second) == state_of_story(first)
    assert {p["name"]: p["text"] for p in second.twine["special_passages"]} == {
        p["name"]: p["text"] for p in first.twine["special_passages"]
    }
    assert sorted(Scene.objects.filter(scenario=second).values_list("title", flat=True)) == ["Arena", "Hall"]


def test_a_value_set_twice_in_storyinit_starts_with_the_last(author):
    text = ':: StoryData\n{"format": "SugarCube"}\n:: StoryInit\n<<set $gold to 1>>\n<<set $gold to 4>>\n:: A\n<<if $gold gt 2>>[[A]]<</if>>\n'
    assert declarations(imported(author, text).scenario) == ([("gold", "number", 4)], [])


def test_init_and_widget_tags_mean_nothing_special_in_harlowe(author):
    text = ':: StoryData\n{"format": "Harlowe"}\n:: A [init]\n(set: $gold to 2)\n[[B]]\n:: B [widget]\nb\n'
    report = imported(author, text)
    assert sorted(Scene.objects.filter(scenario=report.scenario).values_list("title", flat=True)) == ["A", "B"]
    assert report.special_passages == []


TEMPORARIES = {
    "sugarcube": r""":: StoryData
{"format": "SugarCube", "format-version": "2.37.3", "start": "Test"}

:: Test
<<set _roll to random(1, 6) + random(1, 6)>>
Test your luck.
<<if _roll lte 7>>[[Lucky->Win]]<<else>>[[Unlucky->Lose]]<</if>>

:: Win
<<if _seen>>[[Lose]]<</if>>
You rolled _total.
<<set _total to 3>>

:: Lose
<<set _n to 2>>[[Win][_n to 3]]
<<set _m to 1>>
You got _m.

:: Elsewhere
<<set _n to 1>>
""",
    "harlowe": r""":: StoryData
{"format": "Harlowe", "format-version": "3.3.9", "start": "Test"}

:: Test
(set: _roll to (random: 1, 6) + (random: 1, 6))
Test your luck.
(if: _roll <= 7)[ [[Lucky->Win]] ](else:)[ [[Unlucky->Lose]] ]

:: Win
(if: _seen)[ [[Lose]] ]
You rolled _total.
(set: _total to 3)

:: Lose
(set: _n to 2)[[Win]]
(set: _m to 1)
You got _m.

:: Elsewhere
(set: _n to 1)
""",
}


@pytest.mark.parametrize("dialect", ["sugarcube", "harlowe"])
def test_a_temporary_given_its_value_first_and_used_in_its_passage_only_is_a_hidden_variable(author, dialect):
    report = imported(author, TEMPORARIES[dialect])
    scenario = report.scenario
    [roll] = scenario.variables
    assert (roll["name"], roll["kind"], roll["visible"]) == ("_roll", "number", False)
    assert roll["description"] == (
        "The temporary variable _roll of passage “Test”, given its value there before it is read."
    )
    scenes, choices = readable(scenario)
    assert scenes["Test"] == "_roll = 2d6"
    assert ("Test", "Lucky", "Win", "_roll <= 7", "", "") in choices
    assert ("Test", "Unlucky", "Lose", "not _roll <= 7", "", "") in choices
    # Read before it is given a value, printed, given one in two passages: kept as text, reported.
    assert ("Win", "Lose", "Lose", "", "", "") in choices
    win, lose = (Scene.objects.get(scenario=scenario, title=title) for title in ("Win", "Lose"))
    assert "_total" in win.text and "_seen" in win.text and win.effects == []
    assert "_n to 2" in lose.text and "_m to 1" in lose.text and lose.effects == []
    assert any(w.startswith("Passage “Win” keeps as text") and "_seen" in w for w in report.warnings)


@pytest.mark.parametrize("dialect", ["sugarcube", "harlowe"])
def test_temporaries_round_trip_as_temporaries(author, dialect):
    first = imported(author, TEMPORARIES[dialect]).scenario
    text = export_story(editor=author, scenario=first, format="twee").content.decode()
    if dialect == "sugarcube":
        assert "<<set _roll to random(1, 6) + random(1, 6)>>" in text
        assert "<<if _roll <= 7>>[[Lucky->Win]]<</if>>" in text
        assert "$_roll" not in text
    else:
        assert "(set: _roll to (random: 1, 6) + (random: 1, 6))" in text and "$_roll" not in text
    second = imported(author, text).scenario
    assert state_of_story(second) == state_of_story(first)


def test_a_hidden_variable_named_like_a_temporary_used_in_two_scenes_is_written_as_a_story_variable(author):
    from story_admin.services.state import declare_variable
    from story_admin.state.expressions import parse_effects

    scenario = imported(author, TEMPORARIES["sugarcube"]).scenario
    Scene.objects.filter(scenario=scenario, title="Win").update(effects=parse_effects("_roll += 1"))
    scenario = Scenario.objects.get(pk=scenario.pk)
    declare_variable(editor=author, scenario=scenario, name="_luck", kind="number", initial=2)
    text = export_story(editor=author, scenario=Scenario.objects.get(pk=scenario.pk), format="twee").content.decode()
    # Used in two passages, a temporary would be forgotten between them: a story variable keeps it.
    assert "<<set $_roll to random(1, 6) + random(1, 6)>>" in text and "<<set $_roll += 1>>" in text
    assert "<<set $_roll to 0>>" in text and "<<set $_luck to 2>>" in text
    again = imported(author, text).scenario
    assert state_of_story(again) == state_of_story(Scenario.objects.get(pk=scenario.pk))


@pytest.mark.parametrize(
    ("story_format", "passage"),
    [
        ("SugarCube", "<<if $key>><<set $gold to 1>><</if>>\n<<if $gold gt 0>>[[B]]<</if>>"),
        ("Harlowe", "(if: $key)[(set: $gold to 1)]\n(if: $gold > 0)[ [[B]] ]"),
    ],
)
def test_an_effect_under_a_condition_stays_as_text_and_the_report_says_it_does_not_run(author, story_format, passage):
    text = f':: StoryData\n{{"format": "{story_format}"}}\n:: A\n{passage}\n:: B\nb\n'
    report = imported(author, text)
    a = Scene.objects.get(scenario=report.scenario, title="A")
    assert a.effects == [] and passage.split("\n")[0] in a.text
    assert condition_text(Choice.objects.get(scenario=report.scenario).condition) == "gold > 0"
    [warning] = [w for w in report.warnings if w.startswith("Passage “A”")]
    assert "(an effect under a condition: it does not run when the story is played here)" in warning
