"""`manage.py import_veh --uri mongodb://… --db NAME [--language fr]`: bring the old backend's data across."""

from django.core.management.base import BaseCommand, CommandError

from story_admin.exceptions import StoryError
from story_admin.services.legacy_import import default_language, import_old_backend


class Command(BaseCommand):
    help = "Import users (keeping their passwords), stories, media records and progress from the old backend."

    def add_arguments(self, parser):
        parser.add_argument("--uri", required=True, help="MongoDB URI of the old backend's database server")
        parser.add_argument("--db", required=True, help="database name of the old backend")
        parser.add_argument(
            "--language",
            help="language of the imported stories' texts, e.g. fr (the old "
            f"backend recorded none; default: LANGUAGE_CODE's, now “{default_language()}”)",
        )

    def handle(self, *args, uri, db, language=None, **options):
        try:
            report = import_old_backend(uri=uri, db_name=db, language=language)
        except StoryError as error:
            raise CommandError(error.message) from None
        self.stdout.write(report.summary)
