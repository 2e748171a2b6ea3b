"""Steps of the crash test, each run in its own process against a scratch database
(`python -m tests.crash.scenario <step> …`, with DATABASE_URL and PACEKEEPER_DATA_DIR set)."""

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


if __name__ == "__main__":
    django.setup()
    {"prepare": prepare, "confirm": confirm, "rerun": rerun, "state": state}[sys.argv[1]](*sys.argv[2:])
