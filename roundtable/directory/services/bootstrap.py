"""Creating the first system administrator of a fresh installation, from the command line.

A system admin is the only role that can reach the Django admin and create partnership admins, so a
new installation needs one before anyone can sign in. The account still enrols MFA at first sign-in.
This must never print or log the password.
"""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from roundtable.audit import context as audit_context
from roundtable.audit.models import Action
from roundtable.audit.services import audit_record
from roundtable.directory.models import Capability, CapabilityGrant, User


@transaction.atomic
def system_admin_bootstrap(*, email: str, full_name: str, password: str) -> tuple[User, bool]:
    """Create a system admin, or make an existing user one; returns (user, created)."""
    email = email.strip().lower()
    validate_email(email)
    if not full_name.strip():
        raise ValidationError("Give the administrator's full name.")
    user = User.objects.filter(email=email).first()
    created = user is None
    if user is None:
        user = User(email=email, full_name=full_name.strip())
    validate_password(password, user)
    user.set_password(password)
    user.is_staff = True
    user.is_superuser = True
    user.is_active = True
    user.full_clean()
    user.save()
    _, granted = CapabilityGrant.objects.get_or_create(
        user=user, capability=Capability.SYSTEM_ADMIN
    )
    with audit_context.acting_as(channel="command"):
        if created:
            audit_record(action=Action.CREATE, target=user, changes={"email": [None, email]})
        audit_record(
            action=Action.CAPABILITY_GRANT,
            target=user,
            changes={"capability": [None, Capability.SYSTEM_ADMIN.value]},
            detail={"bootstrap": True, "already_held": not granted},
        )
    return user, created
