"""Database triggers that refuse a row linked to a row of another organisation (a contact
whose customer is another organisation's, a goal for someone elsewhere…). The services check
this already; the database makes it true whatever the path (DESIGN rule 1).

Migrations call `forward(links)` / `backward(links)` with (table, column, linked table)
triples written out in the migration, so that later model changes never alter them.
"""

import re

MESSAGE = "linked rows must belong to one organisation"
IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


def _name(table: str, column: str) -> str:
    return f"same_org_{table}_{column}"


def _checked(*identifiers: str) -> None:
    """The names come from our migrations, never from users; still, only plain identifiers."""
    for identifier in identifiers:
        if not IDENTIFIER.match(identifier):
            raise ValueError(f"not a plain SQL identifier: {identifier!r}")


def _sqlite(table: str, column: str, linked: str) -> list[str]:
    _checked(table, column, linked)
    linked_org = f"(SELECT org_id FROM {linked} WHERE id = NEW.{column})"  # noqa: S608 (checked identifiers)
    mismatch = f"NEW.{column} IS NOT NULL AND NEW.org_id IS NOT {linked_org}"
    return [
        f"CREATE TRIGGER {_name(table, column)}_insert BEFORE INSERT ON {table} WHEN {mismatch} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
        f"CREATE TRIGGER {_name(table, column)}_update BEFORE UPDATE OF {column}, org_id ON {table} WHEN {mismatch} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    ]


def _postgresql(table: str, column: str, linked: str) -> list[str]:
    _checked(table, column, linked)
    name = _name(table, column)
    return [
        f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
BEGIN
    IF NEW.{column} IS NOT NULL
       AND NEW.org_id IS DISTINCT FROM (SELECT org_id FROM {linked} WHERE id = NEW.{column}) THEN
        RAISE EXCEPTION '{MESSAGE} ({table}.{column})' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql""",  # noqa: S608 (checked identifiers from our migrations)
        f"CREATE TRIGGER {name} BEFORE INSERT OR UPDATE OF {column}, org_id ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {name}()",
    ]


def forward(links):
    def run(apps, schema_editor):
        build = _postgresql if schema_editor.connection.vendor == "postgresql" else _sqlite
        for table, column, linked in links:
            for statement in build(table, column, linked):
                schema_editor.execute(statement)

    return run


def backward(links):
    def run(apps, schema_editor):
        postgresql = schema_editor.connection.vendor == "postgresql"
        for table, column, _linked in links:
            name = _name(table, column)
            if postgresql:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")
            else:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}_insert")
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}_update")

    return run


def restore_on_sqlite(links):
    """SQLite rebuilds a table to alter it and the rebuild drops its triggers: a migration that
    alters a guarded table ends with this (tests/test_write_scope.py notices a missing guard).
    PostgreSQL alters in place and keeps them."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            return
        backward(links)(apps, schema_editor)
        forward(links)(apps, schema_editor)

    return run


def trigger_names(connection) -> set[str]:
    """The same-organisation checks present in the database (for the test that every link has one)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'same_org_%%'")
            return {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'same_org_%'")
        return {row[0].removesuffix("_insert").removesuffix("_update") for row in cursor.fetchall()}


# --- altering a guarded table on SQLite -----------------------------------------------------------
# SQLite alters a table by rebuilding it (create a copy, drop the table, rename the copy). The
# rebuild drops the table's own guards — whichever migrations added them — and fails outright while
# another table's guard reads the table ("error in trigger …: no such table"). A migration that
# alters a guarded table puts its operations between the two of `around_sqlite_rebuild(table)`:
# every guard on the table or reading it is set aside before and made again, as it was, after —
# in both directions. PostgreSQL alters in place: nothing happens there.

_set_aside: dict[tuple[str, str], list[str]] = {}


def _put_aside(table: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'same_org_%%' "
                "AND (tbl_name = %s OR sql LIKE %s)",
                [table, f"%FROM {table} WHERE%"],
            )
            guards = cursor.fetchall()
        _set_aside[(schema_editor.connection.alias, table)] = [sql for _name, sql in guards]
        for name, _sql in guards:
            _checked(name)
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")

    return run


def _put_back(table: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            return
        for sql in _set_aside.pop((schema_editor.connection.alias, table), []):
            schema_editor.execute(sql)

    return run


def around_sqlite_rebuild(table: str) -> tuple:
    """`before, after = around_sqlite_rebuild("work_task")`: two operations to put around the
    operations that alter `table`."""
    from django.db import migrations

    _checked(table)
    before = migrations.RunPython(_put_aside(table), _put_back(table))
    after = migrations.RunPython(_put_back(table), _put_aside(table))
    return before, after
