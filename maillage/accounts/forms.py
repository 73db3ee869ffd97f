from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms

from maillage.core.audit import record


class LoginForm(auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label="Adresse e-mail",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": "Adresse e-mail ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
    }

    def clean_username(self) -> str:
        # One spelling per address, so that the lockout (django-axes, by username) cannot be dodged by
        # changing the case of the address. The lookup itself is case-insensitive (UserManager).
        return self.cleaned_data["username"].lower()


class OTPTokenForm(forms.Form):
    token = forms.CharField(
        label="Code à 6 chiffres de votre application d'authentification",
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "size": 8}
        ),
    )

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit() or len(token) != 6:
            raise forms.ValidationError("Saisissez les 6 chiffres affichés par votre application.")
        return token


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Sends the reset link; says nothing about whether the address is known, audits each request."""

    email = forms.EmailField(
        label="Adresse e-mail",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def get_users(self, email):
        users = super().get_users(email)
        if settings.DEMO_MODE:
            return users
        # Demo accounts cannot log in outside demo mode: no reset link for them either.
        return (user for user in users if not user.is_demo_account)

    def save(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        self.sent_count = 0
        super().save(*args, **kwargs)
        if not self.sent_count:
            # Unknown, inactive or demo address: audited without the typed address.
            record("auth.password_reset_requested", matched=False)

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        super().send_mail(
            subject_template_name,
            email_template_name,
            context,
            from_email,
            to_email,
            html_email_template_name,
        )
        self.sent_count += 1
        record("auth.password_reset_requested", obj=context["user"], matched=True)


class SetPasswordForm(auth_forms.SetPasswordForm):
    """Django's form (French labels and validator messages come with LANGUAGE_CODE = fr-fr)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].widget.attrs["autofocus"] = True
