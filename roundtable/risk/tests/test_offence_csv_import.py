"""Importing offences from a CSV file: the format, every problem named by row with nothing
written, people only where the importing team sees their offending (a hidden person reads exactly
like a missing one), the same offences and scores as recording one by one, the page and the
command."""

from __future__ import annotations

import uuid
from datetime import date, time

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from roundtable.audit.models import Action, AuditEvent
from roundtable.records.models import IdentifierKind
from roundtable.records.services.profiles import identifier_add
from roundtable.risk.imports import MAX_BYTES, MAX_ROWS, OffenceImportError, read_rows
from roundtable.risk.models import HarmModelKind, HarmScore, Offence, OffenceRole
from roundtable.risk.services.imports import offences_import
from roundtable.risk.services.offences import OffenceDetails, offence_create
from roundtable.risk.tests.risk_helpers import (
    TODAY,
    at,
    classification,
    partnership_of,
    person,
    publish,
    team_of,
)

HEADER = (
    "person,category,date,time,role,disposal,postcode,source_organisation,source_reference,"
    "proactive\n"
)
PNC = "21/0012345M"


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def world(personas, frozen):
    partnership = partnership_of(personas.alice)
    categories = classification(partnership)
    publish(partnership, HarmModelKind.CHI, {"VAP-ABH": 120, "BUR-DWL": 365}, windows=(365,))
    publish(
        partnership,
        HarmModelKind.RFG,
        {"VAP-ABH": 3, "BUR-DWL": 2},
        bands=((3, "1"), (12, "0.5")),
        windows=(365,),
    )
    jordan = person(personas.alice, "Jordan", "Example")
    return categories, jordan


def csv_of(*rows: str) -> bytes:
    return (HEADER + "".join(f"{row}\n" for row in rows)).encode()


def good_rows(who: str) -> bytes:
    return csv_of(
        f"{who},VAP-ABH,2026-05-01,22:15,offender,charged,te1 1aa,Testshire Police,CR/1,no",
        f"{who},bur-dwl,20/11/2025,,Offender,Convicted,te1 1aa,testshire police,CR/2,",
        f"{who},VAP-ABH,2025-02-03,22:15,suspect,charged,te1 1aa,Testshire Police,CR/3,yes",
    )


def refused(user, data: bytes) -> list[str]:
    with pytest.raises(OffenceImportError) as error:
        offences_import(actor=user, team=team_of(user), data=data)
    return error.value.problems


def offences_events() -> int:
    return AuditEvent.objects.filter(action__in=[Action.CREATE, Action.IMPORT]).count()


def test_unknown_categories_and_bad_cells_are_named_by_row_and_nothing_is_written(personas, world):
    _categories, jordan = world
    before = offences_events()
    problems = refused(
        personas.alice,
        csv_of(
            f"{jordan.code},VAP-ABH,2026-05-01,,offender,charged,,Testshire Police,,",
            f"{jordan.code},XYZ,2026-05-01,,offender,charged,,Testshire Police,,",
            f"{jordan.code},VAP-ABH,31/02/2026,25:00,boss,fined,,Nowhere Agency,,maybe",
            "",
            "not-a-person,,2026-05-01,,offender,charged,,Testshire Police,,",
        ),
    )
    assert problems == [
        "Row 3: category code XYZ is not in your partnership's offence classification.",
        "Row 4: the date must be a real date written as 2026-03-27 or 27/03/2026.",
        "Row 4: the time must use the 24-hour clock, for example 14:30, or be left empty.",
        "Row 4: the role must be one of offender, suspect, victim or witness.",
        problems[4],
        "Row 4: the source organisation Nowhere Agency is not an agency of your partnership "
        "(use its short name).",
        "Row 4: proactive must be yes or no, or be left empty.",
        "Row 6: the person is neither a Roundtable person code nor a PNC ID.",
        "Row 6: the category code is missing.",
    ]
    assert problems[4].startswith("Row 4: the disposal must be one of under_investigation, ")
    assert Offence.objects.count() == 0
    assert offences_events() == before
    # A row the service refuses (a future date) is named by its file row too.
    problems = refused(
        personas.alice,
        csv_of(
            f"{jordan.code},VAP-ABH,2026-05-01,,offender,charged,,Testshire Police,,",
            f"{jordan.code},VAP-ABH,2027-05-01,,offender,charged,,Testshire Police,,",
        ),
    )
    assert problems == ["Row 3: The date and time of the offence cannot be in the future."]
    assert Offence.objects.count() == 0


