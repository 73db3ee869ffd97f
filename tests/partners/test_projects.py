"""Projects (status transitions, consortium, documents, tasks, deadlines) and funding lines (co-financing,
participants counted from real enrolments and attendance, evidence packs)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from maillage.partners import selectors, services
from maillage.partners.enums import ProjectStatus
from maillage.partners.models import FundingShare, Project, ProjectDocument
from maillage.partners.services import ShareInput
from tests.partners.factories import FundingLineFactory, OrganisationFactory, ProjectFactory
from tests.youth.factories import (
    EnrolmentFactory,
    EventFactory,
    ProgrammeFactory,
    YouthFactory,
    local_dt,
    years_ago,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(director):
    project = ProjectFactory(title="Mobilité des jeunes ruraux", manager=director)
    services.add_consortium_member(
        by=director, project=project, organisation=OrganisationFactory(name="We Ker"), role="lead"
    )
    return project


# ------------------------------------------------------------------------------------------- transitions


def test_project_goes_through_its_life_cycle(director, project):
    for status in ("drafting", "submitted", "won", "running", "closed"):
        project = services.change_project_status(by=director, project=project, to=status)
        assert project.status == status
    assert services.allowed_project_transitions(project) == []


@pytest.mark.parametrize(
    ("start", "to"),
    [
        ("idea", "won"),
        ("idea", "submitted"),
        ("drafting", "running"),
        ("submitted", "closed"),
        ("lost", "won"),
        ("closed", "idea"),
        ("won", "lost"),
    ],
)
def test_forbidden_transitions(director, project, start, to):
    Project.objects.filter(pk=project.pk).update(status=start)
    project.refresh_from_db()
    with pytest.raises(ValidationError, match="ne peut pas passer"):
        services.change_project_status(by=director, project=project, to=to)
    project.refresh_from_db()
    assert project.status == start


def test_submission_needs_a_lead(director):
    project = ProjectFactory(status=ProjectStatus.DRAFTING)
    with pytest.raises(ValidationError, match="chef de file"):
        services.change_project_status(by=director, project=project, to="submitted")


def test_only_one_lead(director, project):
    with pytest.raises(ValidationError, match="déjà un chef de file"):
        services.add_consortium_member(
            by=director, project=project, organisation=OrganisationFactory(), role="lead"
        )


def test_transition_through_the_page(login, director, project):
    client = login(director)
    url = reverse("partners:project_transition", args=[project.pk])
    assert client.post(url, {"to": "drafting"}).status_code == 302
    project.refresh_from_db()
    assert project.status == "drafting"
    response = client.post(url, {"to": "won"})  # not offered from "drafting"
    assert response.status_code == 400
    project.refresh_from_db()
    assert project.status == "drafting"


def test_zone_manager_reads_projects_but_does_not_edit(login, zone_manager_a, project):
    client = login(zone_manager_a)
    assert client.get(reverse("partners:project_list")).status_code == 200
    page = client.get(reverse("partners:project_detail", args=[project.pk]))
    assert page.status_code == 200
    assert "Changer le statut" not in page.content.decode()
    assert client.get(reverse("partners:project_create")).status_code == 404
    assert (
        client.post(reverse("partners:project_transition", args=[project.pk]), {"to": "drafting"}).status_code
        == 404
    )


def test_analyst_creates_a_project(login, analyst):
    response = login(analyst).post(
        reverse("partners:project_create"),
        {
            "title": "Repérage des invisibles",
            "funder_kind": "state",
            "funder_name": "DREETS",
            "deadline": "2030-03-31",
            "amount_requested": "45000",
        },
    )
    assert response.status_code == 302
    project = Project.objects.get(title="Repérage des invisibles")
    assert project.status == ProjectStatus.IDEA and project.amount_requested == Decimal("45000")


# ------------------------------------------------------------------------------------------- documents, tasks


def test_document_upload_limits(login, director, project, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PARTNERS_DOCUMENT_MAX_BYTES = 1024
    client = login(director)
    url = reverse("partners:project_document_add", args=[project.pk])
    pdf = SimpleUploadedFile("dossier.pdf", b"%PDF-1.4 dossier", content_type="application/pdf")
    assert client.post(url, {"title": "Dossier de candidature", "file": pdf}).status_code == 302
    document = ProjectDocument.objects.get()
    assert document.size == 16 and document.content_type == "application/pdf"
    download = client.get(reverse("partners:project_document_download", args=[document.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 dossier"

    too_big = SimpleUploadedFile("gros.pdf", b"%PDF" + b"x" * 2000, content_type="application/pdf")
    response = client.post(url, {"file": too_big})
    assert response.status_code == 400 and "taille maximale" in response.content.decode()
    exe = SimpleUploadedFile("virus.exe", b"MZ...", content_type="application/octet-stream")
    response = client.post(url, {"file": exe})
    assert response.status_code == 400 and "Type de fichier non accepté" in response.content.decode()
    fake = SimpleUploadedFile("faux.pdf", b"<html>", content_type="application/pdf")
    response = client.post(url, {"file": fake})
    assert response.status_code == 400 and "ne correspond pas" in response.content.decode()
    assert ProjectDocument.objects.count() == 1


def test_tasks_and_deadlines_calendar(login, director, project):
    client = login(director)
    due = timezone.localdate() + datetime.timedelta(days=10)
    assert (
        client.post(
            reverse("partners:project_task_add", args=[project.pk]),
            {"title": "Rédiger le budget", "owner": director.pk, "due_on": due.isoformat()},
        ).status_code
        == 302
    )
    page = client.get(reverse("partners:deadlines"))
    content = page.content.decode()
    assert "Rédiger le budget" in content
    assert "Dépôt" in content and "Mobilité des jeunes ruraux" in content
    task = project.tasks.get()
    client.post(reverse("partners:project_task_toggle", args=[task.pk]))
    task.refresh_from_db()
    assert task.status == "done"
    assert "Rédiger le budget" not in client.get(reverse("partners:deadlines")).content.decode()


def test_deadlines_empty_state(login, director):
    assert "Aucune échéance à venir" in login(director).get(reverse("partners:deadlines")).content.decode()


# ------------------------------------------------------------------------------------------- co-financing


def test_cofinancing_shares_must_sum_to_at_most_100(director):
    line = FundingLineFactory()
    services.set_funding_shares(
        by=director,
        line=line,
        shares=[
            ShareInput("esf_plus", "FSE+", Decimal("60")),
            ShareInput("region", "Région Bretagne", Decimal("40")),
        ],
    )
    assert selectors.share_total(line) == Decimal("100")
    with pytest.raises(ValidationError, match="ne peut pas dépasser 100"):
        services.set_funding_shares(
            by=director,
            line=line,
            shares=[
                ShareInput("esf_plus", "FSE+", Decimal("60")),
                ShareInput("region", "Région", Decimal("40.01")),
            ],
        )
    with pytest.raises(ValidationError, match="apparaît deux fois"):
        services.set_funding_shares(
            by=director,
            line=line,
            shares=[
                ShareInput("esf_plus", "FSE+", Decimal("10")),
                ShareInput("esf_plus", "fse+", Decimal("10")),
            ],
        )
    assert selectors.share_total(line) == Decimal("100")  # unchanged after the refusals
    assert FundingShare.objects.filter(funding_line=line).count() == 2


def test_cofinancing_form_reports_the_total(login, director):
    line = FundingLineFactory()
    data = {
        "parts-TOTAL_FORMS": "2",
        "parts-INITIAL_FORMS": "0",
        "parts-MIN_NUM_FORMS": "0",
        "parts-MAX_NUM_FORMS": "20",
        "parts-0-funder_kind": "esf_plus",
        "parts-0-funder_name": "FSE+",
        "parts-0-percentage": "70",
        "parts-1-funder_kind": "departement",
        "parts-1-funder_name": "Ille-et-Vilaine",
        "parts-1-percentage": "45",
    }
    client = login(director)
    url = reverse("partners:funding_line_shares", args=[line.pk])
    response = client.post(url, data)
    assert response.status_code == 200
    assert "atteint 115" in response.content.decode()
    assert not FundingShare.objects.exists()
    data["parts-1-percentage"] = "30"
    assert client.post(url, data).status_code == 302
    assert selectors.share_total(line) == Decimal("100")


# ------------------------------------------------------------------------------------------- participants


@pytest.fixture
def cej_line(zone_a):
    year = timezone.localdate().year
    return FundingLineFactory(
        title="CEJ",
        programme_code="cej",
        starts_on=datetime.date(year - 1, 1, 1),
        ends_on=datetime.date(year + 1, 12, 31),
        target_participants=10,
    )


@pytest.fixture
def participants(commune_a, commune_b):
    """Three CEJ young people (one in zone B, one too old), one PACEA, with attended and missed meetings."""
    cej = ProgrammeFactory(cej=True)
    pacea = ProgrammeFactory(pacea=True)
    today = timezone.localdate()
    anna = YouthFactory(last_name="Anna", first_names="Alice", commune=commune_a, age=20)
    bruno = YouthFactory(last_name="Bruno", first_names="Bob", commune=commune_b, age=22)
    chloe = YouthFactory(
        last_name="Chloé",
        first_names="Claire",
        commune=commune_a,
        birth_date=years_ago(27, today - datetime.timedelta(days=30)),
    )
    dylan = YouthFactory(last_name="Dylan", first_names="Dan", commune=commune_a, age=18)
    start = today - datetime.timedelta(days=60)
    for youth in (anna, bruno, chloe):
        EnrolmentFactory(youth=youth, programme=cej, start_on=start)
    EnrolmentFactory(youth=dylan, programme=pacea, start_on=start)
    EventFactory(youth=anna, starts_at=local_dt(today - datetime.timedelta(days=20)), duration_minutes=90)
    EventFactory(youth=anna, starts_at=local_dt(today - datetime.timedelta(days=10)), duration_minutes=30)
    EventFactory(youth=anna, starts_at=local_dt(today - datetime.timedelta(days=5)), missed=True)
    EventFactory(youth=anna, starts_at=local_dt(today - datetime.timedelta(days=90)))  # before the enrolment
    return {"anna": anna, "bruno": bruno, "chloe": chloe, "dylan": dylan}


def test_achieved_participants_are_counted_from_enrolments(cej_line, participants, zone_a):
    assert selectors.achieved_participants(cej_line) == 3
    cej_line.zone = zone_a
    cej_line.save()
    assert selectors.achieved_participants(cej_line) == 2
    other = FundingLineFactory(programme_code="pacea")
    assert selectors.achieved_participants(other) == 1
    assert selectors.achieved_participants(FundingLineFactory(programme_code="")) == 0
    past = FundingLineFactory(
        programme_code="cej", starts_on=datetime.date(2000, 1, 1), ends_on=datetime.date(2000, 12, 31)
    )
    assert selectors.achieved_participants(past) == 0


def test_participants_with_eligibility_and_attendance(cej_line, participants, director):
    rows = {p.last_name: p for p in selectors.participants(cej_line, user=director)}
    assert sorted(rows) == ["Anna", "Bruno", "Chloé"]
    assert rows["Anna"].attended_events == 2 and rows["Anna"].attended_hours == Decimal("2.0")
    assert rows["Anna"].eligible
    assert not rows["Chloé"].eligible and "âge" in rows["Chloé"].eligibility_note


def test_zone_manager_sees_only_their_zone_in_the_evidence_pack(cej_line, participants, zone_manager_a):
    rows = selectors.participants(cej_line, user=zone_manager_a)
    assert sorted(p.last_name for p in rows) == ["Anna", "Chloé"]


def test_evidence_pack_csv(login, director, cej_line, participants):
    response = login(director).get(reverse("partners:evidence_pack_csv", args=[cej_line.pk]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    lines = body.strip().split("\r\n")
    assert lines[0].startswith("\ufeffn° de dossier;nom;prénoms")
    assert len(lines) == 4
    assert any("Anna;Alice" in line and ";éligible;2;2,0" in line for line in lines)


def test_evidence_pack_pdf(login, director, cej_line, participants):
    response = login(director).get(reverse("partners:evidence_pack_pdf", args=[cej_line.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_evidence_pack_pdf_empty_state(login, director):
    line = FundingLineFactory(programme_code="")
    response = login(director).get(reverse("partners:evidence_pack_pdf", args=[line.pk]))
    assert response.content.startswith(b"%PDF")
    csv = login(director).get(reverse("partners:evidence_pack_csv", args=[line.pk]))
    assert b"".join(csv.streaming_content).decode().count("\r\n") == 1  # the header only


def test_funding_line_pages(login, director, cej_line, participants):
    client = login(director)
    listing = client.get(reverse("partners:funding_line_list"))
    assert listing.status_code == 200
    assert "3 / 10" in listing.content.decode()
    detail = client.get(reverse("partners:funding_line_detail", args=[cej_line.pk]))
    assert detail.status_code == 200
    assert "réalisés sur 10 visés" in detail.content.decode()


def test_funding_line_form_rejects_reversed_period(login, director):
    response = login(director).post(
        reverse("partners:funding_line_create"),
        {
            "title": "FSE+ remobilisation",
            "funder_kind": "esf_plus",
            "funder_name": "FSE+",
            "programme_code": "",
            "starts_on": "2026-12-31",
            "ends_on": "2026-01-01",
            "target_participants": "40",
        },
    )
    assert response.status_code == 200
    assert "La fin de la période doit suivre son début" in response.content.decode()


# ------------------------------------------------------------------------------------------- query counts


@pytest.mark.parametrize("size", [2, 20])
def test_project_list_query_count(login, director, django_assert_max_num_queries, size):
    for _ in range(size):
        project = ProjectFactory()
        services.add_consortium_member(
            by=director, project=project, organisation=OrganisationFactory(), role="lead"
        )
        services.add_project_task(by=director, project=project, title="Tâche")
    client = login(director)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("partners:project_list")).status_code == 200


@pytest.mark.parametrize("size", [2, 20])
def test_funding_line_list_query_count(login, director, django_assert_max_num_queries, size, participants):
    for _ in range(size):
        line = FundingLineFactory()
        services.set_funding_shares(by=director, line=line, shares=[ShareInput("state", "État", Decimal(50))])
    client = login(director)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("partners:funding_line_list")).status_code == 200


@pytest.mark.parametrize("size", [2, 20])
def test_project_detail_query_count(login, director, django_assert_max_num_queries, size):
    project = ProjectFactory()
    for index in range(size):
        services.add_consortium_member(
            by=director, project=project, organisation=OrganisationFactory(), role="member"
        )
        services.add_project_task(by=director, project=project, title=f"Tâche {index}", owner=director)
    client = login(director)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("partners:project_detail", args=[project.pk])).status_code == 200
