"""The young person's portal lists their own referrals (maillage.partners.selectors.referrals_for_youth)."""

import pytest

from maillage.partners.selectors import referrals_for_youth
from tests.partners.factories import ReferralFactory
from tests.youth.factories import YouthFactory


@pytest.mark.django_db
def test_referrals_for_youth_lists_only_that_youths_referrals_newest_first():
    youth, other = YouthFactory(), YouthFactory()
    old = ReferralFactory(youth=youth, days_ago=20)
    new = ReferralFactory(youth=youth, answered_after_hours=5, days_ago=2)
    ReferralFactory(youth=other)

    result = referrals_for_youth(youth)

    assert [r.service for r in result] == [new.service.name, old.service.name]
    assert result[0].organisation == new.organisation.name
    assert result[0].status == new.get_status_display() != old.get_status_display()
    assert result[1].status == old.get_status_display()
