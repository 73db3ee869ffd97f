"""The employers panel of the home page (registered in EmployersConfig.ready)."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone

from .enums import RequestStatus
from .models import Offer, RecruitmentRequest


def home_panel_context(request: HttpRequest) -> dict | None:
    today = timezone.localdate()
    open_offers = Offer.objects.open(today)
    return {
        "requests_to_review": RecruitmentRequest.objects.filter(status=RequestStatus.TO_REVIEW).count(),
        "open_offers": open_offers.count(),
        "expiring_soon": open_offers.filter(expires_on__lte=today + timedelta(days=7)).count(),
    }
