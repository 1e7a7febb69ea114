"""Twine interchange: Twee 3 and Twine 2 HTML in and out, round trips, and every kind of bad file."""

import re
import subprocess
import sys
import uuid

import pytest

from story_admin.demo import ensure_demo
from story_admin.exceptions import StoryRuleError
from story_admin.models import Choice, Scenario, Scene
from story_admin.selectors import load_story
from story_admin.services.twine import export_story, import_twine_file
from story_admin.twine.links import Link, links_in, prose_of
from story_admin.validation import story_problems
from tests.factories import CAVE
from tests.processes import ROOT

pytestmark = pytest.mark.django_db


def import_text(author, text, filename="cave.twee"):
    return import_twine_file(author=author, filename=filename, data=text.encode())


def graph(scenario):
    story = load_story(scenario)
    return {(c.from_scene.title, c.to_scene.title, c.text) for c in story.choices}


def test_link_forms():
    assert links_in("[[a->B]] [[C<-d]] [[e|F]] [[G]]") == [
        Link("a", "B"),
        Link("d", "C"),
        Link("e", "F"),
        Link("G", "G"),
    ]
    assert prose_of("You can [[go->Left]] now.\n[[Back]]\n") == "You can go now."


class CountedText(str):
    """A passage text that counts the characters its searches read: the work a link scan does."""

    read = 0

    def find(self, sub, start=0, end=None):
        end = len(self) if end is None else end
        found = super().find(sub, start, end)
        CountedText.read += (end if found == -1 else found + len(sub)) - start
        return found


@pytest.mark.parametrize(
    "text", ["[[a]]" * 10_000 + "!", "[[" * 10_000 + "a]", "[[a" * 10_000, ("[[a]] " * 1_000 + "\n") * 10]
)
def test_link_scan_reads_each_character_a_few_times_at_most(text):
    CountedText.read = 0
    links_in(CountedText(text))
    assert CountedText.read <= 3 * len(text)  # linear: no line is read again for each of its links


