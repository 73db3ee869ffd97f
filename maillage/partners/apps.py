from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "maillage.partners"
    verbose_name = "Partenaires"

    def ready(self) -> None:
        from maillage.accounts.roles import Role
        from maillage.core.home import HomePanel, register_home_panel
        from maillage.core.slots import SlotSection, register_section
        from maillage.youth.retention import register_anonymiser

        from . import panels, services

        register_home_panel(
            HomePanel(
                name="partners.referral_inbox",
                roles=frozenset({Role.PARTNER}),
                template="partners/panels/referral_inbox.html",
                context=panels.partner_referrals_context,
                order=15,
            )
        )
        register_home_panel(
            HomePanel(
                name="partners.my_listing",
                roles=frozenset({Role.PARTNER}),
                template="partners/panels/my_listing.html",
                context=panels.partner_home_context,
                order=20,
            )
        )
        # Those who refer young people: their referrals left unanswered, and the recent answers.
        register_home_panel(
            HomePanel(
                name="partners.my_referrals",
                roles=frozenset({Role.COUNSELLOR, Role.ZONE_MANAGER, Role.DIRECTOR}),
                template="partners/panels/my_referrals.html",
                context=panels.counsellor_referrals_context,
                order=8,
                lazy=True,
                title="Mes orientations vers les partenaires",
            )
        )
        # The youth file: services for each open barrier, and the young person's referrals.
        register_section(
            SlotSection(
                slot="youth_file",
                name="partners.referrals",
                template="partners/slots/youth_file_referrals.html",
                context=panels.youth_file_section,
                order=20,
            )
        )
        # Retention: an anonymised file's referrals lose what they shared.
        register_anonymiser("partners.referrals", services.anonymise_referrals)
