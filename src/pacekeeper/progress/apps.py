from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    name = "pacekeeper.progress"
    verbose_name = _("Progress reports")

    def ready(self) -> None:
        # `chores` registers the schedule (every Monday, every first working day of the month).
        from pacekeeper.meetings import selectors as meetings
        from pacekeeper.workreports import selectors as workreports

        from . import chores  # noqa: F401
        from .sources import register_problem_source

        # Problems raised and measures taken: in the team's meetings, and as help asked for in
        # work reports (reports read meetings and work reports, never the other way round).
        register_problem_source("meetings", meetings.problems_and_measures)
        register_problem_source("workreports", workreports.problems_and_measures)
