from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models, router, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.cache import invalidate
from core.lookups import same_text

#: What a token's stamp covers (`accounts.tokens`): a change of any of them ends earlier tokens.
CREDENTIAL_FIELDS = ("password", "username", "phone", "is_active")


class PartnerQuerySet(models.QuerySet):
    """Lookups by username and e-mail that compare exactly as the unique constraints do
    (`core.lookups.same_text`), so that a lookup can never match two rows."""

    def with_username(self, username: str):
        return self.filter(same_text("username", username))

    def with_email(self, email: str):
        """Never the partners without an e-mail; `email <> ''` also lets PostgreSQL use the
        constraint's (partial) index."""
        return self.exclude(email="").filter(same_text("email", email))


class PartnerManager(UserManager.from_queryset(PartnerQuerySet)):
    def get_by_natural_key(self, username):
        """Sign-in matches usernames regardless of case, as uniqueness does.

        The name is NFKC-normalised first, as registration stores it (and as Django's own
        sign-in form does), so `ﬁnn` signs in as `finn`.
        """
        return self.with_username(self.model.normalize_username(username)).get()


class User(AbstractUser):
    """A partner (affiliate agent), or staff when `is_staff` is set.

    Usernames and e-mails are unique regardless of case, enforced by the database so that two
    simultaneous registrations cannot both win. `phone` is E.164 and unique when set; a partner
    who signed up by phone has no usable password. `bank` is the one bank the partner works with,
    if any: it then sees only that bank's products. `payout_details` says where its payouts go
    (free text the partner sets; shown masked anywhere but its own profile).

    `token_version` only ever grows: every saved change of a credential (password, username,
    phone, active flag) adds one, so a token stamped before the change cannot come back to life
    when the value is changed back (`accounts.tokens`). It is counted in `save()`, so that
    admin edits and deactivations count as much as the API's changes. (`QuerySet.update()`
    bypasses it: such a change still ends earlier tokens, but changing the value back again
    would revive them.)
    """

    email = models.EmailField("email address", blank=True)
    phone = models.CharField(max_length=20, unique=True, null=True, blank=True)
    bank = models.ForeignKey(
        "catalog.Bank", on_delete=models.SET_NULL, null=True, blank=True, related_name="partners"
    )
    token_version = models.PositiveIntegerField(default=0, editable=False)
    payout_details = models.CharField(
        max_length=500,
        blank=True,
        help_text="Where to pay the partner's payouts (free text, e.g. a bank account)",
    )

    objects = PartnerManager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts (partners and staff)")
        constraints = [
            models.UniqueConstraint(Lower("username"), name="accounts_user_username_ci_unique"),
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="accounts_user_email_ci_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.username

    def save(self, **kwargs):
        """Save; if the write changes a credential, `token_version` grows by one.

        The stored row is read under a lock and compared with what is about to be written, and
        the version is taken from the row, not from memory: a stale copy of the partner saved
        over a newer one can neither miss a change nor set the version back.
        """
        update_fields = kwargs.get("update_fields")
        written = [
            name
            for name in CREDENTIAL_FIELDS
            if name in self.__dict__ and (update_fields is None or name in update_fields)
        ]
        if self._state.adding or not written:
            super().save(**kwargs)
            invalidate(self.cache_name(self.pk))
            return
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using, savepoint=False):
            stored = (
                type(self)
                ._base_manager.using(using)
                .select_for_update()
                .filter(pk=self.pk)
                .values("token_version", *written)
                .first()
            )
            if stored is not None:
                changed = any(stored[name] != getattr(self, name) for name in written)
                self.token_version = stored["token_version"] + changed
                if update_fields is not None:
                    kwargs["update_fields"] = {*update_fields, "token_version"}
            super().save(**kwargs)
        invalidate(self.cache_name(self.pk))

    def delete(self, *args, **kwargs):
        pk = self.pk
        deleted = super().delete(*args, **kwargs)
        invalidate(self.cache_name(pk))
        return deleted

    @staticmethod
    def cache_name(pk) -> str:
        """The generation of the cached copy authentication reads (`core.cache`): every save
        and delete renews it, so a change of credentials ends earlier tokens at once."""
        return f"user:{pk}"


class PhoneCode(models.Model):
    """A one-time sign-in code sent by SMS, kept only as a keyed hash.

    The hash is an HMAC keyed by `SECRET_KEY` over the phone and the code, so a leaked table
    reveals no code, and a row's hash is worthless for any other phone. Only the newest row of
    a phone is live (sending a new code removes the older ones); it dies when used, expired,
    or after `PHONE_CODE_MAX_ATTEMPTS` wrong tries. Verification locks the row, so a code
    succeeds once even when it arrives many times at once.
    """

    phone = models.CharField(max_length=20, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"code for {self.phone}"
