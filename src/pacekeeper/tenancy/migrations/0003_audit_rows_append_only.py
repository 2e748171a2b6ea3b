"""Audit rows are append-only for the application: on PostgreSQL a trigger refuses UPDATE and
DELETE on them, whatever the role (even the table's owner). SQLite has no roles to guard; the
application itself has no code path that changes an audit row."""

from django.db import migrations

FORBID = """
CREATE OR REPLACE FUNCTION pacekeeper_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit rows are append-only (%% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER tenancy_auditentry_append_only
    BEFORE UPDATE OR DELETE ON tenancy_auditentry
    FOR EACH ROW EXECUTE FUNCTION pacekeeper_audit_append_only();
"""
ALLOW = """
DROP TRIGGER IF EXISTS tenancy_auditentry_append_only ON tenancy_auditentry;
DROP FUNCTION IF EXISTS pacekeeper_audit_append_only();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("tenancy", "0002_sign_in_hardening_and_audit_context")]

    operations = [migrations.RunPython(_on_postgresql(FORBID), _on_postgresql(ALLOW))]
