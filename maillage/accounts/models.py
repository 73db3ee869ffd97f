from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.core.models import BaseModel
from maillage.territory.models import EPCI, Zone

from .roles import ALL_ZONES_ROLES, STAFF_ROLES, Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username or "")

    def _create_user(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("L'adresse e-mail est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.update(is_superuser=True, is_staff=True, role=Role.ADMIN)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("adresse e-mail"), unique=True)
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, default=Role.COUNSELLOR)
    is_active = models.BooleanField(_("actif"), default=True)
    is_staff = models.BooleanField(
        _("accès à l'administration"), default=False, help_text=_("Peut se connecter à /admin/.")
    )
    is_demo_account = models.BooleanField(
        _("compte de démonstration"),
        default=False,
        help_text=_("Ne peut se connecter qu'en mode démonstration."),
    )
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []  # typed by AbstractBaseUser

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def sees_all_zones(self) -> bool:
        return self.role in ALL_ZONES_ROLES

    def zone_ids(self) -> list[int]:
        """The zones this staff member works in (cached on the instance for the request)."""
        cached = getattr(self, "_zone_ids", None)
        if cached is None:
            cached = list(self.zone_memberships.values_list("zone_id", flat=True))
            self._zone_ids = cached
        return cached

    def epci_ids(self) -> list[int]:
        cached = getattr(self, "_epci_ids", None)
        if cached is None:
            cached = list(self.epci_memberships.values_list("epci_id", flat=True))
            self._epci_ids = cached
        return cached


class ZoneMembership(BaseModel):
    """Binds a staff member to a zone (antenne) they work in."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="zone_memberships")
    zone = models.ForeignKey(
        Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="memberships"
    )

    class Meta:
        verbose_name = _("rattachement à une zone")
        verbose_name_plural = _("rattachements aux zones")
        constraints = [models.UniqueConstraint(fields=["user", "zone"], name="zone_membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.zone}"


class EpciMembership(BaseModel):
    """Binds an elected official to the EPCI whose aggregates they may read."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="epci_memberships")
    epci = models.ForeignKey(
        EPCI, verbose_name=_("EPCI"), on_delete=models.PROTECT, related_name="memberships"
    )

    class Meta:
        verbose_name = _("rattachement à un EPCI")
        verbose_name_plural = _("rattachements aux EPCI")
        constraints = [models.UniqueConstraint(fields=["user", "epci"], name="epci_membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.epci}"
