"""The bulk generator writes exactly what the services would, at a small size.

It bypasses the services for speed, so these tests hold it to them: every record's access rows
equal ``sharing.access.expected_rows`` and what ``access_rebuild`` writes, search keys equal what
``name_index_rebuild`` writes, every grant passes the agreement check, every case fits its type.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import transaction

from roundtable.benchmarks.bulk import Writer
from roundtable.benchmarks.dataset import build_dataset
from roundtable.benchmarks.generator import Generated, RecordGenerator, utc_now_to_second
from roundtable.benchmarks.names import NameBook, misspell
from roundtable.benchmarks.plan import Amounts
from roundtable.benchmarks.world import DirectorySize, build_world, utc_midnight
from roundtable.directory.models import Membership, Role, Team
from roundtable.records.identifiers import normalise_identifier
from roundtable.records.models import (
    Address,
    Case,
    CaseType,
    CaseTypeShareDefault,
    Group,
    Identifier,
    NameIndexEntry,
    Premises,
    Profile,
)
from roundtable.records.names import fold, phonetic
from roundtable.records.services.cases import (
    case_create,
    case_field_values,
    case_fields_clean,
    share_default_problem,
)
from roundtable.records.services.profiles import name_index_rebuild
from roundtable.records.validation import normalise_postcode
from roundtable.sharing import policy
from roundtable.sharing.access import actual_rows, expected_rows
from roundtable.sharing.models import AccessSource, ShareGrant
from roundtable.sharing.sections import RecordKind
from roundtable.sharing.services import access_rebuild, agreement_problem

pytestmark = pytest.mark.django_db

RECORD_MODELS: tuple[Any, ...] = (Profile, Case, Premises, Group)


def generate(seed: int = 3, profiles: int = 400) -> Generated:
    now = utc_now_to_second()
    writer = Writer()
    world = build_world(
        writer, seed=seed, size=DirectorySize(partnerships=4, users=120), now=utc_midnight(now)
    )
    amounts = Amounts.for_profiles(profiles)
    return RecordGenerator(writer=writer, world=world, amounts=amounts, seed=seed, now=now).run()


def records(model: Any) -> list[Any]:
    queryset = model.objects.order_by("pk")
    if model is Case:
        queryset = queryset.select_related("case_type__form__current_version")
    return list(queryset)


def expected_for(record: Any) -> set[tuple[int, int, int, int, int | None]]:
    return expected_rows(
        kind=int(record.record_kind),
        record_id=record.pk,
        team_id=record.owning_team_id,
        organisation_id=record.owning_organisation_id,
        organisation_sections=record.organisation_sections(),
        visibility=record.visibility,
        defaults=record.agreement_defaults(),
    )


def test_it_writes_the_amounts_asked_for():
    generated = generate(profiles=300)
    assert Profile.objects.count() == 300
    assert Case.objects.count() == 90
    assert ShareGrant.objects.count() == 600
    assert generated.counts["profiles"] == 300
    assert Premises.objects.count() == 12 and Group.objects.count() == 3


def test_access_table_equals_expected_rows_for_every_record():
    generate()
    checked: Counter[str] = Counter()
    for model in RECORD_MODELS:
        for record in records(model):
            kind = int(model.record_kind)
            assert actual_rows(kind=kind, record_id=record.pk) == expected_for(record), record.pk
            checked[model.__name__] += 1
    assert checked["Profile"] == 400 and checked["Case"] == 120
    # The sample covers every source the generator writes.
    sources = {
        source for row_set in [expected_for(r) for r in records(Case)] for *_, source, _ in row_set
    }
    assert {
        AccessSource.OWNER,
        AccessSource.ORGANISATION_DEFAULT,
        AccessSource.AGREEMENT_DEFAULT,
    } <= sources


def test_access_rows_are_what_access_rebuild_writes():
    generate()
    for model in RECORD_MODELS:
        for record in records(model)[:40]:
            kind = int(model.record_kind)
            before = actual_rows(kind=kind, record_id=record.pk)
            access_rebuild(record=record)
            assert actual_rows(kind=kind, record_id=record.pk) == before


def test_restricted_and_hidden_records_get_owner_rows_and_grants_only():
    generate(profiles=2000)
    closed = Profile.objects.exclude(visibility="normal")
    assert closed.exists()
    for profile in closed:
        sources = {row[3] for row in actual_rows(kind=RecordKind.PROFILE, record_id=profile.pk)}
        assert sources <= {AccessSource.OWNER, AccessSource.GRANT}


def test_search_keys_are_what_name_index_rebuild_writes():
    generate()
    with_aliases = Profile.objects.filter(aliases__isnull=False).distinct()
    sample = list(with_aliases[:20]) + list(Profile.objects.order_by("pk")[:20])
    assert len(sample) > 20

    def keys(profile: Profile) -> Counter[tuple[Any, ...]]:
        return Counter(
            NameIndexEntry.objects.filter(profile=profile).values_list(
                "is_alias",
                "family_key",
                "given_key",
                "family_phonetic",
                "given_phonetic",
                "date_of_birth",
                "birth_year",
            )
        )

    for profile in sample:
        generated = keys(profile)
        name_index_rebuild(profile=profile)
        assert keys(profile) == generated
        assert (False, fold(profile.family_name)) in {(k[0], k[1]) for k in generated}
        assert phonetic(profile.family_name) in {k[3] for k in generated}


def test_every_live_grant_passes_the_agreement_check():
    generate()
    by_kind = {
        int(model.record_kind): {record.pk: record for record in records(model)}
        for model in (Profile, Case)
    }
    grants = ShareGrant.objects.filter(revoked_at__isnull=True).select_related(
        "agreement", "team__organisation", "organisation"
    )
    assert grants.count() > 700
    for grant in grants:
        record = by_kind[grant.record_kind][grant.record_id]
        recipient = grant.team.organisation if grant.team else grant.organisation
        assert recipient is not None
        problem = agreement_problem(
            agreement=grant.agreement,
            record=record,
            organisation=recipient,
            sections=grant.sections,
        )
        assert problem is None, problem


def test_case_type_defaults_pass_the_case_type_check():
    generate(profiles=50)
    defaults = CaseTypeShareDefault.objects.select_related(
        "case_type", "agreement", "team__organisation", "organisation"
    )
    assert defaults.count() == 4 * 6
    for default in defaults:
        organisation = default.team.organisation if default.team else default.organisation
        assert organisation is not None
        assert (
            share_default_problem(
                case_type=default.case_type,
                agreement=default.agreement,
                organisation=organisation,
                sections=default.sections,
            )
            is None
        )


def test_cases_fit_their_type_and_the_next_case_takes_the_next_reference():
    generate()
    answered = 0
    for case in records(Case):
        values = case_field_values(case)
        answered += bool(values)
        checked = case_fields_clean(case_type=case.case_type, payload=values, viewer=policy.NOBODY)
        assert checked == (case.case_type.form.current_version, values)
        assert case.stage in case.case_type.stages
        assert case.reference.startswith(case.case_type.reference_prefix + "-")
    assert answered  # some generated cases carry answers to their type's form
    membership = Membership.objects.filter(role=Role.PRACTITIONER).select_related("team").first()
    assert membership is not None
    team: Team = membership.team
    case_type = CaseType.objects.get(
        partnership=team.organisation.partnership, reference_prefix="ASB"
    )
    opened = case_create(actor=membership.user, team=team, case_type=case_type, title="A new case")
    year = opened.opened_on.year
    numbers = [
        int(reference.rsplit("-", 1)[1])
        for reference in Case.objects.filter(reference__startswith=f"ASB-{year}-").values_list(
            "reference", flat=True
        )
    ]
    assert int(opened.reference.rsplit("-", 1)[1]) == max(numbers)
    assert len(numbers) == len(set(numbers))


def test_identifiers_and_postcodes_are_in_their_real_formats():
    generate()
    identifiers = list(Identifier.objects.values_list("kind", "value"))
    assert len(identifiers) > 50
    for kind, value in identifiers:
        assert normalise_identifier(kind, value) == value
    postcodes = list(Address.objects.values_list("postcode", flat=True))
    postcodes += list(Premises.objects.values_list("postcode", flat=True))
    assert postcodes
    for postcode in postcodes:
        assert normalise_postcode(postcode) == postcode


class _RollbackError(Exception):
    pass


def _fingerprint(seed: int) -> list[tuple[Any, ...]]:
    result: list[tuple[Any, ...]] = []
    try:
        with transaction.atomic():
            generate(seed=seed, profiles=150)
            result = list(
                Profile.objects.order_by("code").values_list(
                    "code", "given_name", "family_name", "date_of_birth", "visibility"
                )
            )
            result += list(
                Case.objects.order_by("reference").values_list("code", "reference", "title")
            )
            result += list(ShareGrant.objects.order_by("code").values_list("code", "sections"))
            raise _RollbackError
    except _RollbackError:
        pass
    return result


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    first = _fingerprint(5)
    assert first
    assert _fingerprint(5) == first
    assert _fingerprint(6) != first


def test_surnames_are_spread_like_real_ones():
    book = NameBook.for_seed(1)
    drawn = Counter(book.draw_surnames(random.Random(1), 100_000))
    commonest = drawn.most_common(1)[0][1] / 100_000
    assert 0.005 <= commonest <= 0.02  # the commonest British surname is about 1%
    assert len(drawn) > 3000  # and a long tail


def test_a_misspelling_is_one_slip_away():
    rng = random.Random(2)
    for name in NameBook.for_seed(2).surnames[:200]:
        slipped = misspell(name, rng)
        assert slipped != name or len(set(name)) == 1
        assert abs(len(slipped) - len(name)) <= 1
        assert slipped[0] == name[0]


def test_the_benchmark_refuses_a_database_that_already_holds_people():
    generate(profiles=5)
    with pytest.raises(RuntimeError, match="empty database"):
        build_dataset(profiles=10, seed=1, now=datetime.now(UTC))
