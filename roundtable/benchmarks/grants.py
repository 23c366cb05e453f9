"""Share grants for generated records, and their access rows, as ``sharing.services`` writes them.

Each grant cites an agreement to which the record's owning organisation and the recipient's are
both parties, covering the record's kind, for sections within what the recipient may receive:
what ``sharing.services.agreement_problem`` checks (the generator tests run it over a sample).
Live grants get the row ``access_add_grant`` writes; revoked grants none (``grant_revoke``
removed it); expired grants none (the nightly sweep removed it). Only for invented data.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from roundtable.benchmarks.bulk import uid
from roundtable.benchmarks.generator import ACCESS_FIELDS, RecordGenerator
from roundtable.benchmarks.plan import AgreementInfo, TeamInfo
from roundtable.sharing.models import AccessEntry, AccessSource, PrincipalKind, ShareGrant
from roundtable.sharing.sections import BIT, RecordKind, Section, full_mask

DAY = 86400
GRANT_FIELDS = (
    "id",
    "code",
    "created_at",
    "updated_at",
    "record_kind",
    "record_id",
    "principal_kind",
    "team_id",
    "organisation_id",
    "sections",
    "agreement_id",
    "reason",
    "origin",
    "granted_by_id",
    "expires_at",
    "revoked_at",
    "revoked_by_id",
)
REASON = "Shared for joint work under the partnership's agreement."

Recipient = tuple[AgreementInfo, int, int, int]  # agreement, principal kind and id, organisation


class _Recipients:
    """Who a team's records may be shared with, worked out once per team."""

    def __init__(self, generator: RecordGenerator) -> None:
        self.generator = generator
        self.world = generator.world
        self.by_org: dict[int, list[TeamInfo]] = defaultdict(list)
        for team in self.world.teams:
            self.by_org[team.organisation_id].append(team)
        self._local: dict[int, tuple[AgreementInfo, list[int], list[TeamInfo]] | None] = {}

    def _local_for(self, owner: TeamInfo) -> tuple[AgreementInfo, list[int], list[TeamInfo]] | None:
        if owner.organisation_id in self._local:
            return self._local[owner.organisation_id]
        agreement = self.world.local_agreements.get(owner.partnership_id)
        found = None
        if agreement is not None and owner.organisation_id in agreement.party_max:
            orgs = sorted(org for org in agreement.party_max if org != owner.organisation_id)
            teams = [team for org in orgs for team in self.by_org.get(org, [])]
            found = (agreement, orgs, teams)
        self._local[owner.organisation_id] = found
        return found

    def pick(self, owner: TeamInfo) -> Recipient | None:
        below = self.generator._below
        roll = self.generator.rng.random()
        if roll < 0.05:
            crossing = [
                agreement
                for agreement in self.world.cross_agreements
                if owner.organisation_id in agreement.party_max
            ]
            if crossing:
                agreement = crossing[below(len(crossing))]
                others = sorted(o for o in agreement.party_max if o != owner.organisation_id)
                teams = [team for org in others for team in self.by_org.get(org, [])]
                if teams:
                    team = teams[below(len(teams))]
                    return agreement, PrincipalKind.TEAM, team.id, team.organisation_id
        local = self._local_for(owner)
        if local is None:
            return None
        agreement, orgs, teams = local
        if roll < 0.15 and orgs:
            org = orgs[below(len(orgs))]
            return agreement, PrincipalKind.ORGANISATION, org, org
        if not teams:
            return None
        team = teams[below(len(teams))]
        return agreement, PrincipalKind.TEAM, team.id, team.organisation_id


def _sections(generator: RecordGenerator, kind: int, allowed: int) -> int:
    """A realistic set of sections: usually the identity or summary, some others at random."""
    rng = generator.rng
    mask = rng.getrandbits(12) & allowed
    lead = BIT[Section.IDENTITY] if kind == RecordKind.PROFILE else BIT[Section.SUMMARY]
    if rng.random() < 0.8:
        mask |= lead & allowed
    return mask or (allowed & -allowed)


def _target(generator: RecordGenerator) -> tuple[int, int, TeamInfo, int]:
    """A record to share: (kind, id, owning team, last change)."""
    result = generator.result
    cases = result.case_ids
    if len(cases) and generator.rng.random() < 0.3:
        position = generator._below(len(cases))
        team = generator.world.teams[generator.case_team[position]]
        return RecordKind.CASE, cases[position], team, generator.case_updated[position]
    position = generator._below(len(result.profile_ids))
    team = generator.world.teams[generator.profile_team[position]]
    return (
        RecordKind.PROFILE,
        result.profile_ids[position],
        team,
        generator.profile_updated[position],
    )


def write_grants(generator: RecordGenerator) -> None:
    """Invent ``amounts.grants`` grants on the generated records and write them with their rows."""
    count = generator.amounts.grants
    if count <= 0 or not len(generator.result.profile_ids):
        return
    writer, rng, now = generator.writer, generator.rng, generator.now
    at, below = writer.at, generator._below
    recipients = _Recipients(generator)
    start = writer.next_id(ShareGrant)
    grants: list[tuple[Any, ...]] = []
    access: list[tuple[Any, ...]] = []
    attempts = 0
    while len(grants) < count and attempts < count * 3:
        attempts += 1
        kind, record_id, owner, updated = _target(generator)
        recipient = recipients.pick(owner)
        if recipient is None:
            continue
        agreement, principal_kind, principal_id, organisation = recipient
        allowed = full_mask(kind) & agreement.party_max[organisation]
        if int(kind) not in agreement.kinds or not allowed:
            continue
        grant_id = start + len(grants)
        sections = _sections(generator, kind, allowed)
        created = max(updated - 30 * DAY, now - 6 * 365 * DAY) + below(30 * DAY)
        created = min(created, now - 60)
        roll = rng.random()
        expires = revoked = None
        if roll < 0.15:
            expires = now + 7 * DAY + below(3 * 365 * DAY)
        elif roll < 0.20:
            expires = min(created + DAY + below(30 * DAY), now - 3600)
        elif roll < 0.22:
            revoked = created + below(max(now - created, 1))
        granter = generator._creator(owner)
        team_id = principal_id if principal_kind == PrincipalKind.TEAM else None
        org_id = principal_id if principal_kind == PrincipalKind.ORGANISATION else None
        grants.append(
            (
                grant_id,
                uid(rng.getrandbits(128)),
                at(created),
                at(revoked or created),
                kind,
                record_id,
                principal_kind,
                team_id,
                org_id,
                sections,
                agreement.id,
                REASON,
                AccessSource.GRANT,
                granter,
                at(expires) if expires else None,
                at(revoked) if revoked else None,
                granter if revoked else None,
            )
        )
        if revoked is None and (expires is None or expires > now):
            expiry = at(expires) if expires else None
            row = (principal_kind, principal_id, sections, AccessSource.GRANT, grant_id, expiry)
            access.append((kind, record_id, *row, at(updated)))
    generator.result.grant_ids = range(start, start + len(grants))
    counts = generator.result.counts
    counts["share_grants"] = writer.insert(ShareGrant, GRANT_FIELDS, grants)
    counts["access_entries"] += writer.insert(AccessEntry, ACCESS_FIELDS, access)
    writer.reset_sequences([ShareGrant])
