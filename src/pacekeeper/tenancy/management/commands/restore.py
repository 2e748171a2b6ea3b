import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from pacekeeper.errors import ValidationFailed
from pacekeeper.lib.backups import fingerprint_of, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `pacekeeper backup` into the configured database, which must be empty "
        "(create a new database, point DATABASE_URL at it, then restore)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file.")

    def handle(self, *args, path, **options):
        settings_dict = connection.settings_dict
        connection.close()
        try:
            restore(Path(path), settings_dict=settings_dict)
        except ValidationFailed as error:
            raise CommandError(error.text) from None
        tables = fingerprint_of(settings_dict)
        rows = sum(count for count, _digest in tables.values())
        self.stdout.write(json.dumps({"path": path, "tables": len(tables), "rows": rows}))
