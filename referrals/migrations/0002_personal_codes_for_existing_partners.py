"""Partners created before invite codes existed get their personal code too."""

import secrets

from django.db import IntegrityError, migrations, transaction

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def give_personal_codes(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    InviteCode = apps.get_model("referrals", "InviteCode")
    for user in User.objects.exclude(invite_codes__is_active=True).iterator():
        for _ in range(20):
            code = "".join(secrets.choice(ALPHABET) for _ in range(6))
            try:
                with transaction.atomic():
                    InviteCode.objects.create(user=user, code=code)
            except IntegrityError:
                continue
            break


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0001_initial"),
        ("accounts", "0001_initial"),
    ]

    operations = [migrations.RunPython(give_personal_codes, migrations.RunPython.noop)]
