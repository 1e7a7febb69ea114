"""Production settings pass Django's deployment checks; the site refuses to run without a secret."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env):
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    environment.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", DEBUG="False",
                    SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="stories.example.com")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_secret_key_is_refused():
    result = manage("check", DEBUG="False", ALLOWED_HOSTS="stories.example.com")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr
