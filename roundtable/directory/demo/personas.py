"""The named demo personas: a known password and an enrolled authenticator, so a newcomer can
sign in as each of them within a minute with MFA on.

Each persona's TOTP secret is derived from its email address, so rebuilding the demo database
gives the same secret and an authenticator app set up earlier keeps working; an enrolled
authenticator is never replaced. This must never run in production (``refuse_in_production``).
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pyotp
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import decrypt
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction

from roundtable.audit import context as audit_context
from roundtable.audit.models import Action
from roundtable.audit.services import audit_record
from roundtable.directory.demo import data
from roundtable.directory.demo.builder import (
    COUNTED,
    ensure_persona_accounts,
    ensure_structure,
    refuse_in_production,
)
from roundtable.directory.models import User


def persona_totp_secret(email: str) -> str:
    """A base32 TOTP secret that is the same for a persona on every demo installation."""
    digest = hashlib.sha256(f"roundtable-demo-totp:{email}".encode()).digest()
    return base64.b32encode(digest[:20]).decode("ascii")


@dataclass(frozen=True)
class PersonaCode:
    persona: data.PersonaSpec
    code: str | None  # None when the persona has no authenticator yet


@transaction.atomic
def demo_personas_ensure() -> dict[str, Any]:
    """Make sure every persona exists, is active, has the demo password and an authenticator."""
    refuse_in_production()
    password_hash = make_password(data.DEMO_PASSWORD)
    structure = ensure_structure()
    created = Counter(structure.created)
    created.update(ensure_persona_accounts(structure=structure, password_hash=password_hash))
    users = {
        user.email: user for user in User.objects.filter(email__in=[p.email for p in data.PERSONAS])
    }
    # Personas normally share one hash; checking each distinct hash once keeps this fast.
    known_hashes: dict[str, bool] = {}
    with audit_context.acting_as(channel="command"):
        for persona in data.PERSONAS:
            user = users[persona.email]
            created["sign_ins_restored"] += _restore_sign_in(user, password_hash, known_hashes)
            if _enrol_totp(user, persona):
                created["authenticators"] += 1
        counted = (*COUNTED, "sign_ins_restored", "authenticators")
        summary: dict[str, Any] = {"created": {name: created[name] for name in counted}}
        audit_record(
            action=Action.IMPORT,
            target=structure.partnerships[data.FENSHIRE.key],
            detail={"source": "demo_personas", **summary},
        )
    return summary


def _restore_sign_in(user: User, password_hash: str, known_hashes: dict[str, bool]) -> bool:
    """Put back the published password and reactivate, if someone changed either in the demo."""
    if user.password not in known_hashes:
        known_hashes[user.password] = check_password(data.DEMO_PASSWORD, user.password)
    if user.is_active and known_hashes[user.password]:
        return False
    user.password = password_hash
    user.is_active = True
    user.deactivated_at = None
    user.save(update_fields=["password", "is_active", "deactivated_at"])
    return True


def _enrol_totp(user: User, persona: data.PersonaSpec) -> bool:
    """Enrol the persona's TOTP (and recovery codes, as allauth's own enrolment does) once."""
    if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        return False
    TOTP.activate(user, persona_totp_secret(persona.email))
    RecoveryCodes.activate(user)
    audit_record(
        action=Action.MFA_ENROL,
        target=user,
        detail={"type": "totp", "via": "demo_personas"},
    )
    return True


def current_codes(now: float | None = None) -> tuple[list[PersonaCode], int]:
    """Each persona's current one-time code, and the seconds until the codes change."""
    refuse_in_production()
    moment = time.time() if now is None else now
    period = mfa_settings.TOTP_PERIOD
    authenticators = {
        authenticator.user.email: authenticator
        for authenticator in Authenticator.objects.filter(
            type=Authenticator.Type.TOTP, user__email__in=[p.email for p in data.PERSONAS]
        ).select_related("user")
    }
    codes: list[PersonaCode] = []
    for persona in data.PERSONAS:
        authenticator = authenticators.get(persona.email)
        if authenticator is None:
            codes.append(PersonaCode(persona, None))
            continue
        # Read the secret back as allauth stores it (through the MFA adapter's decrypt), so
        # the code is whatever the enrolled authenticator expects, not what we think we enrolled.
        secret = decrypt(authenticator.data["secret"])
        totp = pyotp.TOTP(secret, digits=mfa_settings.TOTP_DIGITS, interval=period)
        codes.append(PersonaCode(persona, totp.at(moment)))
    remaining = period - int(moment) % period
    return codes, remaining
