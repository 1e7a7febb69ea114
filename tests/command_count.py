"""Counting the MongoDB commands an action sends (pymongo's command monitoring), for tests and bench/commands.py.

`listen()` registers one process-wide listener; it must run before the first MongoClient is made (pymongo
gives listeners to clients created afterwards). `counting()` then records the commands sent from this thread.
"""

import threading
from contextlib import contextmanager

from pymongo import monitoring

# Sent by pymongo for its own bookkeeping, not by what an action asks of the database.
BOOKKEEPING = frozenset({"hello", "isMaster", "ismaster", "ping", "endSessions", "buildInfo", "buildinfo"})


class _Listener(monitoring.CommandListener):
    def __init__(self):
        self.local = threading.local()

    def started(self, event):
        recording = getattr(self.local, "recording", None)
        if recording is not None and event.command_name not in BOOKKEEPING:
            target = event.command.get(event.command_name)
            name = f"{event.command_name} {target}" if isinstance(target, str) else event.command_name
            recording.append(name)
            recording.lookups += [
                f"{name} $lookup {stage['$lookup'].get('from')}"
                for stage in event.command.get("pipeline") or []
                if isinstance(stage, dict) and isinstance(stage.get("$lookup"), dict)
            ]

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


_listener = _Listener()
_registered = False


def listen() -> None:
    global _registered
    if not _registered:
        monitoring.register(_listener)
        _registered = True


class Commands(list):
    """The commands sent, and in `lookups` the joins among them ("aggregate choices $lookup scenes"): the
    embedded server runs a `$lookup` over the whole collection before the filter that follows it."""

    def __init__(self):
        super().__init__()
        self.lookups: list[str] = []


@contextmanager
def counting():
    """`with counting() as commands:` ... then `len(commands)`; each entry is "find scene", "update player_progress"…"""
    if not _registered:
        raise RuntimeError("command_count.listen() must run before the database connection is opened")
    commands = Commands()
    previous = getattr(_listener.local, "recording", None)
    _listener.local.recording = commands
    try:
        yield commands
    finally:
        _listener.local.recording = previous
