from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class PartnerManager(UserManager):
    def get_by_natural_key(self, username):
        """Sign-in matches usernames regardless of case, as uniqueness does."""
        return self.get(username__iexact=username)


class User(AbstractUser):
    """A partner (affiliate agent), or staff when `is_staff` is set.

    Usernames and e-mails are unique regardless of case, enforced by the database so that two
    simultaneous registrations cannot both win. `phone` is E.164 and unique when set; a partner
    who signed up by phone has no usable password. `bank` is the one bank the partner works with,
    if any: it then sees only that bank's products.
    """

    email = models.EmailField("email address", blank=True)
    phone = models.CharField(max_length=20, unique=True, null=True, blank=True)
    bank = models.ForeignKey(
        "catalog.Bank", on_delete=models.SET_NULL, null=True, blank=True, related_name="partners"
    )

    objects = PartnerManager()

    class Meta:
        ordering = ["id"]
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
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"code for {self.phone}"
