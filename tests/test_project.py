"""Project-wide rules: migrations complete, visibility from one place, translations complete."""

import ast
import gettext
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

SOURCE = Path(__file__).resolve().parent.parent / "src" / "pacekeeper"


def test_it_has_a_migration_for_every_model_change(db):
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_status:
        pytest.fail(f"models changed without a migration:\n{out.getvalue()} ({exit_status})")


ENTRY_MODULES = ["**/views.py", "**/imports_views.py", "**/api.py", "**/exports.py"]
# `Model.objects.` followed by anything but a scoping call or a manager-level constructor.
UNSCOPED = re.compile(r"\b[A-Z]\w+\.objects\.(?!visible_to\()(\w+)")


def test_it_starts_every_page_api_and_export_query_from_a_scoped_queryset():
    offenders = []
    for pattern in ENTRY_MODULES:
        for path in SOURCE.glob(pattern):
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if UNSCOPED.search(line):
                    offenders.append(f"{path.relative_to(SOURCE)}:{number}: {line.strip()}")
    assert not offenders, "unscoped queries in entry points:\n" + "\n".join(offenders)


def test_it_translates_every_message_into_chinese():
    po = (SOURCE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po").read_text()
    entries = po.split("\n\n")[1:]
    untranslated = [
        entry
        for entry in entries
        if re.search(r'^msgstr(\[0\])? ""\n?$', entry, re.M) and not re.search(r'^msgstr(\[0\])? ""\n"', entry, re.M)
    ]
    fuzzy = [entry for entry in entries if "#, fuzzy" in entry]
    assert not untranslated, untranslated[:5]
    assert not fuzzy, fuzzy[:5]


def _po_messages(path: Path) -> dict[str, str]:
    """msgid → msgstr of a .po file (singular forms; plural entries by their first form)."""
    messages, current, field = {}, {}, None
    for line in path.read_text().splitlines() + [""]:
        if not line.strip():
            if current.get("msgid"):
                key = f"{current['msgctxt']}\x04{current['msgid']}" if "msgctxt" in current else current["msgid"]
                messages[key] = current.get("msgstr", current.get("msgstr[0]", ""))
            current, field = {}, None
        elif line.startswith(("msgctxt ", "msgid ", "msgstr ", "msgid_plural ", "msgstr[0] ")):
            field, _space, literal = line.partition(" ")
            current[field] = ast.literal_eval(literal)
        elif line.startswith('"') and field:
            current[field] += ast.literal_eval(line)
    return messages


def test_it_ships_compiled_translations_that_match_their_source():
    folder = SOURCE / "locale" / "zh_Hans" / "LC_MESSAGES"
    with open(folder / "django.mo", "rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog
    compiled_texts = {key if isinstance(key, str) else key[0]: value for key, value in catalog.items()}
    for msgid, msgstr in _po_messages(folder / "django.po").items():
        assert compiled_texts.get(msgid) == msgstr, f"django.mo is stale for {msgid!r}: run compilemessages"


def test_background_commands_run_at_a_lower_cpu_priority(monkeypatch):
    import os
    import subprocess
    import sys

    import django.core.management

    from pacekeeper import cli

    script = (
        "import os; from pacekeeper.cli import yield_to_requests; "
        "before = os.nice(0); yield_to_requests(); print(os.nice(0) - before)"
    )
    for setting, lowered in (("10", "10"), ("0", "0")):
        env = {**os.environ, "PACEKEEPER_BACKGROUND_NICE": setting}
        done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
        assert done.stdout.strip() == lowered
    called = []
    monkeypatch.setattr(cli, "yield_to_requests", lambda: called.append(True))
    monkeypatch.setattr(django.core.management, "execute_from_command_line", lambda argv: None)
    cli.main(["pacekeeper", "import", "sales", "x.csv"])
    cli.main(["pacekeeper", "migrate"])
    assert called == [True]  # the import, not the migration


def test_the_production_server_runs_threads_so_waiting_sign_ins_leave_room_for_pages(monkeypatch, settings):
    import sys

    import gunicorn.app.wsgiapp

    from pacekeeper import cli

    settings.SECRET_KEY = "a-production-key-" * 4
    settings.SERVER_THREADS = 12
    started = []
    monkeypatch.setattr(gunicorn.app.wsgiapp, "run", lambda: started.append(list(sys.argv)))
    monkeypatch.setattr(sys, "argv", sys.argv)  # serve() sets gunicorn's argv; put ours back afterwards
    cli.serve(["--workers", "3"])
    cli.serve(["--bind", "127.0.0.1:9001"])
    for argv in started:
        assert argv[-1] == "pacekeeper.wsgi:application"
    default, bound = (dict(zip(argv[1:-1:2], argv[2:-1:2], strict=True)) for argv in started)
    assert (default["--worker-class"], default["--threads"]) == ("gthread", "12")
    assert default["--workers"] == "3"  # gunicorn takes the last of a repeated option...
    assert default["--bind"] == "127.0.0.1:8000"
    assert started[1].count("--bind") == 1  # ...but binds every address given: only the one asked for
