"""The scene panel as an author sees it in a browser: its fields, their labels."""

import pytest
from django.urls import reverse

from tests.factories import ScenarioFactory, SceneFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_scene_fields_have_their_own_labels_and_ids(author_page):
    page, author = author_page
    story = ScenarioFactory(author=author)
    scene = SceneFactory(scenario=story, title="The well", text="Cold water.")
    page.goto(reverse("studio:scene", args=[story.pk, scene.pk]))
    assert page.get_by_label("Scene title", exact=True).input_value() == "The well"
    assert page.get_by_label("Scene text", exact=True).input_value() == "Cold water."
    ids = page.eval_on_selector_all("[id]", "nodes => nodes.map(node => node.id)")
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
