import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pacekeeper.crm.imports import KIND_COLUMNS, MODES, import_apply
from pacekeeper.errors import ValidationFailed
from pacekeeper.tenancy.cli_actor import command_actor


class Command(BaseCommand):
    help = "pacekeeper import customers|contacts|sales|interactions FILE [--mode all_or_nothing|good_rows_only]"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KIND_COLUMNS))
        parser.add_argument("file")
        parser.add_argument("--mode", choices=MODES, default="all_or_nothing")
        parser.add_argument("--user", help="act as this user (default: the org admin)")
        parser.add_argument("--json", action="store_true", help="print the whole report as JSON")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file {path}")
        if path.stat().st_size > settings.IMPORT_MAX_BYTES:
            raise CommandError(f"{path} is larger than PACEKEEPER_IMPORT_MAX_BYTES ({settings.IMPORT_MAX_BYTES}).")
        actor = command_actor(options["user"], channel="import")
        try:
            with open(path, "rb") as data:
                report = import_apply(
                    actor=actor, kind=options["kind"], data=data, filename=path.name, mode=options["mode"]
                )
        except ValidationFailed as error:
            raise CommandError(str(error)) from None
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, default=str))
        for error in report.as_dict(max_errors=200)["errors"]:
            self.stderr.write(
                f"row {error['row']}, column {error['column']}, value {error['value']!r}: {error['reason']}"
            )
        if len(report.errors) > 200:
            self.stderr.write(f"… and {len(report.errors) - 200} more problems")
        summary = (
            f"{report.total} rows: {report.created} created, {report.updated} updated, "
            f"{report.bad_rows} bad; {'applied' if report.applied else 'nothing imported'}"
        )
        if not report.applied:
            raise CommandError(summary)
        self.stdout.write(summary)
