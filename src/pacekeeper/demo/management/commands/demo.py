import datetime as dt
import os
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.core.management.base import BaseCommand

from pacekeeper.demo.seed import demo_months, seed_organization
from pacekeeper.tenancy.models import Organization, User

DEMO_PASSWORD = "pacekeeper-demo"


def start_task_worker() -> None:
    """Background tasks (imports, payout runs) and the periodic chores for the demo, in a thread of
    the same process. Production runs `pacekeeper worker` as its own service instead."""
    import threading

    from pacekeeper.demo.management.commands.worker import recover_stalled_jobs
    from pacekeeper.lib import chores
    from pacekeeper.lib.worker import ResilientWorker

    worker = ResilientWorker(
        recover=recover_stalled_jobs,
        chores=chores.run_all,
        queue_names=["*"],
        interval=1,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="demo",
        excluded_queue_names=[],
    )
    threading.Thread(target=worker.run, name="pacekeeper-tasks", daemon=True).start()


class Command(BaseCommand):
    help = "Create and migrate the embedded database, load the demo organisation, serve on 127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="prepare the data and stop")

    def handle(self, *args, **options):
        from django.conf import settings

        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        if not Organization.objects.exists():
            months = demo_months(dt.datetime.now(ZoneInfo("Asia/Shanghai")).date())
            self.stdout.write(
                f"Loading the demo organisation (3 teams, 12 account managers, 300 customers, {months} months)…"
            )
            seed_organization(managers=12, customers=300, months=months, seed=2026, password=DEMO_PASSWORD, team_size=4)
        self._print_logins(options["addr"])
        if not options["no_serve"]:
            if "PACEKEEPER_PUBLIC_URL" not in os.environ:
                # Survey links and QR codes point at the demo as served, not at the default port.
                settings.PUBLIC_URL = f"http://{options['addr']}"
            start_task_worker()
            call_command("runserver", options["addr"], use_reloader=False, use_threading=True)

    def _print_logins(self, addr: str) -> None:
        logins = [
            ("org admin / 系统管理员", "admin"),
            ("director / 业务总监", "director"),
            ("team lead / 团队主管", "lead001"),
            ("account manager / 客户经理", "am0001"),
            ("analyst / 数据分析", "analyst"),
        ]
        self.stdout.write(self.style.SUCCESS(f"\nPacekeeper demo: http://{addr}/"))
        for role, username in logins:
            if User.objects.filter(username=username).exists():
                self.stdout.write(f"  {role:<28} {username:<10} password: {DEMO_PASSWORD}")
        self.stdout.write("")
