"""`manage.py rebuild_player_figures [STORY_ID ...]`: count the Players view's figures again from the players'
progress, after progress was restored or written by a script."""

from django.core.management.base import BaseCommand, CommandError

from story_admin.analytics.counters import rebuild
from story_admin.exceptions import StoryError
from story_admin.selectors import parse_object_id


class Command(BaseCommand):
    help = "Count the Players view's figures again from the players' progress (every story, or those given)."

    def add_arguments(self, parser):
        parser.add_argument("story_ids", nargs="*", help="Ids of the stories to count again (default: every story).")

    def handle(self, *args, story_ids, **options):
        try:
            ids = [parse_object_id(value, what="story") for value in story_ids] or None
        except StoryError as error:
            raise CommandError(error.message) from None
        players = rebuild(ids)
        self.stdout.write(f"Counted {players} player{'s' if players != 1 else ''}.")
