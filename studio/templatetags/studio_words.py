"""`{{ scene.ending_kind|ending_name }}`: the kind of ending in the interface language (studio/words.py)."""

from django import template

from studio.words import ending_name as name_of_ending

register = template.Library()


@register.filter
def ending_name(kind):
    return name_of_ending(kind)
