"""`manage.py wait_for_services`: wait until MongoDB (and Redis) answer, or fail with a clear message."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from studio.services_check import mongodb_answers, redis_answers, wait_until


class Command(BaseCommand):
    help = "Wait until MongoDB and Redis answer."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=float, default=60)
        parser.add_argument("--no-redis", action="store_true", help="Do not wait for Redis.")

    def handle(self, *args, seconds, no_redis, **options):
        if not wait_until(mongodb_answers, seconds=seconds):
            raise CommandError(
                f"MongoDB does not answer at {settings.DATABASES['default']['HOST']} after {seconds:.0f} s. "
                "Check MONGODB_URI, or the embedded server's output above."
            )
        if not no_redis and not wait_until(redis_answers, seconds=seconds):
            raise CommandError(
                f"Redis does not answer at {settings.REDIS_URL} after {seconds:.0f} s. "
                "Check REDIS_URL, or the embedded Redis's output above."
            )