def test_a_person_is_found_only_where_the_team_sees_their_offending(personas, world, client_for):
    _categories, jordan = world
    identifier_add(actor=personas.alice, profile=jordan, kind=IdentifierKind.PNC, value=PNC)
    missing = uuid.uuid4()
    for user in (personas.carol, personas.dave):  # the council, another partnership
        hidden = refused(user, good_rows(str(jordan.code)))
        absent = refused(user, good_rows(str(missing)))
        by_pnc = refused(user, good_rows(PNC))
        wording = "no person with that code or PNC ID whose offending your team can see."
        expected = [f"Row {n}: {wording}" for n in (2, 3, 4)]
        assert [p for p in hidden if "person" in p] == expected
        assert [p for p in absent if "person" in p] == expected
        assert [p for p in by_pnc if "person" in p] == expected
    assert Offence.objects.count() == 0
    # The owning team imports the same file, by code or by PNC ID.
    result = offences_import(
        actor=personas.alice, team=team_of(personas.alice), data=good_rows(str(jordan.code))
    )
    assert (result.offences, result.people, result.categories) == (3, 1, 2)
    pnc_file = good_rows(PNC).replace(b"CR/", b"PN/")
    assert offences_import(actor=personas.alice, team=team_of(personas.alice), data=pnc_file)
    assert Offence.objects.filter(profile=jordan).count() == 6


def test_an_import_stores_audits_and_scores_as_recording_one_by_one(personas, world):
    categories, jordan = world
    alice = personas.alice
    team = team_of(alice)
    other = person(alice, "Jordan", "Sample")
    plan = [
        ("VAP-ABH", date(2026, 5, 1), {}),
        ("BUR-DWL", date(2025, 11, 20), {"time_known": False, "disposal": "convicted"}),
        ("VAP-ABH", date(2025, 2, 3), {"role": OffenceRole.SUSPECT, "proactive": True}),
    ]
    for number, (code, day, more) in enumerate(plan, 1):
        values = {
            "category": categories[code],
            "role": OffenceRole.OFFENDER,
            "occurred_at": at(day, time(22, 15) if more.get("time_known", True) else time(0)),
            "time_known": True,
            "disposal": "charged",
            "source_organisation": team.organisation,
            "postcode": "te1 1aa",
            "source_reference": f"ONE/{number}",
        }
        values.update(more)
        offence_create(actor=alice, team=team, profile=other, details=OffenceDetails(**values))
    offences_import(actor=alice, team=team, data=good_rows(str(jordan.code)))
    fields = (
        "category_id",
        "role",
        "occurred_at",
        "time_known",
        "hour",
        "disposal",
        "postcode",
        "source_organisation_id",
        "proactive",
        "recorded_by_id",
        "recorded_by_team_id",
    )

    def stored(profile):
        return list(
            Offence.objects.filter(profile=profile).order_by("occurred_at").values_list(*fields)
        )

    def scores(profile):
        rows = HarmScore.objects.filter(profile=profile).order_by("model__kind", "window_days")
        return list(rows.values_list("model__kind", "window_days", "total", "offences_counted"))

    assert stored(jordan) == stored(other)
    assert scores(jordan) == scores(other) != []
    events = AuditEvent.objects.filter(action=Action.CREATE, target_id=str(jordan.code))
    assert len([e for e in events if "offence" in e.detail]) == 3
    imported = AuditEvent.objects.get(action=Action.IMPORT, detail__import="offences")
    assert imported.result_count == 3
    assert imported.detail["people"] == 1 and imported.detail["categories"] == 2
    assert str(jordan.code) not in str(imported.detail)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"\xff\xfe" + HEADER.encode("utf-16-le"), "saved as UTF-8"),
        (HEADER.encode() + b"x" * MAX_BYTES, "2 MB or smaller"),
        (HEADER.encode() + b"a,b,c\n" * (MAX_ROWS + 1), "more than 5,000 offences"),
        (HEADER.encode(), "no offences under its header row"),
        (b"", "must start with a header row"),
        (b"person,category,colour\n1,2,3\n", "Row 1: the column colour is not one"),
        (b"person,category\n1,2\n", "Row 1: the column date is missing."),
        (HEADER.encode() + b'a,"b\n', "Row 2: the file is not valid CSV"),
        (HEADER.encode() + b"a,b,c,d,e,f,g,h,i,j,k\n", "Row 2: it has more cells"),
        (b"\x00\x01binary", "not a CSV file"),
    ],
)
def test_files_that_cannot_be_read_are_refused_with_a_reason(data, problem):
    with pytest.raises(OffenceImportError) as error:
        read_rows(data)
    assert problem in " ".join(error.value.problems)


