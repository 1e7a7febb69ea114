"""`manage.py run_plan`: the Procfile processes `make run` starts, embedded ones only when needed."""

import os

from django.core.management.base import BaseCommand

from studio.services_check import redis_answers


class Command(BaseCommand):
    help = "Print the names of the Procfile processes to start."
    requires_system_checks = []

    def handle(self, *args, **options):
        processes = []
        if not os.environ.get("MONGODB_URI"):
            processes.append("mongo")
        redis_url = os.environ.get("REDIS_URL")
        if not redis_url:
            processes.append("redis")
        elif not redis_answers(redis_url):
            self.stderr.write(f"Warning: REDIS_URL={redis_url} does not answer yet; the worker will wait for it.")
        processes += ["web", "worker", "music"]
        self.stdout.write(" ".join(processes))