def test_ten_thousand_links_on_one_line_import_in_a_bounded_run(tmp_path):
    # The report's ReDoS: `"[[a]]" * 25 + "!"` took 3.4 s under the old regex, x2.5 per extra link.
    twee = tmp_path / "many.twee"
    twee.write_text(":: Start\n" + "[[a]]" * 10_000 + "!\n[[b]] and [[c]]\n")
    script = (
        "import sys; from story_admin.twine.links import prose_of; "
        "print(len(prose_of(open(sys.argv[1]).read().split('\\n', 1)[1])))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(twee)], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(len("a" * 10_000 + "!\nb and c"))


def test_a_line_of_links_and_words_keeps_its_words():
    assert prose_of("[[a]] or [[b]]\n  [[c]] [[d->D]]  ") == "a or b"


def test_import_twee_with_every_link_form_and_escape(author):
    [report] = import_text(author, CAVE)
    scenario = report.scenario
    assert (scenario.title, scenario.ifid) == ("The Cave", "D674C58C-DEFA-4F70-B7A2-27742230C0FC")
    assert report.special_passages == ["StoryInit", "Style"]
    assert scenario.twine["format"] == "Harlowe" and scenario.twine["zoom"] == 0.6
    assert [p["name"] for p in scenario.twine["special_passages"]] == ["StoryInit", "Style"]
    assert "StoryInit" in report.summary and "Kept aside" in report.summary

    scenes = {scene.title: scene for scene in Scene.objects.filter(scenario=scenario)}
    assert set(scenes) == {"Entrance", "Tunnel", "Lake", "Outside", "A [strange] door {ajar}"}
    entrance = scenes["Entrance"]
    assert entrance.is_start_scene and entrance.tags == ["dark", "cave"]
    assert (entrance.position_x, entrance.position_y) == (100, 200)
    assert entrance.text == "You stand at the mouth of a cave."
    assert scenes["Tunnel"].text == "It is dark. You could turn back or Lake."
    assert scenes["Lake"].text == "The water is warm.\n:: not a header"
    assert (scenes["Lake"].is_end_scene, scenes["Lake"].ending_kind, scenes["Lake"].tags) == (True, "happy", [])
    assert scenes["A [strange] door {ajar}"].tags == ["odd]tag"]
    assert graph(scenario) == {
        ("Entrance", "Tunnel", "Go in"),
        ("Entrance", "Lake", "Walk to the lake"),
        ("Entrance", "Outside", "Leave"),
        ("Tunnel", "Entrance", "turn back"),
        ("Tunnel", "Lake", "Lake"),
    }


def test_import_twine_html_archive_with_two_stories(author):
    archive = (
        '<tw-storydata name="One" startnode="2" ifid="11111111-1111-4111-8111-111111111111" hidden>'
        '<style role="stylesheet" id="twine-user-stylesheet" type="text/twine-css">p{}</style>'
        '<script role="script" id="twine-user-script" type="text/twine-javascript">if (a < b) {}</script>'
        '<tw-tag name="x" color="red"></tw-tag>'
        '<tw-passagedata pid="1" name="End" tags="x" position="300,0" size="100,100">Fin &amp; &lt;b&gt;</tw-passagedata>'
        '<tw-passagedata pid="2" name="Begin" tags="" position="0,0" size="100,100">[[Go-&gt;End]]</tw-passagedata>'
        "</tw-storydata>\n\n"
        '<tw-storydata name="Two" startnode="1" ifid="22222222-2222-4222-8222-222222222222" hidden>'
        '<tw-passagedata pid="1" name="Only" position="10,20">Alone.</tw-passagedata></tw-storydata>\n\n'
    )
    one, two = import_text(author, archive, "library.html")
    assert (one.scenario.title, two.scenario.title) == ("One", "Two")
    begin = Scene.objects.get(scenario=one.scenario, title="Begin")
    assert begin.is_start_scene and graph(one.scenario) == {("Begin", "End", "Go")}
    assert Scene.objects.get(scenario=one.scenario, title="End").text == "Fin & <b>"
    assert one.scenario.twine["script"] == "if (a < b) {}" and one.scenario.twine["tag_colors"] == {"x": "red"}


@pytest.mark.parametrize("fmt", ["twee", "html"])
def test_round_trip_keeps_graph_titles_texts_positions_and_start(author, fmt):
    demo, _ = ensure_demo()
    exported = export_story(editor=demo.author, scenario=demo, format=fmt)
    [report] = import_twine_file(author=author, filename=exported.filename, data=exported.content)
    before, after = load_story(demo), load_story(report.scenario)

    def shape(story):
        return sorted(
            (s.title, s.text, s.position_x, s.position_y, s.is_start_scene, s.is_end_scene, s.ending_kind)
            for s in story.scenes
        )

    assert shape(after) == shape(before)
    assert graph(report.scenario) == graph(demo)
    assert report.scenario.ifid == demo.ifid and story_problems(after) == []


def test_twee_export_follows_the_specification(author):
    [report] = import_text(author, CAVE)
    Scene.objects.filter(scenario=report.scenario, title="Outside").update(title="Outside")
    Scene.objects.create(scenario=report.scenario, title="Tunnel", text="A second tunnel.\n::tricky", order=9)
    twee = export_story(editor=author, scenario=report.scenario, format="twee").content.decode()
    # Link metacharacters are replaced in names (Twine links cannot escape them); { } and ] are escaped.
    assert ":: A (strange) door \\{ajar\\} [odd\\]tag ending-neutral]" in twee
    assert ":: Tunnel (2)" in twee and "\\:\\:tricky" in twee
    assert "[[Go in->Tunnel]]" in twee and "[[Lake]]" in twee
    assert '"start": "Entrance"' in twee
    assert ':: Lake [ending-happy] {"position":"350,300","size":"100,100"}' in twee


def test_new_stories_get_an_upper_case_v4_ifid(author):
    from story_admin.services.stories import create_scenario

    ifid = create_scenario(author=author, title="Fresh").ifid
    assert ifid == ifid.upper() and uuid.UUID(ifid).version == 4


def test_html_export_is_a_twine_archive(author):
    [report] = import_text(author, CAVE)
    Scene.objects.filter(scenario=report.scenario, title="Outside").update(text='Sun & "moon" <3')
    html = export_story(editor=author, scenario=report.scenario, format="html").content.decode()
    assert html.startswith("<tw-storydata ") and html.endswith("</tw-storydata>\n\n")
    assert re.search(r'<tw-storydata [^>]*ifid="D674C58C-DEFA-4F70-B7A2-27742230C0FC"[^>]* hidden>', html)
    start_pid = re.search(r'startnode="(\d+)"', html).group(1)
    assert f'pid="{start_pid}" name="Entrance"' in html
    assert "Sun &amp; &quot;moon&quot; &lt;3" in html
    assert '<tw-tag name="dark" color="purple"></tw-tag>' in html


@pytest.mark.parametrize(
    "filename, text, message",
    [
        ("bad.twee", "Hello\n:: Start\nHi", "Line 1: text before the first passage header"),
        ("bad.twee", ":: A\nx\n:: B\ny\n:: A\nz", "Line 5: a second passage is named “A” (the first is on line 1)"),
        ("bad.twee", ":: A [open\nx", "Line 1: the tag block of “A” is not closed"),
        ("bad.twee", ':: StoryData\n{"start": "Nowhere"}\n:: A\nx', "no passage has that name"),
        ("bad.twee", "\n\n", "No passage found"),
        ("bad.html", "<html><body>No story</body></html>", "No <tw-storydata> element"),
        (
            "bad.html",
            '<tw-storydata name="S"><tw-passagedata pid="1" name="P" position="left">x</tw-passagedata></tw-storydata>',
            "Passage “P”: position/size “left” is not two numbers",
        ),
        ("long.twee", ":: " + "T" * 300 + "\nx", "Cannot import passage “TTTT"),
        ("data.bin", "", "expected a Twee file"),
    ],
)
def test_bad_files_name_the_fault_and_import_nothing(author, filename, text, message):
    with pytest.raises(StoryRuleError, match=re.escape(message)):
        import_text(author, text, filename)
    assert not Scenario.objects.exists() and not Scene.objects.exists() and not Choice.objects.exists()


def test_not_utf8_is_refused(author):
    with pytest.raises(StoryRuleError, match="not UTF-8 text"):
        import_twine_file(author=author, filename="x.twee", data=b":: A\n\xff\xfe")


def test_broken_links_are_reported_not_imported(author):
    [report] = import_text(author, ":: A\n[[Go->Nowhere]]\n[[B]]\n:: B\nEnd.")
    assert report.choice_count == 1
    assert "“A” links to “Nowhere”, which does not exist" in report.summary


def test_a_failing_story_in_an_archive_imports_none(author):
    archive = (
        '<tw-storydata name="Good"><tw-passagedata pid="1" name="P">x</tw-passagedata></tw-storydata>\n\n'
        '<tw-storydata name="Bad"><tw-passagedata pid="1" name="' + "L" * 300 + '">x</tw-passagedata>'
        "</tw-storydata>\n\n"
    )
    with pytest.raises(StoryRuleError):
        import_text(author, archive, "library.html")
    assert not Scenario.objects.exists()


def test_import_and_export_over_graphql(client, author):
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile
    from graphql_jwt.shortcuts import get_token

    auth = {"HTTP_AUTHORIZATION": f"JWT {get_token(author)}"}
    operations = {
        "query": "mutation($file: Upload!) { importStory(file: $file) { success message "
        "specialPassages warnings scenarios { mongoId title } } }",
        "variables": {"file": None},
    }
    response = client.post(
        "/graphql/",
        {
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.file"]}),
            "0": SimpleUploadedFile("cave.twee", CAVE.encode()),
        },
        **auth,
    )
    payload = response.json()["data"]["importStory"]
    assert payload["success"] and payload["specialPassages"] == ["StoryInit", "Style"]
    story_id = payload["scenarios"][0]["mongoId"]

    exported = client.post(
        "/graphql/",
        json.dumps(
            {
                "query": 'mutation($id: ID!) { exportStory(scenarioId: $id, format: "html") { success filename content } }',
                "variables": {"id": story_id},
            }
        ),
        content_type="application/json",
        **auth,
    ).json()["data"]["exportStory"]
    assert exported["success"] and exported["filename"] == "the-cave.html"
    assert exported["content"].startswith('<tw-storydata name="The Cave"')


def test_management_commands_round_trip(author, tmp_path, capsys):
    from django.core.management import call_command

    source = tmp_path / "cave.twee"
    source.write_text(CAVE)
    call_command("import_story", str(source), "--author", author.email)
    assert "Imported “The Cave”: 5 scenes, 5 choices." in capsys.readouterr().out
    scenario = Scenario.objects.get(title="The Cave")
    out = tmp_path / "out.twee"
    call_command("export_story", str(scenario.pk), "--format", "twee", "--out", str(out))
    assert out.read_text().startswith(":: StoryTitle\nThe Cave\n")


def chain_twee(count: int, *, positions: bool = False) -> bytes:
    passages = [":: StoryTitle\nLong road"]
    for number in range(count):
        position = f' {{"position":"{number * 10},0"}}' if positions else ""
        link = f"[[On->P{number + 1}]]" if number < count - 1 else ""
        passages.append(f":: P{number}{position}\nStep {number}.\n{link}")
    return ("\n\n".join(passages) + "\n").encode()


def test_passages_without_positions_are_laid_on_a_grid_however_many(author):
    """In one row, the map's million-pixel bound was passed from passage 3,847 on: they wrap into rows."""
    from story_admin.services.twine import AUTO_COLUMN_WIDTH, AUTO_COLUMNS, AUTO_ROW_HEIGHT

    [report] = import_twine_file(author=author, filename="long.twee", data=chain_twee(60))
    positions = list(Scene.objects.filter(scenario=report.scenario).values_list("position_x", "position_y"))
    assert len(set(positions)) == 60 and max(x for x, _ in positions) < AUTO_COLUMNS * AUTO_COLUMN_WIDTH
    assert sorted({y for _, y in positions}) == [0, AUTO_ROW_HEIGHT, 2 * AUTO_ROW_HEIGHT]
    assert (4000 // AUTO_COLUMNS) * AUTO_ROW_HEIGHT < 1_000_000  # 4,000 passages stay on the map


@pytest.mark.django_db(transaction=True)
def test_a_large_import_lets_other_requests_in_while_it_writes(author):
    """Written in short batches, never as one long transaction: a reader is served while the import runs
    (with one transaction it would wait to the end, then see everything at once)."""
    import threading

    from django.db import connections

    total = 600  # three batches of scenes, three of choices; a flush of many more outlasts a heartbeat
    finished = threading.Event()

    def run_import():
        try:
            import_twine_file(author=author, filename="long.twee", data=chain_twee(total))
        finally:
            finished.set()
            connections.close_all()

    importer = threading.Thread(target=run_import)
    importer.start()
    seen = set()
    while not finished.is_set():
        seen.add(Scene.objects.filter(scenario__title="Long road").count())
    importer.join(120)
    assert Scene.objects.filter(scenario__title="Long road").count() == total
    assert any(0 < count < total for count in seen), sorted(seen)


def test_an_import_that_fails_half_way_leaves_nothing(author, monkeypatch):
    from story_admin.services import twine

    def broken(model, documents):
        model.objects.bulk_create(documents[:10])
        raise RuntimeError("disk full")

    monkeypatch.setattr(twine, "_write_in_batches", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        import_twine_file(author=author, filename="long.twee", data=chain_twee(50))
    assert not Scenario.objects.exists() and not Scene.objects.exists() and not Choice.objects.exists()
