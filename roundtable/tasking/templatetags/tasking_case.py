"""The case page's Tasks section: the tasks linked to a case, for viewers who hold that section.

The case page (records) loads this tag so it never imports tasking code; the selector asks the
sharing policy again, so the section is empty for anyone without the case's Tasks section.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from roundtable.tasking.selectors import tasks as selectors

register = template.Library()


@register.inclusion_tag("tasking/tasks/_case_tasks.html")
def case_tasks_section(reached: Any) -> dict[str, Any]:
    """The tasks linked to ``reached.record`` (a case) that ``reached.viewer`` may see."""
    case = reached.record
    today = timezone.localdate()
    tasks = selectors.tasks_for_case(reached.viewer, case)
    return {
        "case": case,
        "tasks": tasks,
        "today": today,
        "can_set": reached.viewer.team_id is not None,
    }
