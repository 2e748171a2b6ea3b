"""pacekeeper chores — run the periodic chores once (what every worker does on start-up and every
PACEKEEPER_CHORE_MINUTES): create the tasks of recurring-task rules, send due-tomorrow and overdue
notices. For a deployment without a running worker, from cron; safe to run at any time and
several times (each chore is idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from pacekeeper.lib import chores


class Command(BaseCommand):
    help = "Run the periodic chores once (recurring tasks, task notices); --list shows them."

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help="only these chores (default: all)")
        parser.add_argument("--list", dest="show_list", action="store_true", help="list the chores and stop")

    def handle(self, *args, names, show_list, **options) -> None:
        if show_list:
            for chore in chores.CHORES.values():
                self.stdout.write(f"{chore.name}\t{chore.help}")
            return
        unknown = set(names) - set(chores.CHORES)
        if unknown:
            raise CommandError(f"unknown chore(s): {', '.join(sorted(unknown))}; see --list")
        failed = []
        for name, result in chores.run_all(names or None).items():
            if isinstance(result, Exception):
                failed.append(name)
                self.stderr.write(f"{name}: failed: {result}")
            else:
                self.stdout.write(f"{name}: {result if result is not None else 'done'}")
        if failed:
            raise CommandError(f"{len(failed)} chore(s) failed: {', '.join(failed)}")
