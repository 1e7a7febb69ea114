"""`manage.py export_story STORY_ID --format twee|html|backup [--out FILE]`: export a story to a file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from story_admin.exceptions import StoryError
from story_admin.selectors import get_scenario
from story_admin.services.interchange import EXPORT_FORMATS, export_story_file


class Command(BaseCommand):
    help = "Export a story as Twee 3, as a Twine 2 HTML archive, or as a backup zip (story.json + media)."

    def add_arguments(self, parser):
        parser.add_argument("story_id")
        parser.add_argument("--format", choices=EXPORT_FORMATS, default="twee")
        parser.add_argument("--out", type=Path, help="file to write (default: the story's slug and extension)")

    def handle(self, *args, story_id, format, out, **options):
        try:
            scenario = get_scenario(story_id)
            exported = export_story_file(editor=scenario.author, scenario=scenario, format=format)
        except StoryError as error:
            raise CommandError(error.message) from None
        target = out or Path(exported.filename)
        target.write_bytes(exported.content)
        self.stdout.write(f"Wrote {target} ({len(exported.content)} bytes)")
