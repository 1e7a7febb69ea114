"""gunicorn's settings for the web process (read by `gunicorn studio.wsgi:application` from the project root).

gthread workers sized for the machine: one process per core this process may run on (the embedded MongoDB,
when used, is its own process), each with WEB_THREADS threads (4 by default) so a request waiting on the
database does not hold a core. WEB_WORKERS and WEB_THREADS override the sizes.
"""

import os

bind = os.environ.get("WEB_ADDRESS", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_WORKERS") or len(os.sched_getaffinity(0)))
threads = int(os.environ.get("WEB_THREADS") or 4)
# Ctrl-C / SIGTERM: requests in flight finish (their writes are acknowledged), then the workers exit.
graceful_timeout = 20
