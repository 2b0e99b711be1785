"""Every link a page shows can be followed by the one who sees it.

For each demo role, a breadth-first walk from the home page follows every same-site link (up to a
bound; sign-out, downloads and anything needing a POST are skipped) on the demo data. A link that
answers 403, 404 or 500 fails the test, named with the page that showed it; so does a page without
exactly one non-empty heading. The anonymous visitor walks the public pages the same way.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from jigai.accounts.models import User
from jigai.core.testing.crawl import crawl
from jigai.demo.accounts import DEMO_ACCOUNTS


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("setup_demo", "--enterprises", "40", "--applications", "80", stdout=io.StringIO())


def test_no_shown_link_is_refused_or_missing_for_any_role(demo):
    problems: list[str] = []
    for account in DEMO_ACCOUNTS:
        client = Client()
        client.force_login(User.objects.get(username=account.username))
        result = crawl(client, "/")
        assert result.fetched > 5, f"{account.username} reached only {result.fetched} pages"
        problems += [f"{account.username}: {link}" for link in result.broken]
        problems += [f"{account.username}: heading {page}" for page in result.bad_headings]
    for start in ("/publicity/", "/accounts/login/"):
        result = crawl(Client(), start)
        problems += [f"anonymous: {link}" for link in result.broken]
        problems += [f"anonymous: heading {page}" for page in result.bad_headings]
    assert not problems, "\n".join(problems)
