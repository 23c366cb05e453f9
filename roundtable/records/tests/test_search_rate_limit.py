"""Searches beyond one's own records are rate limited per user; the window resets on time."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from roundtable.audit.models import Action, AuditEvent, Outcome
from roundtable.lib.env import EnvError, env_rate, parse_rate

URL = "/records/search/"
NATIONAL = {
    "scope": "anywhere",
    "family_name": "Fernhill",
    "dob_day": "1",
    "dob_month": "4",
    "dob_year": "1990",
}


@pytest.fixture(autouse=True)
def _three_searches_in_ten_minutes(settings):
    settings.SEARCH_RATE = (3, 600)
    cache.clear()
    yield
    cache.clear()


def test_fourth_national_search_in_the_window_gets_429_with_a_clear_message(personas, client_for):
    client = client_for(personas.carol)
    with time_machine.travel(timezone.now(), tick=False):
        for _ in range(3):
            assert client.post(URL, NATIONAL).status_code == 200
        refused = client.post(URL, NATIONAL)
    assert refused.status_code == 429
    body = refused.content.decode()
    assert "You have made too many searches" in body
    assert "Try again in 10 minutes" in body
    event = AuditEvent.objects.filter(action=Action.SEARCH).latest("id")
    assert event.outcome == Outcome.REFUSED
    assert event.detail == {"refused": "rate limit"}
    assert event.search_terms["family_name"] == "Fernhill"


def test_the_window_resets_after_its_time(personas, client_for):
    client = client_for(personas.carol)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(3):
            client.post(URL, NATIONAL)
        assert client.post(URL, NATIONAL).status_code == 429
        traveller.shift(timedelta(minutes=10))
        assert client.post(URL, NATIONAL).status_code == 200


def test_the_limit_is_per_user(personas, client_for):
    carol, dave = client_for(personas.carol), client_for(personas.dave)
    with time_machine.travel(timezone.now(), tick=False):
        for _ in range(4):
            carol.post(URL, NATIONAL)
        assert dave.post(URL, NATIONAL).status_code == 200


def test_searches_of_own_records_are_not_limited(personas, client_for):
    client = client_for(personas.alice)
    own = {**NATIONAL, "scope": "team"}
    with time_machine.travel(timezone.now(), tick=False):
        for _ in range(5):
            assert client.post(URL, own).status_code == 200
        for _ in range(3):
            assert client.post(URL, NATIONAL).status_code == 200
        assert client.post(URL, NATIONAL).status_code == 429


def test_refused_as_fishing_does_not_use_up_the_limit(personas, client_for):
    client = client_for(personas.carol)
    with time_machine.travel(timezone.now(), tick=False):
        for _ in range(5):
            assert client.post(URL, {"family_name": "Fernhill"}).status_code == 400
        assert client.post(URL, NATIONAL).status_code == 200


@pytest.mark.parametrize(
    ("text", "expected"),
    [("30/10m", (30, 600)), ("5/30s", (5, 30)), ("100/1h", (100, 3600)), ("7/m", (7, 60))],
)
def test_rate_setting_is_parsed(text, expected):
    assert parse_rate(text) == expected
    assert env_rate("ROUNDTABLE_SEARCH_RATE", "1/1s", environ={"ROUNDTABLE_SEARCH_RATE": text}) == (
        expected
    )


@pytest.mark.parametrize("text", ["30", "30/10", "0/10m", "x/10m", "30/10d", "30/-1m"])
def test_malformed_rate_setting_stops_start_up_with_its_name(text):
    with pytest.raises(EnvError, match="ROUNDTABLE_SEARCH_RATE must be a count per period"):
        env_rate("ROUNDTABLE_SEARCH_RATE", "30/10m", environ={"ROUNDTABLE_SEARCH_RATE": text})


def test_rate_setting_defaults_when_unset():
    assert env_rate("ROUNDTABLE_SEARCH_RATE", "30/10m", environ={}) == (30, 600)
