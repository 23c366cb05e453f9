"""Tasking's answer to the directory's "what work does this person still hold?" (a leaver's live
tasks and the open cases they lead), registered from ``TaskingConfig.ready``. Counts only: the
organisation admin who reads it may not be allowed to see the records themselves.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from roundtable.directory.handover import OpenWork
from roundtable.directory.models import User
from roundtable.tasking.selectors.tasks import leaver_work_summary


def describe_work(tasks: int, cases: int) -> str:
    """'3 open tasks and 1 open case they lead', in words."""
    task_words = ngettext("%(n)d open task", "%(n)d open tasks", tasks) % {"n": tasks}
    case_words = ngettext("%(n)d open case they lead", "%(n)d open cases they lead", cases) % {
        "n": cases
    }
    return _("%(tasks)s and %(cases)s") % {"tasks": task_words, "cases": case_words}


def leaver_open_work(user: User) -> OpenWork | None:
    """The person's live tasks and led cases, with the hand-over page; None when there are none."""
    tasks, cases = leaver_work_summary(user=user)
    if not tasks and not cases:
        return None
    return OpenWork(
        summary=describe_work(tasks, cases),
        url=reverse("tasking:leaver_handover", kwargs={"code": user.code}),
        link_text=_("Hand over their tasks and cases"),
    )
