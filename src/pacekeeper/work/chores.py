"""The work app's periodic chores (lib/chores.py), registered from WorkConfig.ready()."""

from pacekeeper.lib.chores import register

from .notices import task_notices_send
from .recurring_services import recurring_tasks_generate

register(
    "recurring_tasks",
    lambda: recurring_tasks_generate(),
    help="Create the tasks of recurring-task rules that are due to appear.",
)
register("task_notices", lambda: task_notices_send(), help="Send due-tomorrow and overdue notices about tasks.")
