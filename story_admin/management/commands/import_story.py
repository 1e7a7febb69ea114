"""`manage.py import_story FILE --author EMAIL [--restore]`: import a backup zip or a Twine file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from story_admin.exceptions import StoryError
from story_admin.models import User
from story_admin.services.interchange import import_story_file


class Command(BaseCommand):
    help = "Import a Story Studio backup (.zip), a Twee 3 file (.twee, .tw) or a Twine 2 HTML file or archive."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--author", required=True, help="email of the author who will own the stories")
        parser.add_argument(
            "--restore", action="store_true", help="restore a deleted story from its backup, with its original ids"
        )

    def handle(self, *args, file, author, restore, **options):
        owner = User.objects.filter(email=author.strip().lower()).first()
        if owner is None:
            raise CommandError(f"No account has the email {author}.")
        if not file.is_file():
            raise CommandError(f"{file} is not a file.")
        try:
            reports = import_story_file(author=owner, filename=file.name, data=file.read_bytes(), restore=restore)
        except StoryError as error:
            raise CommandError(error.message) from None
        for report in reports:
            self.stdout.write(f"Imported {report.summary} (id {report.scenario.pk})")
