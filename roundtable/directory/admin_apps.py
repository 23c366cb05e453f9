"""App config for Django's admin, pointing it at Roundtable's system-admin-only site.

Kept apart from ``directory.apps`` (Django picks an app's config from its apps module, and two
configs there would be ambiguous) and free of model imports (it is loaded before models are).
"""

from __future__ import annotations

from django.contrib.admin.apps import AdminConfig


class RoundtableAdminConfig(AdminConfig):
    """Django's admin, served by a site that only system admins may use."""

    default_site = "roundtable.directory.admin_site.RoundtableAdminSite"
