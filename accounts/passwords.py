"""Our password rule, beside Django's validators (AUTH_PASSWORD_VALIDATORS): register, the portal and every
admin password form apply it alike."""

from django.core.exceptions import ValidationError


class NotBlankOrRepeatedValidator:
    """Refuses a password of only whitespace or of one character repeated: twelve spaces pass the length minimum
    but are among the first guesses."""

    def validate(self, password: str, user: object = None) -> None:
        if not password.strip():
            raise ValidationError(
                "This password is only spaces; use letters, digits or symbols.", code="password_blank"
            )
        if len(set(password)) == 1:
            raise ValidationError(
                "This password is one character repeated; use several different characters.",
                code="password_repeated_character",
            )

    def get_help_text(self) -> str:
        return "Your password can’t be only spaces or one character repeated."
