"""What each role may do in the Django admin, kept as one group per role."""

from django.contrib.auth.models import Group, Permission

from .models import Role

# Verifiers read the evidence and record decisions; they change nothing else.
VERIFIER_PERMISSIONS = [
    "buildings.view_building",
    "buildings.view_projectevent",
    "buildings.view_weatherstation",
    "metering.view_upload",
    "metering.view_utilitybill",
    "metering.view_emissionfactor",
    "metering.view_buildingweather",  # where each building's temperatures come from, and their coverage
    "mrv.view_baseline",
    "mrv.view_monthreview",
    "mrv.add_monthreview",
    "audit.view_auditevent",
    "credits.view_creditblock",
    "credits.change_creditblock",  # the approve/reject form; the service decides what may change
]


def verifier_group() -> Group:
    group, _ = Group.objects.get_or_create(name="Verifiers")
    wanted = []
    for dotted in VERIFIER_PERMISSIONS:
        app_label, codename = dotted.split(".")
        wanted += list(Permission.objects.filter(content_type__app_label=app_label, codename=codename))
    group.permissions.set(wanted)
    return group


def sees_all_buildings(user) -> bool:
    """Verifiers and admins read every building; facility managers only their own."""
    return user.role in (Role.VERIFIER, Role.ADMIN)
