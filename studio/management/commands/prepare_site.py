"""`manage.py prepare_site`: wait for MongoDB, apply migrations, create the demo story."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Wait for the database, migrate, and create the demo author and story if missing."

    def handle(self, *args, **options):
        call_command("wait_for_services", no_redis=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed_demo")
