"""``policy.top_rows``, written as one hand-made statement, against the queryset it replaced:
per principal, the first ``window`` live access rows newest change first, with the cursor and
the ``among`` filter, and its times as aware datetimes the cursor can be built from."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db.models import Q
from django.utils import timezone

from roundtable.records.models import Case, CaseStatus
from roundtable.records.services import cases as services
from roundtable.records.tests.case_helpers import casework, open_case
from roundtable.sharing import policy
from roundtable.sharing.models import AccessEntry
from roundtable.sharing.sections import RecordKind, Section
from roundtable.sharing.services import grant_create


def _reference(viewer, *, window, before=None, among=None):
    """The same rows read through the ORM, one principal at a time."""
    now = timezone.now()
    rows = []
    for principal_kind, principal_id in viewer.principals:
        entries = AccessEntry.objects.filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now),
            principal_kind=principal_kind,
            principal_id=principal_id,
            record_kind=RecordKind.CASE,
        )
        if before is not None:
            entries = entries.filter(
                Q(sort_key__lt=before[0]) | Q(sort_key=before[0], record_id__lt=before[1])
            )
        if among is not None:
            entries = entries.filter(record_id__in=among.values("pk"))
        rows += list(
            entries.order_by("-sort_key", "-record_id").values_list(
                "principal_kind", "principal_id", "record_id", "sort_key", "sections"
            )[:window]
        )
    return rows


@pytest.fixture
def spread(personas):
    """Eight hours of cases: six of the ASB team's (one closed, two opened in the same instant),
    three of the council's shared with it, one of them by a grant that has expired."""
    work = casework(personas)
    start = timezone.now() - timedelta(days=2)
    cases = []
    for hour in range(8):
        with time_machine.travel(start + timedelta(hours=hour), tick=False):
            if hour % 3 == 2:
                case = open_case(personas.carol, work.council_asb, work.case_type)
                grant_create(
                    actor=personas.carol,
                    record=case,
                    agreement=work.agreement,
                    sections=[Section.SUMMARY],
                    team=work.asb,
                    expires_at=timezone.now() + timedelta(hours=1 if hour == 2 else 500),
                )
            else:
                case = open_case(personas.alice, work.asb, work.case_type)
            cases.append(case)
            if hour == 7:  # two changes in the same instant: the record id breaks the tie
                cases.append(open_case(personas.alice, work.asb, work.case_type))
    closing = cases[1]
    services.case_close(
        actor=personas.alice, case=closing, outcome="Resolved", expected_version=closing.version
    )
    return work, cases


@pytest.mark.parametrize("window", [1, 3, 20])
def test_the_same_rows_as_the_queryset_for_each_window_cursor_and_filter(personas, spread, window):
    work, cases = spread
    viewer = policy.viewer_for_user(personas.alice, work.asb, "practitioner")
    assert len(viewer.principals) == 2
    middle = AccessEntry.objects.filter(record_kind=RecordKind.CASE, record_id=cases[4].pk)[0]
    cursors = [None, (middle.sort_key, middle.record_id)]
    open_only = Case.objects.filter(status=CaseStatus.OPEN)
    for before in cursors:
        for among in (None, open_only):
            found = policy.top_rows(
                viewer, kind=RecordKind.CASE, window=window, before=before, among=among
            )
            assert found == _reference(viewer, window=window, before=before, among=among)
    everything = policy.top_rows(viewer, kind=RecordKind.CASE, window=20)
    ids = {row[2] for row in everything}
    assert cases[2].pk not in ids  # its grant expired
    assert {cases[5].pk, cases[0].pk, cases[1].pk} <= ids
    assert all(timezone.is_aware(row[3]) for row in everything)


def test_no_principals_no_rows(personas, spread):
    nobody = policy.Viewer(user_id=personas.alice.pk, team_id=None, organisation_id=None)
    assert nobody.principals == []
    assert policy.top_rows(nobody, kind=RecordKind.CASE, window=5) == []
