import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from pacekeeper.errors import ValidationFailed
from pacekeeper.lib.backups import backup


class Command(BaseCommand):
    help = "Back up the whole database to a file, consistently, while the application keeps running."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Where to write the backup (e.g. backups/pacekeeper-2026-11-22.dump).")

    def handle(self, *args, path, **options):
        target = Path(path)
        try:
            backup(target)
        except ValidationFailed as error:
            raise CommandError(error.text) from None
        self.stdout.write(
            json.dumps({"path": str(target), "bytes": target.stat().st_size, "vendor": connection.vendor})
        )
