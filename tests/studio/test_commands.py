"""The commands `make run` relies on: clear messages, and only the processes that are needed."""

import socket
import time

import pytest

from tests.processes import manage


def test_embedded_mongo_on_a_taken_port_says_so(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = manage("embedded_mongo", "--port", str(port), "--path", str(tmp_path / "db.sqlite3"))
    assert result.returncode == 1
    assert f"Port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "Traceback" not in result.stderr


def test_embedded_redis_on_a_taken_port_says_so():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = manage("embedded_redis", "--port", str(port))
    assert result.returncode == 1
    assert f"Port {port} is already in use" in result.stderr


def test_embedded_redis_keeps_answering_a_moment_after_it_is_asked_to_stop(tmp_path):
    """`make run` stops every process at once: the workers still write their last job states before Redis goes."""
    import signal
    import subprocess
    import sys

    import redis

    from tests.processes import ROOT, free_port

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "embedded_redis", "--port", str(port), "--dir", str(tmp_path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    client = redis.Redis(port=port, socket_timeout=5)
    deadline = time.monotonic() + 30
    while True:
        try:
            client.ping()
            break
        except redis.exceptions.ConnectionError:
            assert time.monotonic() < deadline, "the embedded Redis did not start"
            time.sleep(0.05)
    server.send_signal(signal.SIGTERM)
    client.set("last-job-state", "finished")  # what a worker stopping at the same moment writes
    assert server.wait(30) == 0
    assert "Embedded Redis stopped." in server.stdout.read()
    assert (tmp_path / "redis.rdb").exists()  # saved on the way out, with that last write


def test_run_plan_starts_embedded_servers_only_when_no_external_one_is_set():
    assert manage("run_plan", MONGODB_URI="", REDIS_URL="").stdout.split() == [
        "mongo",
        "redis",
        "web",
        "worker",
        "music",
    ]
    external = manage("run_plan", MONGODB_URI="mongodb://db.example.com/", REDIS_URL="redis://127.0.0.1:1/0")
    assert external.stdout.split() == ["web", "worker", "music"]
    assert "does not answer yet" in external.stderr


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGINT"])
def test_embedded_mongo_stops_cleanly_on_a_signal_even_mid_read(tmp_path, signal_name):
    """The signal is handled by the server's event loop, between two of its callbacks, not wherever it lands."""
    import signal
    import threading

    import pymongo

    from tests.processes import free_port
    from tests.processes import start_embedded_mongo as start_server

    port = free_port()
    server = start_server(port, tmp_path / "db.sqlite3")
    with pymongo.MongoClient(f"mongodb://127.0.0.1:{port}/", serverSelectionTimeoutMS=3000) as client:
        client.checks.rows.insert_many([{"n": n, "text": "x" * 200} for n in range(2000)])
        pipeline = [{"$addFields": {"m": {"$mod": ["$n", 7]}}}, {"$sort": {"m": 1, "text": 1}}]

        def read_until_stopped():
            try:
                while True:
                    list(client.checks.rows.aggregate(pipeline))
            except pymongo.errors.PyMongoError:
                pass  # the server went away mid-read: what this test does

        reader = threading.Thread(target=read_until_stopped, daemon=True)
        reader.start()
        time.sleep(0.3)
        server.send_signal(getattr(signal, signal_name))
        assert server.wait(30) == 0
    log = (tmp_path / "db.log").read_text()
    assert f"Embedded MongoDB stopping ({signal_name})." in log
    assert "Embedded MongoDB stopped." in log and "still closing" not in log


def test_a_shutdown_that_hangs_gives_up_after_its_grace_period_and_says_so(caplog):
    import threading

    from studio.management.commands.embedded_mongo import exit_unless_stopped_within

    exited = threading.Event()
    codes = []
    exit_unless_stopped_within(0.05, exit=lambda code: (codes.append(code), exited.set()))
    assert exited.wait(5) and codes == [1]
    assert "still closing after 0.05 s: exiting now (committed data is on disk)" in caplog.text


def test_embedded_mongo_refuses_to_listen_beyond_this_machine(tmp_path):
    from tests.processes import free_port
    from tests.processes import manage as run_manage

    for arguments, env in ((["--host", "0.0.0.0"], {}), ([], {"EMBEDDED_MONGO_HOST": "192.168.1.20"})):
        result = run_manage(
            "embedded_mongo", "--port", str(free_port()), "--path", str(tmp_path / "db.sqlite3"), *arguments, **env
        )
        assert result.returncode == 1, result.stdout
        assert "The embedded MongoDB has no authentication, so it listens on this machine only" in result.stderr
        assert "EMBEDDED_ALLOW_REMOTE_BIND=true" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "db.sqlite3").exists()


def test_only_loopback_binds_unless_remote_binds_are_allowed():
    import pytest

    from studio.embedded.mongo import ExposedBindError, refuse_exposed_bind

    for host in ("127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"):
        refuse_exposed_bind(host, allow_remote=False)
    for host in ("0.0.0.0", "::", "10.0.0.5", "db.example.com"):
        with pytest.raises(ExposedBindError, match=f"not on “{host}”"):
            refuse_exposed_bind(host, allow_remote=False)
        refuse_exposed_bind(host, allow_remote=True)
