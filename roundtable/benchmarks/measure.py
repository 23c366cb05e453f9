"""Timing the pages the issues name, in-process, on a generated dataset (issue 5: measure_harm).

"Server time" is the time Django takes for a whole request: ``django.test.Client`` calls the real
URL through every middleware with a signed-in session (MFA enrolled, as
``conftest.signed_in_client`` does), timed with ``time.perf_counter``; no network, no browser.
Each scenario warms up first, then runs ``requests`` times with inputs drawn from the data (by
seed), spread over 40 users in different teams. Reported: median and 95th percentile. One more
pass under ``CaptureQueriesContext`` counts queries and takes the slowest ones for EXPLAIN. The
selectors behind the pages are timed alone too, to show where the time goes. Benchmark only:
this signs in invented benchmark users and must never run against real data.
"""

from __future__ import annotations

import math
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from roundtable.benchmarks.measure_harm import run_harm_scenarios
from roundtable.benchmarks.names import misspell
from roundtable.benchmarks.scenarios import SCENARIOS
from roundtable.directory.models import Membership, Role, User
from roundtable.records.models import Profile
from roundtable.records.selectors.cases import cases_for_viewer
from roundtable.records.selectors.search import Scope, SearchQuery, profile_search
from roundtable.sharing import policy
from roundtable.sharing.models import AccessEntry, PrincipalKind, Visibility
from roundtable.sharing.sections import RecordKind

USERS = 40
CASES_PER_PAGE = 25


@dataclass
class Bench:
    """A signed-in user and what they act as."""

    user: User
    client: Client
    viewer: policy.Viewer


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (p95 of 200 values is the 190th smallest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "median_ms": round(statistics.median(values), 2),
        "p95_ms": round(percentile(values, 0.95), 2),
        "mean_ms": round(statistics.fmean(values), 2),
        "max_ms": round(max(values), 2),
    }


def _signed_in(user: User) -> Client:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())
    client = Client()
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return client


def bench_users(rng: random.Random) -> list[Bench]:
    """Practitioners from 40 different teams, drawn by seed."""
    memberships = list(
        Membership.objects.filter(role=Role.PRACTITIONER)
        .select_related("user", "team__organisation")
        .order_by("team_id", "user_id")
    )
    by_team: dict[int, list[Membership]] = {}
    for membership in memberships:
        by_team.setdefault(membership.team_id, []).append(membership)
    teams = sorted(by_team)
    chosen = rng.sample(teams, min(USERS, len(teams)))
    result = []
    for team_id in chosen:
        membership = rng.choice(by_team[team_id])
        viewer = policy.viewer_for_user(membership.user, membership.team, membership.role)
        result.append(Bench(membership.user, _signed_in(membership.user), viewer))
    return result


def _random_profiles(rng: random.Random, count: int) -> list[tuple[str, str, date]]:
    """(given, family, date of birth) of random people who are not hidden."""
    bounds = Profile.objects.order_by("pk").values_list("pk", flat=True)
    first, last = bounds.first(), bounds.last()
    if first is None or last is None:
        raise RuntimeError("The benchmark database holds no people: build it first.")
    found: list[tuple[str, str, date]] = []
    while len(found) < count:
        ids = [rng.randint(first, last) for _ in range(count)]
        rows = Profile.objects.filter(pk__in=ids, date_of_birth__isnull=False).exclude(
            visibility=Visibility.HIDDEN
        )
        found += [
            (given, family, born)
            for given, family, born in rows.order_by("pk").values_list(
                "given_name", "family_name", "date_of_birth"
            )
            if born is not None
        ]
    rng.shuffle(found)
    return found[:count]


def _search_form(
    family: str, given: str = "", born: date | None = None, year: int = 0
) -> dict[str, str]:
    data = {"family_name": family, "given_name": given, "scope": Scope.ANYWHERE}
    if born is not None:
        data.update(dob_day=str(born.day), dob_month=str(born.month), dob_year=str(born.year))
    elif year:
        data["dob_year"] = str(year)
    return data


def _visible_profile_codes(bench: Bench, rng: random.Random) -> list[str]:
    """Profiles this user's team or organisation can open: the recent ones they work on."""
    ids: list[int] = []
    for kind, principal in bench.viewer.principals:
        rows = AccessEntry.objects.filter(
            principal_kind=kind, principal_id=principal, record_kind=RecordKind.PROFILE
        ).order_by("-sort_key")
        ids += list(rows.values_list("record_id", flat=True)[:100])
        if kind == PrincipalKind.TEAM and len(ids) >= 50:
            break
    codes = [
        str(code) for code in Profile.objects.filter(pk__in=ids).values_list("code", flat=True)
    ]
    rng.shuffle(codes)
    return codes


Request = Callable[[Bench], Any]


KEY_TABLES = (
    "records_nameindexentry",
    "sharing_accessentry",
    "records_case",
    "records_profile",
    "risk_harmscore",
    "risk_offence",
    "galleries_gallerymembership",
)


