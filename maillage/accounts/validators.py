from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DEMO_PASSWORD = "maillage-demo"  # noqa: S105 - the published demo password, refused outside demo mode


class DemoPasswordValidator:
    """The published demo password is only acceptable in demo mode."""

    def validate(self, password: str, user=None) -> None:
        if password == DEMO_PASSWORD and not settings.DEMO_MODE:
            raise ValidationError(
                _("Ce mot de passe est celui de la démonstration : choisissez-en un autre."),
                code="demo_password",
            )

    def get_help_text(self) -> str:
        return _("Votre mot de passe ne peut pas être celui de la démonstration.")
