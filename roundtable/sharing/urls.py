"""Sharing pages: agreements, shares, access requests, break-the-glass, transfers, who viewed.

Records are addressed generically as /sharing/<kind>/<code>/... where kind is person, premises,
group or case; any other kind matches no URL (404).
"""

from __future__ import annotations

from django.urls import URLPattern, path, register_converter

from roundtable.sharing.views import agreements, inbox, oversight, records

app_name = "sharing"


class RecordKindConverter:
    """person | premises | group | case, as in ``sharing.kinds.KIND_BY_SLUG``."""

    regex = "person|premises|group|case"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(RecordKindConverter, "recordkind")

RECORD = "<recordkind:kind>/<uuid:code>/"

urlpatterns: list[URLPattern] = [
    path("agreements/", agreements.agreement_list, name="agreement_list"),
    path("agreements/new/", agreements.agreement_new, name="agreement_new"),
    path("agreements/<uuid:code>/", agreements.agreement_detail, name="agreement_detail"),
    path("agreements/<uuid:code>/change/", agreements.agreement_edit, name="agreement_edit"),
    path("agreements/<uuid:code>/end/", agreements.agreement_end_view, name="agreement_end"),
    path("requests/", inbox.request_inbox, name="request_inbox"),
    path("requests/mine/", inbox.my_requests, name="my_requests"),
    path("requests/<uuid:code>/", inbox.request_answer, name="request_answer"),
    path("transfers/", inbox.transfer_list, name="transfer_list"),
    path("transfers/<uuid:code>/", inbox.transfer_detail, name="transfer_detail"),
    path("transfers/<uuid:code>/accept/", inbox.transfer_accept_view, name="transfer_accept"),
    path("transfers/<uuid:code>/reject/", inbox.transfer_reject_view, name="transfer_reject"),
    path("transfers/<uuid:code>/revoke/", inbox.transfer_revoke_view, name="transfer_revoke"),
    path("people/<uuid:code>/activity/", oversight.user_activity, name="user_activity"),
    path(RECORD, records.record_sharing, name="record_sharing"),
    path(RECORD + "share/", records.share, name="share"),
    path(RECORD + "shares/<uuid:grant>/end/", records.revoke, name="revoke"),
    path(RECORD + "visibility/", records.visibility, name="visibility"),
    path(RECORD + "request-access/", records.request_access, name="request_access"),
    path(RECORD + "break-glass/", records.break_glass, name="break_glass"),
    path(RECORD + "transfer/", records.offer_transfer, name="transfer_offer"),
    path(RECORD + "who-viewed/", oversight.who_viewed, name="who_viewed"),
]
