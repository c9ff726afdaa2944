from django.contrib.auth.hashers import BCryptSHA256PasswordHasher


class QuickBCryptSHA256PasswordHasher(BCryptSHA256PasswordHasher):
    """Real bcrypt at its lowest cost, so the suite does not spend minutes hashing."""

    rounds = 4
