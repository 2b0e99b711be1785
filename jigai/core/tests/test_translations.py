"""The English catalogue is complete and compiled, and pages really switch to English."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from jigai.accounts.choices import Role

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
CJK = re.compile(r"[\u3400-\u9fff\uff01-\uff5e\u3000-\u303f]")


def _entries(catalogue: polib._BaseFile) -> dict[tuple[str, str], object]:
    out: dict[tuple[str, str], object] = {}
    for entry in catalogue:
        if entry.obsolete or not entry.msgid:
            continue
        translation = dict(entry.msgstr_plural) if entry.msgid_plural else entry.msgstr
        out[(entry.msgctxt or "", entry.msgid)] = translation
    return out


def test_every_message_is_translated_and_not_fuzzy():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    problems = []
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid}")
        values = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        if not all(v.strip() for v in values):
            problems.append(f"untranslated: {entry.msgid}")
        elif any(CJK.search(v) for v in values) and "技改通" not in entry.msgid:
            problems.append(f"Chinese left in the English text: {entry.msgid}")
    assert not po.metadata_is_fuzzy
    assert not problems, "run makemessages -l en and translate:\n" + "\n".join(problems)


def test_compiled_catalogue_matches_the_source():
    po = _entries(polib.pofile(str(CATALOGUE / "django.po")))
    mo = _entries(polib.mofile(str(CATALOGUE / "django.mo")))
    assert set(po) == set(mo), "django.mo is stale: run manage.py compilemessages --ignore=.venv"
    changed = [key for key in po if po[key] != mo[key]]
    assert not changed, f"django.mo is stale for {changed[:5]}"


def _switch_to_english(client, next_url: str = "/"):
    response = client.post("/i18n/setlang/", {"language": "en", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url
    return response


def _main_nav(html: str) -> str:
    match = re.search(r'<ul class="navbar-nav" id="main-nav">(.*?)</ul>', html, re.S)
    assert match, "the page has the main navigation"
    return match.group(1)


@pytest.mark.django_db
def test_login_page_in_english(client):
    _switch_to_english(client, "/accounts/login/")
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in html
    assert "Shanghai Enterprise Technical Transformation Programme Management Platform" in html
    assert "User sign-in" in html
    assert ">Username</label>" in html and ">Password</label>" in html
    assert "Sign in</button>" in html
    assert "用户登录" not in html


@pytest.mark.django_db
def test_login_error_in_english(client):
    _switch_to_english(client, "/accounts/login/")
    html = client.post("/accounts/login/", {"username": "nobody", "password": "x"}).content.decode()
    assert "Incorrect username or password." in html


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_home_page_in_english_has_no_chinese_in_the_navigation(client, role_users, role):
    client.force_login(role_users[role])
    _switch_to_english(client)
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    nav = _main_nav(html)
    assert "Home" in nav
    assert not CJK.search(nav), nav
    assert "Change password" in html and "Sign out" in html
    assert ("API tokens</a>" in html) is (role not in (Role.SYSADMIN, Role.SECADMIN))
    assert "My work areas" in html and "To-do" in html
    with translation.override("zh-hans"):
        chinese_label = str(Role(role).label)
    assert chinese_label not in html  # the role label is translated too


@pytest.mark.django_db
def test_district_home_cards_in_english(client, role_users):
    client.force_login(role_users[Role.DISTRICT_OFFICER])
    _switch_to_english(client)
    html = client.get("/").content.decode()
    assert "Newly registered enterprises to confirm" in html
    assert "District bureau officer" in html
    assert "Enterprises</a>" in _main_nav(html)


@pytest.mark.django_db
def test_switching_back_to_chinese(client, role_users):
    client.force_login(role_users[Role.EXPERT])
    _switch_to_english(client)
    assert "Projects assigned to you for review will appear here." in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "分配给您的待评审项目将显示在这里。" in html
