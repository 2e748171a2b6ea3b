"""pacekeeper worker — run queued background tasks (imports, payout runs) until stopped; with
--batch, until the queue is empty. Takes django-tasks-db's db_worker options (not --reload).
Here, beside `pacekeeper demo`'s worker thread, because it knows the jobs of several apps."""

import sys

from django.core.management.base import CommandError
from django_tasks_db.management.commands import db_worker

from pacekeeper.lib import chores
from pacekeeper.lib.worker import ResilientWorker


class Command(db_worker.Command):
    help = "Run the background worker: queued imports, payout runs and the periodic chores, surviving database errors."

    def handle(self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay, **options) -> None:
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = ResilientWorker(
            recover=recover_stalled_jobs,
            chores=chores.run_all,
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        worker.configure_signals()
        worker.run()


def recover_stalled_jobs() -> None:
    """Mark as failed the imports and payout runs whose worker died (they can be run again)."""
    from pacekeeper.crm.import_jobs import recover_stalled_imports
    from pacekeeper.incentives.services import recover_stalled_payout_runs

    recovered = recover_stalled_imports()
    if recovered:
        print(f"Marked {recovered} interrupted import(s) as failed; they can be run again.", file=sys.stderr)
    recovered = recover_stalled_payout_runs()
    if recovered:
        print(f"Marked {recovered} interrupted payout run(s) as failed; they can be run again.", file=sys.stderr)
    from pacekeeper.progress.services import recover_stalled_report_runs

    recovered = recover_stalled_report_runs()
    if recovered:
        print(f"Marked {recovered} interrupted report run(s) as failed; they can be started again.", file=sys.stderr)
