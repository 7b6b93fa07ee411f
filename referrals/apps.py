from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    """Invite codes and who recruited whom."""

    name = "referrals"
    verbose_name = "Referrals"

    def ready(self) -> None:
        """Hook into accounts through the surface it offers (it may not import this app)."""
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_save

        from accounts import selectors as account_selectors
        from accounts import services as account_services
        from referrals import selectors, services

        post_save.connect(
            services.on_user_saved,
            sender=get_user_model(),
            dispatch_uid="referrals.personal_invite_code",
        )
        account_services.invite_code_check.connect(
            services.on_invite_code_check, dispatch_uid="referrals.invite_code_check"
        )
        account_services.partner_created.connect(
            services.on_partner_created, dispatch_uid="referrals.partner_created"
        )
        account_selectors.register_profile_user_fields(selectors.referral_profile_fields)
