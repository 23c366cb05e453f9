"""Tasking pages: tasks, queues, watches, alert rules and the notification centre."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from roundtable.tasking.views import alerts, notifications

app_name = "tasking"

urlpatterns: list[URLPattern | URLResolver] = [
    path("notifications/", notifications.notification_list, name="notification_list"),
    path(
        "notifications/preferences/",
        notifications.notification_preferences,
        name="notification_preferences",
    ),
    path(
        "notifications/read-all/",
        notifications.notification_read_all,
        name="notification_read_all",
    ),
    path(
        "notifications/<uuid:code>/open/",
        notifications.notification_open,
        name="notification_open",
    ),
    path(
        "notifications/<uuid:code>/read/",
        notifications.notification_read,
        name="notification_read",
    ),
    path("watches/", alerts.watch_list, name="watch_list"),
    path("watches/<slug:kind>/<uuid:code>/", alerts.watch_add, name="watch_add"),
    path("watches/<slug:kind>/<uuid:code>/stop/", alerts.watch_remove, name="watch_remove"),
    path("alert-rules/", alerts.alert_rule_list, name="alert_rule_list"),
    path("alert-rules/new/", alerts.alert_rule_create, name="alert_rule_create"),
    path("alert-rules/<uuid:code>/", alerts.alert_rule_edit, name="alert_rule_edit"),
]
