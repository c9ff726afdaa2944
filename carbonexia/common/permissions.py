from accounts.models import Role


def sees_all_buildings(user) -> bool:
    """Verifiers and admins read every building; facility managers only their own."""
    return user.role in (Role.VERIFIER, Role.ADMIN)
