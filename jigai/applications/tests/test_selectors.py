"""The scoped reads: who sees which application."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from jigai.accounts.choices import Role
from jigai.applications import selectors, services
from jigai.applications.tests.conftest import eligible_application_for, make_enterprise
from jigai.core.testing.factories import user_for_role


def test_the_enterprise_sees_its_drafts_first_then_the_newest(enterprise_user, open_call):
    older = services.application_submit(
        actor=enterprise_user, application=eligible_application_for(enterprise_user, open_call, name="甲项目")
    )
    newer = services.application_submit(
        actor=enterprise_user, application=eligible_application_for(enterprise_user, open_call, name="乙产线")
    )
    draft = services.application_create(actor=enterprise_user, call=open_call)
    listed = list(selectors.application_list(actor=enterprise_user))
    assert listed == [draft, newer, older]
    assert list(selectors.application_list(actor=enterprise_user, sort="submitted_at")) == [
        older,
        newer,
        draft,
    ]


@pytest.mark.parametrize(
    ("role", "district", "visible"),
    [
        (Role.DISTRICT_OFFICER, "310115", True),
        (Role.DISTRICT_HEAD, "310104", False),
        (Role.MUNICIPAL_HEAD, "310115", True),
        (Role.NDRC_VIEWER, "310115", True),
        (Role.SUPERVISOR, "310115", True),
        (Role.EXPERT, "310115", False),
        (Role.SECADMIN, "310115", False),
    ],
)
def test_scope_of_a_submitted_application(submitted, role, district, visible):
    user = user_for_role(role, district_code=district)
    assert (submitted in selectors.application_list(actor=user)) is visible
    if visible:
        assert selectors.application_get(actor=user, pk=submitted.pk) == submitted
    else:
        with pytest.raises(Http404):
            selectors.application_get(actor=user, pk=submitted.pk)


def test_another_enterprise_sees_nothing(submitted):
    other = user_for_role(Role.ENTERPRISE, enterprise=make_enterprise())
    assert not selectors.application_list(actor=other).exists()
    with pytest.raises(Http404):
        selectors.application_get(actor=other, pk=submitted.pk)


def test_an_unknown_sort_is_refused(enterprise_user):
    with pytest.raises(ValidationError) as info:
        selectors.application_list(actor=enterprise_user, sort="-password")
    assert info.value.message_dict["sort"][0].startswith("无法按“-password”排序")
