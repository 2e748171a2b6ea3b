from django.core.management.base import BaseCommand

from pacekeeper.crm.exports import EXPORT_COLUMNS, export_file
from pacekeeper.tenancy.cli_actor import command_actor


class Command(BaseCommand):
    help = "pacekeeper export customers|contacts|sales|interactions FILE(.csv|.xlsx) [--user USERNAME]"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(EXPORT_COLUMNS))
        parser.add_argument("file")
        parser.add_argument("--user", help="export what this user sees (default: the org admin)")

    def handle(self, *args, **options):
        actor = command_actor(options["user"], channel="import")
        count = export_file(options["kind"], options["file"], actor=actor)
        self.stdout.write(f"{count} rows written to {options['file']}")
