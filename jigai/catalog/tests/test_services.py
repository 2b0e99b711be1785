"""The catalog's rules: who drafts and publishes, the tree's rules, publishing and superseding."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from jigai.accounts.choices import Role
from jigai.audit.models import AuditEvent
from jigai.catalog import services
from jigai.catalog.choices import CatalogItemKind, CatalogStatus, SixIzations
from jigai.catalog.defaults import default_catalog_items
from jigai.catalog.models import CatalogItem, CatalogVersion
from jigai.catalog.rows import validate_rows
from jigai.core.permissions import PermissionRefused
from jigai.core.testing.factories import draft_catalog, municipal_user, published_catalog
from jigai.reference.models import Industry

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return municipal_user(Role.MUNICIPAL_OFFICER)


@pytest.fixture
def head():
    return municipal_user(Role.MUNICIPAL_HEAD)


def empty_draft(officer, year=2027):
    return services.catalog_version_create(actor=officer, year=year, title=f"{year}年支持目录")


def add_field(officer, version, code="1", name="装备升级换代"):
    return services.catalog_item_add(
        actor=officer,
        version=version,
        code=code,
        name=name,
        kind=CatalogItemKind.FIELD,
        group=SixIzations.HIGH_END,
    )


# --- The default tree ---------------------------------------------------------------------------
def test_default_tree_has_the_policy_fields_each_with_two_to_four_directions():
    rows = default_catalog_items()
    fields = [r for r in rows if r.kind == CatalogItemKind.FIELD]
    assert [f.name for f in fields] == [
        "装备升级换代",
        "制造流程再造",
        "优化产品结构",
        "提高质量效率",
        "节能减排",
        "安全生产",
        "信息化、数字化、智能化",
        "军民结合",
        "产业集聚",
        "生产性服务业",
        "中小企业技术改造",
    ]
    for f in fields:
        directions = [r for r in rows if r.parent_code == f.code]
        assert 2 <= len(directions) <= 4, f.name
        assert f.group in SixIzations.values
        assert all(d.group in SixIzations.values for d in directions)
    names = {r.name for r in rows}
    assert {"智能工厂和数字化车间建设", "工业机器人应用", "高端数控装备升级"} <= names
    assert validate_rows(rows, Industry.objects.values_list("code", flat=True)) == []


# --- Drafting -----------------------------------------------------------------------------------
def test_only_a_municipal_officer_drafts_a_catalog(role_users):
    for role, user in role_users.items():
        if role == Role.MUNICIPAL_OFFICER:
            continue
        with pytest.raises(PermissionRefused) as refused:
            services.catalog_version_create(actor=user, year=2027, title="目录")
        assert refused.value.reason == "只有市经信委经办人可以起草和修改支持目录。"
    assert not CatalogVersion.objects.exists()


def test_create_from_defaults_makes_a_draft_with_the_tree_and_an_audit_event(officer):
    version = services.catalog_version_create(
        actor=officer, year=2027, title="2027年目录", rows=default_catalog_items()
    )
    assert version.status == CatalogStatus.DRAFT
    assert version.items.filter(kind=CatalogItemKind.FIELD).count() == 11
    direction = version.items.get(code="1.2")
    assert direction.parent_code == "1"
    assert sorted(direction.industries.values_list("code", flat=True)) == ["33", "34", "36", "38", "39"]
    event = AuditEvent.objects.get(action="catalog.version.create")
    assert event.object_id == str(version.pk)


def test_codes_are_unique_in_a_version(officer):
    version = empty_draft(officer)
    add_field(officer, version)
    with pytest.raises(ValidationError) as error:
        add_field(officer, version, name="另一个领域")
    assert error.value.message_dict["code"] == ["编号 1 重复（已用于“装备升级换代”）。"]
    assert version.items.count() == 1


def test_the_same_code_may_be_used_in_another_version(officer):
    add_field(officer, empty_draft(officer, 2027))
    add_field(officer, empty_draft(officer, 2028))
    assert CatalogItem.objects.filter(code="1").count() == 2


def test_a_direction_needs_a_parent_field_of_the_same_version(officer):
    version = empty_draft(officer)
    other = empty_draft(officer, 2028)
    add_field(officer, other, code="9")
    add_field(officer, version)
    with pytest.raises(ValidationError) as error:
        services.catalog_item_add(
            actor=officer, version=version, code="1.1", name="工业机器人应用", kind=CatalogItemKind.DIRECTION
        )
    assert error.value.message_dict["parent_code"] == ["支持方向须填写上级编号（所属支持领域）。"]
    with pytest.raises(ValidationError) as error:
        services.catalog_item_add(
            actor=officer,
            version=version,
            code="1.1",
            name="工业机器人应用",
            kind=CatalogItemKind.DIRECTION,
            parent_code="9",
        )
    assert error.value.message_dict["parent_code"] == ["上级编号 9 不存在。"]
    services.catalog_item_add(
        actor=officer,
        version=version,
        code="1.1",
        name="工业机器人应用",
        kind=CatalogItemKind.DIRECTION,
        parent_code="1",
    )
    with pytest.raises(ValidationError) as error:
        services.catalog_item_add(
            actor=officer,
            version=version,
            code="1.1.1",
            name="焊接机器人",
            kind=CatalogItemKind.DIRECTION,
            parent_code="1.1",
        )
    assert error.value.message_dict["parent_code"] == ["上级编号 1.1 不是支持领域。"]
    assert version.items.count() == 2


def test_unknown_industry_codes_are_refused(officer):
    version = empty_draft(officer)
    add_field(officer, version)
    with pytest.raises(ValidationError) as error:
        services.catalog_item_add(
            actor=officer,
            version=version,
            code="1.1",
            name="工业机器人应用",
            kind=CatalogItemKind.DIRECTION,
            parent_code="1",
            industry_codes=["34", "99"],
        )
    assert error.value.message_dict["industry_codes"] == ["行业代码 99 不存在。"]


def test_update_moves_renames_and_keeps_directions_under_a_renamed_field(officer):
    version = empty_draft(officer)
    field = add_field(officer, version)
    add_field(officer, version, code="2", name="制造流程再造")
    direction = services.catalog_item_add(
        actor=officer,
        version=version,
        code="1.1",
        name="工业机器人应用",
        kind=CatalogItemKind.DIRECTION,
        parent_code="1",
    )
    services.catalog_item_update(
        actor=officer, item=field, code="A", name="装备升级", kind=CatalogItemKind.FIELD
    )
    direction.refresh_from_db()
    assert direction.parent_code == "A"
    services.catalog_item_update(
        actor=officer,
        item=direction,
        code="2.1",
        name="工业机器人应用",
        kind=CatalogItemKind.DIRECTION,
        parent_code="2",
        industry_codes=["34"],
    )
    direction.refresh_from_db()
    assert direction.parent_code == "2"
    assert list(direction.industries.values_list("code", flat=True)) == ["34"]
    assert AuditEvent.objects.filter(action="catalog.item.update").count() == 2


def test_a_field_with_directions_can_be_neither_removed_nor_turned_into_a_direction(officer):
    version = draft_catalog(year=2027)
    field = version.items.get(code="1")
    with pytest.raises(ValidationError) as error:
        services.catalog_item_remove(actor=officer, item=field)
    assert error.value.messages == ["请先删除或移走“装备升级换代”下的 4 个支持方向。"]
    with pytest.raises(ValidationError) as error:
        services.catalog_item_update(
            actor=officer,
            item=field,
            code="1",
            name="装备升级换代",
            kind=CatalogItemKind.DIRECTION,
            parent_code="2",
        )
    assert error.value.message_dict["kind"] == ["该支持领域下还有支持方向，不能改为支持方向。"]
    direction = version.items.get(code="1.4")
    services.catalog_item_remove(actor=officer, item=direction)
    assert not version.items.filter(code="1.4").exists()


# --- Publishing -----------------------------------------------------------------------------------
def test_only_the_municipal_head_publishes_and_the_reason_says_so(officer, role_users):
    version = draft_catalog(year=2027)
    decision = services.can_publish_catalog_version(officer, version)
    assert not decision.allowed
    assert decision.reason == "只有市经信委负责人可以发布支持目录。"
    with pytest.raises(PermissionRefused) as refused:
        services.catalog_version_publish(actor=officer, version=version)
    assert refused.value.reason == "只有市经信委负责人可以发布支持目录。"
    version.refresh_from_db()
    assert version.status == CatalogStatus.DRAFT


def test_a_version_without_directions_is_not_published(officer, head):
    version = empty_draft(officer)
    add_field(officer, version)
    decision = services.can_publish_catalog_version(head, version)
    assert decision.reason == "目录中还没有任何支持方向，不能发布。"
    with pytest.raises(ValidationError) as error:
        services.catalog_version_publish(actor=head, version=version)
    assert error.value.messages == ["目录中还没有任何支持方向，不能发布。"]
    version.refresh_from_db()
    assert version.status == CatalogStatus.DRAFT


def test_publishing_supersedes_the_years_published_version(officer, head):
    first = published_catalog(year=2026)
    second = services.catalog_version_copy(actor=officer, version=first)
    assert second.status == CatalogStatus.DRAFT and second.year == 2026
    services.catalog_version_publish(actor=head, version=second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == CatalogStatus.SUPERSEDED
    assert second.status == CatalogStatus.PUBLISHED
    assert second.supersedes == first
    assert second.published_by == head
    assert CatalogVersion.objects.filter(year=2026, status=CatalogStatus.PUBLISHED).count() == 1
    assert AuditEvent.objects.filter(action="catalog.version.supersede", object_id=str(first.pk)).exists()


def test_publishing_another_year_leaves_the_other_years_alone(head):
    v2026 = published_catalog(year=2026)
    v2027 = published_catalog(year=2027)
    v2026.refresh_from_db()
    assert v2026.status == v2027.status == CatalogStatus.PUBLISHED


def test_a_published_version_is_never_edited(officer):
    version = published_catalog()
    item = version.items.get(code="1.1")
    expected = (
        "“2026年上海市重点技术改造支持目录”已发布，不能再修改；如需调整，请复制为新草稿后修改并重新发布。"
    )
    attempts = [
        lambda: services.catalog_item_add(
            actor=officer, version=version, code="99", name="新领域", kind=CatalogItemKind.FIELD
        ),
        lambda: services.catalog_item_update(
            actor=officer, item=item, code="1.1", name="改名", kind=CatalogItemKind.DIRECTION, parent_code="1"
        ),
        lambda: services.catalog_item_remove(actor=officer, item=item),
        lambda: services.catalog_version_update(actor=officer, version=version, title="改名"),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionRefused) as refused:
            attempt()
        assert refused.value.reason == expected
    item.refresh_from_db()
    assert item.name == "高端数控装备升级"
    assert not version.items.filter(code="99").exists()


def test_copy_makes_a_new_draft_with_the_same_tree_and_leaves_the_source(officer):
    source = published_catalog()
    copy = services.catalog_version_copy(actor=officer, version=source, year=2027, title="2027年目录")
    assert services.version_rows(copy) == services.version_rows(source)
    assert copy.year == 2027 and copy.status == CatalogStatus.DRAFT
    assert "复制自" in copy.note
    source.refresh_from_db()
    assert source.status == CatalogStatus.PUBLISHED


def test_a_draft_is_not_copied(officer):
    version = draft_catalog(year=2027)
    with pytest.raises(PermissionRefused) as refused:
        services.catalog_version_copy(actor=officer, version=version)
    assert refused.value.reason == "草稿可以直接修改，无需复制。"
