from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "maillage.partners"
    verbose_name = "Partenaires"

    def ready(self) -> None:
        from maillage.accounts.roles import Role
        from maillage.core.home import HomePanel, register_home_panel

        from .panels import partner_home_context

        register_home_panel(
            HomePanel(
                name="partners.my_listing",
                roles=frozenset({Role.PARTNER}),
                template="partners/panels/my_listing.html",
                context=partner_home_context,
                order=20,
            )
        )
