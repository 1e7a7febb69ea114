"""`manage.py embedded_mongo`: run the embedded MongoDB-compatible server in the foreground."""

import asyncio
import errno
import signal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from studio.embedded import mongo


class Command(BaseCommand):
    help = "Run the embedded MongoDB-compatible server (mongoeco on SQLite) until interrupted."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.EMBEDDED_MONGO_HOST)
        parser.add_argument("--port", type=int, default=settings.EMBEDDED_MONGO_PORT)
        parser.add_argument("--path", type=Path, default=settings.EMBEDDED_MONGO_PATH)

    def handle(self, *args, host, port, path, **options):
        def started(address):
            self.stdout.write(f"Embedded MongoDB ready on {address.uri} (data in {path})", ending="\n")
            self.stdout.flush()

        # Stop as cleanly on SIGTERM (honcho, systemd) as on Ctrl-C.
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        try:
            asyncio.run(mongo.serve_forever(path=path, host=host, port=port, started=started))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise CommandError(
                    f"Port {port} on {host} is already in use: another embedded MongoDB may be running. "
                    f"Stop it, or choose another port with EMBEDDED_MONGO_PORT."
                ) from None
            raise
        except KeyboardInterrupt:
            self.stdout.write("Embedded MongoDB stopped.")
