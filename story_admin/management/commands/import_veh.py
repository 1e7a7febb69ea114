"""`manage.py import_veh --uri mongodb://… --db NAME`: bring the old backend's users, stories and progress."""

import pymongo
from django.core.management.base import BaseCommand, CommandError

from story_admin.services.legacy_import import import_old_backend


class Command(BaseCommand):
    help = "Import users (keeping their passwords), stories, media records and progress from the old backend."

    def add_arguments(self, parser):
        parser.add_argument("--uri", required=True, help="MongoDB URI of the old backend's database server")
        parser.add_argument("--db", required=True, help="database name of the old backend")

    def handle(self, *args, uri, db, **options):
        try:
            report = import_old_backend(uri=uri, db_name=db)
        except pymongo.errors.PyMongoError as error:
            raise CommandError(f"Cannot read the old database at {uri}: {error}") from None
        self.stdout.write(report.summary)
