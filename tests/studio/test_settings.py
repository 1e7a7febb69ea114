"""Production settings pass Django's deployment checks; the site refuses to run without a secret."""

import secrets

from tests.processes import manage


def test_check_deploy_is_clean_with_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="False",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="stories.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_secret_key_is_refused():
    result = manage("check", DEBUG="False", ALLOWED_HOSTS="stories.example.com")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr
