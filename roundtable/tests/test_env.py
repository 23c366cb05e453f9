"""The strict environment parsers and start-up refusal on malformed settings."""

from __future__ import annotations

import subprocess

import pytest

from roundtable.lib.env import (
    EnvError,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_secret,
    env_str,
)
from roundtable.testing.processes import run_python


@pytest.mark.parametrize("word", ["1", "true", "YES", "on"])
def test_env_bool_reads_true_words(word):
    assert env_bool("FLAG", environ={"FLAG": word}) is True


@pytest.mark.parametrize("word", ["0", "false", "No", "off"])
def test_env_bool_reads_false_words(word):
    assert env_bool("FLAG", default=True, environ={"FLAG": word}) is False


def test_env_bool_refuses_other_words_naming_the_variable():
    with pytest.raises(EnvError, match="DEBUG must be one of"):
        env_bool("DEBUG", environ={"DEBUG": "maybe"})


def test_blank_values_fall_back_to_defaults():
    assert env_str("NAME", "fallback", environ={"NAME": "  "}) == "fallback"
    assert env_int("COUNT", 7, environ={"COUNT": ""}) == 7
    assert env_list("HOSTS", ["a"], environ={}) == ["a"]


def test_env_int_refuses_words_and_out_of_range_numbers():
    with pytest.raises(EnvError, match="PORT must be a whole number"):
        env_int("PORT", 1, environ={"PORT": "eighty"})
    with pytest.raises(EnvError, match="PORT must be at most 65535"):
        env_int("PORT", 1, maximum=65535, environ={"PORT": "70000"})
    with pytest.raises(EnvError, match="MINUTES must be at least 1"):
        env_int("MINUTES", 30, minimum=1, environ={"MINUTES": "0"})


def test_env_list_drops_blank_items():
    assert env_list("HOSTS", environ={"HOSTS": "a.example, ,b.example"}) == [
        "a.example",
        "b.example",
    ]


def test_env_choice_refuses_unknown_values():
    with pytest.raises(EnvError, match="MODE must be one of a, b"):
        env_choice("MODE", ("a", "b"), "a", environ={"MODE": "c"})


def test_required_secret_missing_or_short_is_refused_without_echoing_it():
    with pytest.raises(EnvError, match="SECRET_KEY is required"):
        env_secret("SECRET_KEY", required=True, environ={})
    with pytest.raises(EnvError, match="at least 32 characters") as raised:
        env_secret("SECRET_KEY", required=True, environ={"SECRET_KEY": "short-secret-value"})
    assert "short-secret-value" not in str(raised.value)


def _start(environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run_python(["manage.py", "check"], environment)


def test_malformed_variable_stops_start_up_with_a_message_naming_it(tmp_path):
    result = _start(
        {
            "ROUNDTABLE_ENV": "test",
            "ROUNDTABLE_IDLE_TIMEOUT_MINUTES": "half an hour",
            "ROUNDTABLE_VAR_DIR": str(tmp_path),
        }
    )
    assert result.returncode == 2
    assert "ROUNDTABLE_IDLE_TIMEOUT_MINUTES must be a whole number" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_without_secret_key_refuses_to_start(tmp_path):
    result = _start(
        {
            "ROUNDTABLE_ENV": "production",
            "ALLOWED_HOSTS": "rt.example",
            "ROUNDTABLE_VAR_DIR": str(tmp_path),
        }
    )
    assert result.returncode == 2
    assert "SECRET_KEY is required" in result.stderr


def test_production_refuses_debug(tmp_path):
    result = _start(
        {
            "ROUNDTABLE_ENV": "production",
            "DEBUG": "true",
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "rt.example",
            "ROUNDTABLE_VAR_DIR": str(tmp_path),
        }
    )
    assert result.returncode == 2
    assert "DEBUG cannot be on" in result.stderr


def test_unknown_database_url_scheme_is_refused(tmp_path):
    result = _start(
        {
            "ROUNDTABLE_ENV": "test",
            "DATABASE_URL": "mysql://db/x",
            "ROUNDTABLE_VAR_DIR": str(tmp_path),
        }
    )
    assert result.returncode == 2
    assert "DATABASE_URL must point at SQLite or PostgreSQL" in result.stderr


def test_well_formed_production_settings_start(tmp_path):
    result = _start(
        {
            "ROUNDTABLE_ENV": "production",
            "SECRET_KEY": "k" * 50,
            "ALLOWED_HOSTS": "rt.example",
            "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
            "ROUNDTABLE_VAR_DIR": str(tmp_path),
        }
    )
    assert result.returncode == 0, result.stderr


def test_production_hashes_passwords_with_full_cost_argon2(tmp_path):
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.PASSWORD_HASHERS[0])"
    )
    result = run_python(
        ["-c", script],
        {
            "ROUNDTABLE_ENV": "production",
            "SECRET_KEY": "k" * 50,
            "ALLOWED_HOSTS": "rt.example",
            "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
            "ROUNDTABLE_VAR_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "roundtable.settings",
        },
    )
    assert result.stdout.strip() == "django.contrib.auth.hashers.Argon2PasswordHasher", (
        result.stderr
    )
