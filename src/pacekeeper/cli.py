"""The `pacekeeper` command: Django's management commands plus process launchers.

pacekeeper demo                  migrate, load the demo organisation, serve on 127.0.0.1:8000
pacekeeper serve [--bind ...]    production server (gunicorn) on the WSGI app
pacekeeper worker                background task worker (django-tasks database backend)
pacekeeper migrate | seed | import | export | token | bench | ...   management commands

Background commands (worker, import, export, backup, restore, seed) run at a lower CPU priority.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pacekeeper.settings")
    command = argv[1] if len(argv) > 1 else "help"
    if command == "serve":
        serve(argv[2:])
        return
    if command == "demo":
        # The demo's people sign in with the printed password alone; set the variable (for
        # example to "admin,director") to try two-factor sign-in in the demo.
        os.environ.setdefault("PACEKEEPER_2FA_REQUIRED_ROLES", "")
    if command in BACKGROUND_COMMANDS:
        yield_to_requests()
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


# Long jobs that share the machine with the web server.
BACKGROUND_COMMANDS = {"worker", "import", "export", "backup", "restore", "seed"}


def yield_to_requests() -> None:
    """Run at a lower CPU priority than the web server (PACEKEEPER_BACKGROUND_NICE, default 10;
    0 keeps the priority): a large import then slows other people's pages less, and only takes
    longer when the machine is busy."""
    increment = int(os.environ.get("PACEKEEPER_BACKGROUND_NICE", "10"))
    if increment > 0 and hasattr(os, "nice"):
        os.nice(increment)


def serve(args: list[str]) -> None:
    """gunicorn with sensible defaults; any gunicorn option may follow."""
    import django
    from django.conf import settings

    django.setup()
    if settings.SECRET_KEY == settings.INSECURE_DEFAULT_SECRET_KEY and not settings.DEBUG:
        sys.exit("Set PACEKEEPER_SECRET_KEY before serving (see README, Configuration).")
    from gunicorn.app.wsgiapp import run

    # gunicorn binds every --bind it is given: the default only when none is.
    given_bind = any(arg in ("-b", "--bind") or arg.startswith("--bind=") for arg in args)
    bind = [] if given_bind else ["--bind", os.environ.get("PACEKEEPER_BIND", "127.0.0.1:8000")]
    defaults = [
        *bind,
        "--workers",
        os.environ.get("PACEKEEPER_WORKERS", "4"),
        # Threads, not gunicorn's one request per process: a sign-in waiting for a password-hashing
        # slot holds its thread, and with sync workers a few of them stopped every page.
        "--worker-class",
        "gthread",
        "--threads",
        str(settings.SERVER_THREADS),
        "--access-logfile",
        "-",
    ]
    sys.argv = ["gunicorn", *defaults, *args, "pacekeeper.wsgi:application"]
    run()


if __name__ == "__main__":
    main()
