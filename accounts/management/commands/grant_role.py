from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role, User
from accounts.services import user_grant_role
from carbonexia.common.errors import ServiceError


class Command(BaseCommand):
    help = "Gives an account a role (facility_manager, verifier, admin)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("role", choices=Role.values)

    def handle(self, *args, email, role, **options):
        user = User.objects.filter(email=email.strip().lower()).first()
        if user is None:
            raise CommandError(f"No account with the email {email}.")
        try:
            user_grant_role(actor="manage.py grant_role", user=user, role=role)
        except ServiceError as exc:
            raise CommandError(exc.detail) from None
        self.stdout.write(f"{user.email} is now {role}.")