def _plans(queries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """EXPLAIN a request's queries on the big tables, slowest first (index use is the point)."""
    selects = [
        (position, query)
        for position, query in enumerate(queries)
        if query["sql"].lstrip().upper().startswith("SELECT")
        and any(f'FROM "{table}"' in query["sql"] for table in KEY_TABLES)
    ]
    selects.sort(key=lambda item: (-float(item[1]["time"]), item[0]))
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    result = []
    with connection.cursor() as cursor:
        for _, query in selects[:4]:
            try:
                cursor.execute(prefix + query["sql"])
                rows = cursor.fetchall()
            except Exception as error:  # a plan we cannot get is reported, not fatal
                rows = [(f"(no plan: {type(error).__name__})",)]
            result.append(
                {
                    "sql": query["sql"][:600],
                    "ms": round(float(query["time"]) * 1000, 2),
                    "plan": [str(row[-1]) for row in rows],
                }
            )
    return result


def _run(
    benches: list[Bench], make: Callable[[int], tuple[Bench, Request]], warmup: int, count: int
) -> dict[str, Any]:
    for index in range(warmup):
        bench, request = make(index)
        request(bench)
    timings: list[float] = []
    cpu: list[float] = []
    errors = 0
    for index in range(warmup, warmup + count):
        bench, request = make(index)
        started, started_cpu = time.perf_counter(), time.process_time()
        response = request(bench)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        if getattr(response, "status_code", 200) != 200:
            errors += 1
    result: dict[str, Any] = summary(timings)
    # CPU time of this process alone: on a busy machine it shows how much of the wall time was
    # spent waiting for a core (PostgreSQL's own work is in its server process, not counted).
    result["cpu"] = summary(cpu)
    result["errors"] = errors
    queries, sql_ms = [], []
    plans: list[dict[str, Any]] = []
    for index in range(warmup + count, warmup + count + 5):
        bench, request = make(index)
        with CaptureQueriesContext(connection) as captured:
            request(bench)
        queries.append(len(captured.captured_queries))
        sql_ms.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        if not plans:
            plans = _plans(captured.captured_queries)
    result["queries"] = round(statistics.fmean(queries), 1)
    result["sql_ms"] = round(statistics.fmean(sql_ms), 2)
    result["plans"] = plans
    return result


def _time(call: Callable[[], Any], count: int) -> dict[str, float]:
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return summary(timings)


def run_scenarios(*, seed: int, requests: int, warmup: int) -> dict[str, Any]:
    """Time every scenario; returns figures per scenario (pages and the selectors alone)."""
    rng = random.Random(f"measure-{seed}")  # noqa: S311 -- reproducible inputs
    # Searches are rate limited per user (anti-fishing); the benchmark runs hundreds per user
    # on purpose, so the limit is lifted here and nowhere else.
    with override_settings(SEARCH_RATE=(1_000_000, 600)):
        return _run_all(rng, requests, warmup)


def _run_all(rng: random.Random, requests: int, warmup: int) -> dict[str, Any]:
    benches = bench_users(rng)
    total = requests + warmup + 5
    people = _random_profiles(rng, total)
    search_url = reverse("records:search")
    results: dict[str, Any] = {}

    def by_dob(index: int) -> tuple[Bench, Request]:
        _, family, born = people[index % len(people)]
        data = _search_form(family, born=born)
        return benches[index % len(benches)], lambda b: b.client.post(search_url, data)

    typos = [(misspell(family, rng), given, born) for given, family, born in people]

    def by_typo(index: int) -> tuple[Bench, Request]:
        family, given, born = typos[index % len(typos)]
        data = _search_form(family, given, year=born.year)
        return benches[index % len(benches)], lambda b: b.client.post(search_url, data)

    codes = {id(bench): _visible_profile_codes(bench, rng) for bench in benches}
    with_profiles = [bench for bench in benches if codes[id(bench)]]

    def profile(index: int) -> tuple[Bench, Request]:
        bench = with_profiles[index % len(with_profiles)]
        mine = codes[id(bench)]
        url = reverse("records:profile_detail", kwargs={"code": mine[index % len(mine)]})
        return bench, lambda b: b.client.get(url)

    cases_url = reverse("records:my_cases")

    def my_cases(index: int) -> tuple[Bench, Request]:
        return benches[index % len(benches)], lambda b: b.client.get(cases_url)

    makers = {
        "search_dob": by_dob,
        "search_typo": by_typo,
        "profile": profile,
        "my_cases": my_cases,
    }
    for scenario in SCENARIOS:
        results[scenario.key] = {
            "label": scenario.label,
            "target_ms": scenario.target_ms,
            "measured": "page",
            **_run(benches, makers[scenario.key], warmup, requests),
        }
    results["search_dob"]["selector"] = _time_selector_search(benches, people, typos=False)
    results["search_typo"]["selector"] = _time_selector_search(benches, typos, typos=True)
    results["my_cases"]["selector"] = _time(
        _cycle(lambda b: cases_for_viewer(b.viewer, limit=CASES_PER_PAGE), benches), 200
    )
    # Issue 5: the gallery's top 20 and list, a person's pattern, rescoring (measure_harm).
    results.update(
        run_harm_scenarios(
            rng=rng, warmup=warmup, requests=requests, run=_run, signed_in=_signed_in
        )
    )
    results["_users"] = len(benches)
    return results


def _cycle(call: Callable[[Bench], Any], benches: list[Bench]) -> Callable[[], Any]:
    state = {"index": 0}

    def next_call() -> Any:
        bench = benches[state["index"] % len(benches)]
        state["index"] += 1
        return call(bench)

    return next_call


def _time_selector_search(
    benches: list[Bench], inputs: list[tuple[str, str, date]], *, typos: bool
) -> dict[str, float]:
    state = {"index": 0}

    def call() -> Any:
        index = state["index"]
        state["index"] += 1
        bench = benches[index % len(benches)]
        first, second, born = inputs[index % len(inputs)]
        if typos:  # (misspelt family, given, born): year of birth only
            query = SearchQuery(
                family_name=first,
                given_name=second,
                born_from=date(born.year, 1, 1),
                born_to=date(born.year, 12, 31),
            )
        else:  # (given, family, born)
            query = SearchQuery(family_name=second, born_from=born, born_to=born)
        return profile_search(viewer=bench.viewer, query=query)

    return _time(call, 200)
