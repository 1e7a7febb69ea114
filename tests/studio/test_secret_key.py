"""Without SECRET_KEY, each installation makes its own random key once, in a file only its owner reads."""

import stat
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ImproperlyConfigured

from studio.secret_key import installation_secret_key
from tests.processes import ROOT, manage

PRINT_KEY = "from django.conf import settings; print('KEY=' + settings.SECRET_KEY)"
OLD_SOURCE_KEY = "dev-only-insecure-secret-key-change-me-in-production-0123456789"


def key_of_a_fresh_process(key_file):
    result = manage("shell", "--no-imports", "-c", PRINT_KEY, SECRET_KEY_FILE=str(key_file))
    assert result.returncode == 0, result.stdout + result.stderr
    return next(line[4:] for line in result.stdout.splitlines() if line.startswith("KEY="))


def test_a_fresh_clone_gets_its_own_key_kept_for_the_next_start(tmp_path):
    key_file = tmp_path / "var" / "secret_key"  # var/ does not exist yet, as in CI's clean clone
    first = key_of_a_fresh_process(key_file)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text().strip() == first and len(first) >= 50
    assert key_of_a_fresh_process(key_file) == first
    assert key_of_a_fresh_process(tmp_path / "elsewhere" / "secret_key") != first


def test_no_key_is_written_in_the_source():
    sources = [path for path in (ROOT / "studio").rglob("*.py") if OLD_SOURCE_KEY in path.read_text()]
    assert sources == []


def test_processes_starting_together_share_one_key(tmp_path):
    """`make run` starts the web server and two workers at once: they must sign with the same key."""
    key_file = tmp_path / "secret_key"
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: installation_secret_key(key_file), range(32)))
    assert len(keys) == 1
    assert [path.name for path in tmp_path.iterdir()] == ["secret_key"]  # no temporary file left behind


def test_a_key_file_others_can_read_is_refused(tmp_path):
    key_file = tmp_path / "secret_key"
    installation_secret_key(key_file)
    key_file.chmod(0o644)
    with pytest.raises(ImproperlyConfigured, match="chmod 600"):
        installation_secret_key(key_file)


def test_an_empty_key_file_is_refused(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("")
    key_file.chmod(0o600)
    with pytest.raises(ImproperlyConfigured, match="empty or too short"):
        installation_secret_key(key_file)
