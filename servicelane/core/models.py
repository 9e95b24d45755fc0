"""The network, its workshops (the tenants), users and their roles, audit."""

import hashlib
import zoneinfo
from collections.abc import Collection
from datetime import timedelta
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from servicelane.core.choices import (
    Language,
    NetworkRole,
    QualificationLevel,
    TokenScope,
    WorkshopRole,
)

country_code_validator = RegexValidator(
    r"^[A-Z]{2}$", _("Enter a two-letter country code (ISO 3166), e.g. DE or CN.")
)
currency_code_validator = RegexValidator(
    r"^[A-Z]{3}$", _("Enter a three-letter currency code (ISO 4217), e.g. EUR or CNY.")
)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


class Network(models.Model):
    """The maker or importer that runs a service network of workshops."""

    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(_("code"), max_length=20, unique=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    part_number_format = models.CharField(
        _("part number format"),
        max_length=40,
        default="2 2 1 3 3",
        help_text=_(
            "Group sizes in which part numbers are shown, e.g. “2 2 1 3 3” shows 11427953129 "
            "as 11 42 7 953 129."
        ),
    )

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Workshop(models.Model):
    """One service site of the network; the tenant that owns customer data."""

    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, related_name="workshops", verbose_name=_("network")
    )
    code = models.CharField(
        _("code"),
        max_length=8,
        validators=[RegexValidator(r"^[A-Z0-9]{2,8}$", _("Use 2 to 8 capital letters or digits."))],
        help_text=_("Short code used in reference numbers, e.g. FR."),
    )
    name = models.CharField(_("name"), max_length=200)
    legal_name = models.CharField(_("legal name"), max_length=200)
    street = models.CharField(_("street"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=2, validators=[country_code_validator])
    subdivision = models.CharField(
        _("subdivision"),
        max_length=10,
        blank=True,
        help_text=_("State or province code as used for public holidays, e.g. BW."),
    )
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    currency = models.CharField(_("currency"), max_length=3, validators=[currency_code_validator])
    default_language = models.CharField(
        _("default language"), max_length=10, choices=Language.choices
    )
    vat_rate = models.DecimalField(
        _("VAT rate (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    vat_id = models.CharField(_("VAT ID"), max_length=40, blank=True)
    labour_rate = models.DecimalField(
        _("labour rate per hour"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "code"], name="workshop_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> "User":
        # E-mail addresses are stored lower-case; logins are case-insensitive.
        return self.get(email__iexact=username or "")


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with their e-mail address."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=Language.choices, default=Language.ENGLISH
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("May log in to the configuration (admin) site."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    password_changed_at = models.DateTimeField(_("password changed at"), default=timezone.now)
    # Raised when the account is deactivated (or reactivated): with the password hash it
    # makes the fingerprint every session and token carries, so both end together.
    credentials_version = models.PositiveIntegerField(default=0, editable=False)
    # The active flag as loaded from the database (None on a user not loaded from it).
    _loaded_is_active: bool | None

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @classmethod
    def from_db(
        cls, db: str | None, field_names: Collection[str], values: Collection[Any], **kwargs: Any
    ) -> "User":
        user = super().from_db(db, field_names, values, **kwargs)
        user._loaded_is_active = user.__dict__.get("is_active")
        return user

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The one place where a change of the active flag ends what was issued before:
        # the admin form, a script or a command all save the user.
        loaded = getattr(self, "_loaded_is_active", None)
        if loaded is not None and loaded != self.is_active:
            self.credentials_version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "credentials_version"}
        super().save(*args, **kwargs)
        self._loaded_is_active = self.is_active

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def credentials_hash(self, salt: str, *, secret: str | bytes | None = None) -> str:
        """A fingerprint of what a login rests on: the password hash and the version
        raised on deactivation. Whatever sets the password or the flag changes it."""
        value = self.password
        if self.credentials_version:
            value = f"{value}:{self.credentials_version}"
        return salted_hmac(salt, value, secret=secret, algorithm="sha256").hexdigest()

    def credentials_match(self, salt: str, fingerprint: str) -> bool:
        """Was ``fingerprint`` made from the password and flag the user has now?"""
        secrets = [None, *settings.SECRET_KEY_FALLBACKS]
        return bool(fingerprint) and any(
            constant_time_compare(fingerprint, self.credentials_hash(salt, secret=secret))
            for secret in secrets
        )

    def _get_session_auth_hash(self, secret: str | bytes | None = None) -> str:
        # Django keeps a session only while this matches what it stored at login.
        return self.credentials_hash(SESSION_HASH_SALT, secret=secret)

    @property
    def password_expired(self) -> bool:
        days = settings.PASSWORD_EXPIRY_DAYS
        if not days:
            return False
        return timezone.now() - self.password_changed_at > timedelta(days=days)


class Membership(models.Model):
    """A user's role in one workshop; a user may hold several roles."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("workshop")
    )
    role = models.CharField(_("role"), max_length=20, choices=WorkshopRole.choices)
    level = models.PositiveSmallIntegerField(
        _("qualification level"),
        choices=QualificationLevel.choices,
        null=True,
        blank=True,
        help_text=_("For technicians: the training level reached."),
    )
    skills = models.JSONField(
        _("skills"),
        default=list,
        blank=True,
        help_text=_("For technicians: e.g. high_voltage, body, paint, diagnosis."),
    )

    class Meta:
        verbose_name = _("workshop membership")
        verbose_name_plural = _("workshop memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "workshop", "role"], name="membership_unique_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.workshop} · {self.get_role_display()}"


class NetworkMembership(models.Model):
    """A user's role for the whole network (the maker's or importer's staff)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="network_memberships", verbose_name=_("user")
    )
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("network")
    )
    role = models.CharField(_("role"), max_length=20, choices=NetworkRole.choices)

    class Meta:
        verbose_name = _("network membership")
        verbose_name_plural = _("network memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "network", "role"], name="network_membership_unique_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.network} · {self.get_role_display()}"


SESSION_HASH_SALT = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
TOKEN_HASH_SALT = "servicelane.core.ApiToken.credentials"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token; only its hash is stored, the token is shown once."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(
        _("scope"), max_length=10, choices=TokenScope.choices, default=TokenScope.READ_WRITE
    )
    # The user's credentials fingerprint when the token was issued; it opens the API
    # only while the password and the active flag are still those.
    credentials = models.CharField(max_length=64, editable=False, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def label(self) -> str:
        """The name, else the visible start of the token."""
        return self.name or f"sl_{self.prefix}…"

    @property
    def is_read_only(self) -> bool:
        return self.scope == TokenScope.READ_ONLY

    def opens_for(self, user: "User") -> bool:
        """Does the token still open the API for its user, as they are now?"""
        return (
            not self.is_expired
            and user.is_active
            and not user.password_expired
            and user.credentials_match(TOKEN_HASH_SALT, self.credentials)
        )


class AuditEntry(models.Model):
    """Who changed what, when, with the values before and after."""

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=40)
    target_type = models.CharField(_("record type"), max_length=60)
    target_id = models.CharField(_("record"), max_length=64)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_type}#{self.target_id}"


class Counter(models.Model):
    """The last number handed out for one kind of reference in one workshop."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=40)
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workshop", "key"], name="counter_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.workshop_id}:{self.key}={self.value}"
