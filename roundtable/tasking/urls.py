"""Tasking pages: tasks, queues, watches, alert rules and the notification centre."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from roundtable.tasking.views import alerts, notifications, tasks

app_name = "tasking"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", tasks.my_tasks, name="my_tasks"),
    path("team/", tasks.team_queue, name="team_queue"),
    path("manage/", tasks.manager_view, name="manager_view"),
    path("new/", tasks.task_create, name="task_create"),
    path("<uuid:code>/", tasks.task_detail, name="task_detail"),
    path("<uuid:code>/edit/", tasks.task_edit, name="task_edit"),
    path("<uuid:code>/reassign/", tasks.task_reassign, name="task_reassign"),
    path("<uuid:code>/start/", tasks.task_start, name="task_start"),
    path("<uuid:code>/claim/", tasks.task_claim, name="task_claim"),
    path("<uuid:code>/hand-back/", tasks.task_hand_back, name="task_hand_back"),
    path("<uuid:code>/complete/", tasks.task_complete, name="task_complete"),
    path("<uuid:code>/cancel/", tasks.task_cancel, name="task_cancel"),
    path("<uuid:code>/comments/", tasks.task_comment, name="task_comment"),
    path("leavers/<uuid:code>/", tasks.leaver_handover, name="leaver_handover"),
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
