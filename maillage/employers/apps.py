from django.apps import AppConfig


class EmployersConfig(AppConfig):
    name = "maillage.employers"
    verbose_name = "Relation employeurs"

    def ready(self) -> None:
        from maillage.accounts.roles import Role
        from maillage.core.home import HomePanel, register_home_panel
        from maillage.core.slots import SlotSection, register_section
        from maillage.youth.hours import register_hours_source
        from maillage.youth.retention import register_anonymiser

        from . import slots
        from .access import WRITER_ROLES
        from .home import follow_up_panel_context, home_panel_context
        from .hours import ImmersionHoursSource
        from .services import anonymise_youth_data

        register_home_panel(
            HomePanel(
                name="employers",
                roles=frozenset(WRITER_ROLES),
                template="employers/home_panel.html",
                context=home_panel_context,
                order=30,
                lazy=True,
                title="Entreprises et offres",
            )
        )
        # The to-do list of follow-ups after hiring (1, 3 and 6 months).
        register_home_panel(
            HomePanel(
                name="employers.follow_ups",
                roles=frozenset({Role.EMPLOYER_OFFICER, Role.COUNSELLOR}),
                template="employers/home_follow_ups.html",
                context=follow_up_panel_context,
                order=11,
                lazy=True,
                title="Suivis après embauche",
            )
        )
        # The youth file: job profile, offers ranked for the young person, applications.
        for name, template, context, order in (
            ("employers.job_profile", "employers/slots/youth_profile.html", slots.profile_section, 30),
            ("employers.offers", "employers/slots/youth_offers.html", slots.offers_section, 31),
            (
                "employers.applications",
                "employers/slots/youth_applications.html",
                slots.applications_section,
                32,
            ),
        ):
            register_section(
                SlotSection(slot="youth_file", name=name, template=template, context=context, order=order)
            )
        # Immersion hours count in the CEJ weekly hours.
        register_hours_source(ImmersionHoursSource())
        # Retention: free texts about an anonymised young person are wiped here too.
        register_anonymiser("employers", anonymise_youth_data)
