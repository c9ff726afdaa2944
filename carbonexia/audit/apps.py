from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "carbonexia.audit"
    label = "audit"
    verbose_name = "Audit log"