def test_a_bom_and_spreadsheet_headers_are_tolerated():
    data = "\ufeffPerson,Category,Date,Role,Disposal,Source organisation\r\nx,y,z,a,b,c\r\n"
    rows = read_rows(data.encode())
    assert [
        (row.number, row.cells["person"], row.cells["source_organisation"]) for row in rows
    ] == [(2, "x", "c")]


def test_the_import_page_for_a_team_and_refused_without_one(personas, world, client_for):
    _categories, jordan = world
    url = reverse("risk:offence_import")
    assert client_for(personas.sysadmin).get(url).status_code == 403
    client = client_for(personas.alice)
    page = client.get(url)
    assert page.status_code == 200 and b"Import offences from a file" in page.content
    index = client.get(reverse("risk:ranking_index"))
    assert url.encode() in index.content
    bad = client.post(
        url,
        {
            "file": SimpleUploadedFile(
                "o.csv",
                csv_of(f"{jordan.code},XYZ,2026-05-01,,offender,charged,,Testshire Police,,"),
            )
        },
    )
    assert bad.status_code == 400
    assert b"Row 2: category code XYZ is not in your partnership&#x27;s offence" in bad.content
    assert b"The file was not imported: 1 problem(s), listed below" in bad.content
    assert client.post(url, {}).status_code == 400
    assert Offence.objects.count() == 0
    done = client.post(
        url, {"file": SimpleUploadedFile("o.csv", good_rows(str(jordan.code)))}, follow=True
    )
    assert done.status_code == 200
    assert b"3 offences imported for 1 people in 2 categories" in done.content
    assert Offence.objects.filter(profile=jordan, recorded_by=personas.alice).count() == 3
    # The council's practitioner, uploading the same file, learns nothing about Jordan.
    other = client_for(personas.carol).post(
        url, {"file": SimpleUploadedFile("o.csv", good_rows(str(jordan.code)))}
    )
    assert other.status_code == 400
    assert b"no person with that code or PNC ID whose offending your team can see" in other.content
    assert b"Example" not in other.content.replace(b"example", b"")


def test_the_command_imports_as_a_user_and_team(personas, world, tmp_path, capsys):
    _categories, jordan = world
    team = team_of(personas.alice)
    path = tmp_path / "offences.csv"
    path.write_bytes(csv_of(f"{jordan.code},XYZ,2026-05-01,,offender,charged,,Testshire Police,,"))
    with pytest.raises(CommandError, match="Nothing was imported: 1 problem"):
        call_command("import_offences", str(path), user=personas.alice.email, team=str(team.code))
    assert "Row 2: category code XYZ" in capsys.readouterr().err
    with pytest.raises(CommandError, match="No active team"):
        call_command("import_offences", str(path), user=personas.alice.email, team="nope")
    path.write_bytes(good_rows(str(jordan.code)))
    call_command("import_offences", str(path), user=personas.alice.email, team=str(team.code))
    assert "3 offences imported for 1 people" in capsys.readouterr().out
    assert Offence.objects.filter(profile=jordan).count() == 3
    event = AuditEvent.objects.get(action=Action.IMPORT, detail__import="offences")
    assert event.channel == "command"
    # A user who is not in the team is refused, and nothing more is written.
    path.write_bytes(good_rows(str(jordan.code)).replace(b"CR/", b"X/"))
    with pytest.raises(CommandError):
        call_command("import_offences", str(path), user=personas.carol.email, team=str(team.code))
    assert Offence.objects.filter(profile=jordan).count() == 3
