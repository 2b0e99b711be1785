"""Every role's main pages read in English: no Chinese character or full-width punctuation outside
the data (names of enterprises, projects, people, calls, districts… as stored).

The demo set is seeded (small), each demo account signs in with English chosen, and its home page,
every page of its main navigation and the pages those list first are rendered. From the visible text
(and the ``title``/``placeholder``/``aria-label`` attributes) every value stored in the database is
taken out — whatever remains in Chinese came from a template or from code around translated text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.utils import translation

from jigai.demo.accounts import DEMO_ACCOUNTS
from jigai.demo.demo_experts import demo_expert_review_seed
from jigai.demo.demo_funds import demo_funds_seed
from jigai.demo.demo_publicity import demo_publicity_seed
from jigai.demo.services import demo_seed

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3000-\u303f\uff00-\uffef\u4e00-\u9fff]")
# the product's name stays Chinese in English (see test_translations); the language menu names
# each language in itself
ALLOWED = ("技改通", "简体中文")
ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
MAIN_NAV = re.compile(r'<ul class="navbar-nav" id="main-nav">(.*?)</ul>', re.S)
LINK = re.compile(r'href="(/[^"#?.]*)"')  # pages, not files (export.xlsx, notice.pdf)


class _Text(HTMLParser):
    """The text a reader sees: text nodes outside script/style, and the labelled attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "template"}:
            self._skip += 1
        self.parts.extend(value for name, value in attrs if name in ATTRIBUTES and value)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "template"} and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(data)


def visible_text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return [" ".join(part.split()) for part in parser.parts]


def stored_values() -> list[str]:
    """Every Chinese text value in the database, longest first (so a name goes before its parts)."""
    values: set[str] = set()
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for value in row:
                if value and CJK.search(value):
                    values.update(line.strip() for line in value.splitlines() if CJK.search(line))
                    values.add(" ".join(value.split()))
    return sorted(values, key=len, reverse=True)


def chinese_outside_data(html: str, data: list[str]) -> list[str]:
    found = []
    for text in visible_text(html):
        if not CJK.search(text):
            continue
        for value in data:
            if value in text:
                text = text.replace(value, " ")
                if not CJK.search(text):
                    break
        for allowed in ALLOWED:
            text = text.replace(allowed, " ")
        if CJK.search(text):
            found.append(text.strip())
    return found


@pytest.fixture
def demo(settings: Any, tmp_path: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    demo_seed(seed=7, enterprises=12, enterprise_users=12, applications=60)
    demo_expert_review_seed()
    demo_publicity_seed()
    demo_funds_seed()


def _english_client(username: str | None) -> Client:
    client = Client()
    if username:
        from jigai.accounts.models import User

        client.force_login(User.objects.get(username=username))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


def _pages(client: Client, start: list[str]) -> list[str]:
    """``start`` and, for each, the first two detail pages it links to in its own area."""
    seen = list(dict.fromkeys(start))
    for page in list(seen):
        if page == "/":
            continue
        response = client.get(page)
        if response.status_code != 200:
            continue
        area = "/" + page.strip("/").split("/")[0] + "/"
        details = [
            link
            for link in dict.fromkeys(LINK.findall(response.content.decode()))
            if link.startswith(area) and re.search(r"/\d+/", link) and link not in seen
        ]
        seen.extend(details[:2])
    return seen


def _main_pages(client: Client) -> list[str]:
    """The home page and every page of the main navigation."""
    home = client.get("/")
    assert home.status_code == 200
    nav = MAIN_NAV.search(home.content.decode())
    return ["/"] + (LINK.findall(nav.group(1)) if nav else [])


def test_every_role_main_pages_have_no_chinese_outside_data(demo):
    """One seeded demo for all roles (seeding is the slow part); the failure lists every page."""
    data = stored_values()
    problems = {}
    for username in [None, *(a.username for a in DEMO_ACCOUNTS)]:
        client = _english_client(username)
        pages = _pages(client, _main_pages(client) if username else ["/accounts/login/", "/publicity/"])
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, (username, page)
            html = response.content.decode()
            assert '<html lang="en">' in html, page
            found = chinese_outside_data(html, data)
            if found:
                problems[f"{username or 'anonymous'} {page}"] = found
    with translation.override("en"):
        assert not problems, "\n".join(f"{page}: {found}" for page, found in problems.items())
