"""The story map: scenes at their positions, choices as arrows, problems beside; and its outline twin."""

from django.shortcuts import render

from story_admin import selectors
from story_admin.validation import story_problems

from .access import author_required, editable_story
from .history import history_context

CARD_WIDTH, CARD_HEIGHT, MARGIN = 180, 64, 40


def map_context(scenario, selected=None):
    story = selectors.load_story(scenario)
    problems = story_problems(story)
    flagged = {problem.scene_id for problem in problems if problem.scene_id}
    left = min((scene.position_x for scene in story.scenes), default=0) - MARGIN
    top = min((scene.position_y for scene in story.scenes), default=0) - MARGIN
    cards = [{"scene": scene, "x": scene.position_x - left, "y": scene.position_y - top,
              "flagged": scene.pk in flagged} for scene in story.scenes]
    where = {card["scene"].pk: card for card in cards}
    arrows = [_arrow(choice, where[choice.from_scene_id], where[choice.to_scene_id])
              for choice in story.choices if choice.to_scene_id in where and choice.from_scene_id in where]
    width = max((card["x"] for card in cards), default=0) + CARD_WIDTH + MARGIN
    height = max((card["y"] for card in cards), default=0) + CARD_HEIGHT + MARGIN
    not_playable = scenario.is_published and any(problem.blocks_publishing for problem in problems)
    return {"story": story, "scenario": scenario, "problems": problems, "not_playable": not_playable,
            "cards": cards, "arrows": arrows,
            "width": width, "height": height, "card_width": CARD_WIDTH, "card_height": CARD_HEIGHT,
            "origin_x": left, "origin_y": top, "selected": selected}


def _arrow(choice, origin, target) -> dict:
    """From the side of the origin card that faces the target to the facing side of the target."""
    forward = target["x"] >= origin["x"]
    return {"choice": choice,
            "x1": origin["x"] + (CARD_WIDTH if forward else 0), "y1": origin["y"] + CARD_HEIGHT / 2,
            "x2": target["x"] + (0 if forward else CARD_WIDTH), "y2": target["y"] + CARD_HEIGHT / 2}


@author_required
def story_map(request, story_id):
    scenario = editable_story(request, story_id)
    context = map_context(scenario)
    context |= history_context(request, scenario)
    query = request.GET.get("q", "").strip()
    if query:
        needle = query.casefold()
        context["query"] = query
        context["matches"] = [scene for scene in context["story"].scenes
                              if needle in scene.title.casefold() or needle in scene.text.casefold()]
    return render(request, "studio/story_map.html", context)


@author_required
def outline(request, story_id):
    context = map_context(editable_story(request, story_id))
    context["rows"] = [(scene, context["story"].choices_from(scene)) for scene in context["story"].scenes]
    return render(request, "studio/outline.html", context)
