"""allauth adapter: Roundtable accounts are created by invitation only, never by sign-up."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    """Closes public sign-up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
