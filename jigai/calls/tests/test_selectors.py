"""Who reads which calls and catalog versions: published ones are public, drafts are the
commission's (municipal officer and head) only."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from jigai.accounts.choices import MUNICIPAL_ROLES
from jigai.calls import defaults, selectors
from jigai.calls.models import Call
from jigai.catalog.selectors import catalog_version_get, catalog_version_list
from jigai.core.testing.factories import closed_call, draft_call, draft_catalog, open_call

pytestmark = pytest.mark.django_db


def test_drafts_are_read_by_municipal_roles_only(role_users):
    published = closed_call()
    draft = draft_call(title="草稿")
    catalog_draft = draft_catalog(year=2027)
    for role, user in [*role_users.items(), ("anonymous", AnonymousUser())]:
        calls = set(selectors.call_list(actor=user))
        versions = set(catalog_version_list(actor=user))
        if role in MUNICIPAL_ROLES:
            assert calls == {published, draft}, role
            assert catalog_draft in versions, role
        else:
            assert calls == {published}, role
            assert catalog_draft not in versions and len(versions) == 1, role
            with pytest.raises(Call.DoesNotExist):
                selectors.call_get(actor=user, pk=draft.pk)
            with pytest.raises(type(catalog_draft).DoesNotExist):
                catalog_version_get(actor=user, pk=catalog_draft.pk)


def test_open_calls_at_a_moment():
    call = closed_call()
    now_open = open_call()
    at = datetime(2026, 2, 4, 15, 59, 59, tzinfo=defaults.SHANGHAI)
    assert set(selectors.call_open_list(actor=AnonymousUser(), now=at)) == {call}
    assert now_open in set(selectors.call_open_list(actor=AnonymousUser()))
    closing = datetime(2026, 2, 4, 16, 0, tzinfo=defaults.SHANGHAI)
    assert call not in set(selectors.call_open_list(actor=AnonymousUser(), now=closing))
