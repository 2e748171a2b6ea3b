"""The progress reports' periodic chore (lib/chores.py), registered from ProgressConfig.ready()."""

from pacekeeper.lib.chores import register

from .services import schedule_reports

register(
    "progress_reports",
    lambda: schedule_reports(),
    help=(
        "Every Monday and every first working day of the month, generate all progress reports "
        "of the last week or month."
    ),
)
