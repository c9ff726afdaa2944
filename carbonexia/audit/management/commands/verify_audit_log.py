from django.core.management.base import BaseCommand, CommandError

from carbonexia.audit.models import AuditEvent
from carbonexia.audit.services import audit_first_broken_link


class Command(BaseCommand):
    help = "Recomputes the audit log's hash chain and reports the first broken link."

    def handle(self, *args, **options):
        broken = audit_first_broken_link()
        if broken is not None:
            raise CommandError(
                f"Audit log broken at event #{broken.seq} "
                f"({broken.action} {broken.object_type}:{broken.object_id}): "
                "its hash does not match its content or its predecessor."
            )
        self.stdout.write(f"Audit log intact: {AuditEvent.objects.count()} events verified.")
