"""Steps of the crash and concurrency tests, each run in its own process against a scratch
database (`python -m tests.crash.scenario <step> …`, with DATABASE_URL and PACEKEEPER_DATA_DIR
set): a real database file or server, as in production, rather than the test runner's."""

import json
import sys
from pathlib import Path

import django


def prepare(rows: str) -> None:
    """An organisation and a sales file of `rows` orders, uploaded and queued for its check."""
    from django.core.management import call_command

    from pacekeeper.bench.imports import UNTIL, write_sales_csv
    from pacekeeper.crm.import_jobs import import_job_start
    from pacekeeper.crm.models import Customer, Sale
    from pacekeeper.demo.seed import seed_organization
    from pacekeeper.tenancy.models import Role, User
    from pacekeeper.tenancy.scopes import actor_for

    call_command("migrate", verbosity=0)
    seed_organization(managers=4, customers=40, months=1, seed=2, until=UNTIL, team_size=2, with_goals=False)
    customers = list(Customer.objects.values_list("external_id", "owner__username"))
    path = Path(django.conf.settings.DATA_DIR) / "sales.csv"
    write_sales_csv(path, rows=int(rows), customers=customers)
    actor = actor_for(User.objects.get(role=Role.ADMIN), channel="page")
    with open(path, "rb") as upload:
        job, _created = import_job_start(actor=actor, kind="sales", filename="sales.csv", chunks=iter([upload.read()]))
    print(json.dumps({"job": job.pk, "sales_before": Sale.objects.count()}))


def confirm(job_id: str) -> None:
    from pacekeeper.crm.import_jobs import import_job_confirm
    from pacekeeper.crm.models import ImportJob
    from pacekeeper.tenancy.scopes import actor_for

    job = ImportJob.objects.get(pk=job_id)
    import_job_confirm(actor=actor_for(job.created_by), job=job, mode="all_or_nothing")


def rerun(job_id: str) -> None:
    from pacekeeper.crm.import_jobs import import_job_rerun
    from pacekeeper.crm.models import ImportJob
    from pacekeeper.tenancy.scopes import actor_for

    job = ImportJob.objects.get(pk=job_id)
    import_job_rerun(actor=actor_for(job.created_by), job=job)


def state(job_id: str) -> None:
    from pacekeeper.crm.models import ImportJob, Sale

    job = ImportJob.objects.get(pk=job_id)
    print(json.dumps({"status": job.status, "rows_seen": job.rows_seen, "sales": Sale.objects.count()}))


def prepare_payout() -> None:
    """An organisation with a month of sales, a commission plan, and a payout run of that month
    queued for its calculation."""
    from decimal import Decimal

    from django.core.management import call_command

    from pacekeeper.bench.imports import UNTIL
    from pacekeeper.demo.seed import seed_organization
    from pacekeeper.incentives.commission import Tier
    from pacekeeper.incentives.services import payout_run_start, plan_save
    from pacekeeper.kpis.periods import Period
    from pacekeeper.tenancy.models import Role, User
    from pacekeeper.tenancy.scopes import actor_for

    call_command("migrate", verbosity=0)
    seed_organization(managers=40, customers=400, months=1, seed=3, until=UNTIL, team_size=8, with_goals=False)
    admin = actor_for(User.objects.get(role=Role.ADMIN))
    plan = plan_save(actor=admin, name="Commission", metric="sales_amount", tiers=[Tier(0, Decimal("1.5"))])
    month = Period.month(UNTIL.year, UNTIL.month)
    # The admin starts it: the directors approve it (whoever starts a run may not approve it).
    run = payout_run_start(actor=admin, plan_id=plan.pk, starts_on=month.start, ends_on=month.end)
    print(json.dumps({"run": run.pk}))


def payout_rerun(run_id: str) -> None:
    from pacekeeper.incentives.models import PayoutRun
    from pacekeeper.incentives.services import payout_run_rerun
    from pacekeeper.tenancy.models import Role, User
    from pacekeeper.tenancy.scopes import actor_for

    director = actor_for(User.objects.get(role=Role.DIRECTOR))
    payout_run_rerun(actor=director, run=PayoutRun.objects.get(pk=run_id))


def approve_twice(run_id: str) -> None:
    """Calculate the run, then two directors approve it at the same moment, each in a thread
    with its own database connection (as two web requests would)."""
    import threading

    from django.db import connection

    from pacekeeper.errors import ValidationFailed
    from pacekeeper.incentives.models import PayoutRun
    from pacekeeper.incentives.services import calculate, payout_run_approve
    from pacekeeper.tenancy.models import AuditEntry, Role, User
    from pacekeeper.tenancy.scopes import actor_for

    calculate(int(run_id))
    run = PayoutRun.objects.get(pk=run_id)
    first = User.objects.get(role=Role.DIRECTOR)
    second = User.objects.create_user(username="director2", org=first.org, role=Role.DIRECTOR)
    start = threading.Barrier(2)
    outcomes = []

    def approve(user):
        try:
            start.wait()
            payout_run_approve(actor=actor_for(user), run=run, reason=f"checked by {user.username}")
            outcomes.append("approved")
        except ValidationFailed:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(user,)) for user in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.refresh_from_db()
    approvals = AuditEntry.objects.filter(object_type="incentives.payoutrun", field="status", after="approved")
    print(
        json.dumps(
            {
                "outcomes": sorted(outcomes),
                "status": run.status,
                "approvals": approvals.count(),
                "by_the_approver": approvals.filter(actor_id=run.approved_by_id).count(),
            }
        )
    )


if __name__ == "__main__":
    django.setup()
    steps = {"prepare": prepare, "confirm": confirm, "rerun": rerun, "state": state}
    steps |= {"prepare_payout": prepare_payout, "payout_rerun": payout_rerun, "approve_twice": approve_twice}
    steps[sys.argv[1]](*sys.argv[2:])
