from django.core.management.base import BaseCommand, CommandError

from pacekeeper.tenancy.models import User
from pacekeeper.tenancy.services import api_token_create


class Command(BaseCommand):
    help = "pacekeeper token create USER [--name NAME]: print a new personal API token on the last line."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create"])
        parser.add_argument("username")
        parser.add_argument("--name", default="command line")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"]).first()
        if user is None or user.org_id is None:
            raise CommandError(f"No user {options['username']!r} in an organisation.")
        _token, secret = api_token_create(user=user, name=options["name"])
        self.stderr.write(f"Token {options['name']!r} for {user.username}; it is shown only once:")
        self.stdout.write(secret)
