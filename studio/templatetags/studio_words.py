"""The domain's words in the interface language (studio/words.py): `{{ scene.ending_kind|ending_name }}`, the kind
of ending; `{{ problem|said }}`, a story problem; `{{ step|step_said }}`, an edit step's label."""

from django import template

from studio.words import ending_name as name_of_ending
from studio.words import problem_said
from studio.words import step_said as said_step

register = template.Library()


@register.filter
def ending_name(kind):
    return name_of_ending(kind)


@register.filter
def said(problem):
    return problem_said(problem)


@register.filter
def step_said(step):
    return said_step(step)
