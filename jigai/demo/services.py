"""Writing demo data into the database (``manage.py seed_demo`` / ``setup_demo``, and bench/).

The named demo logins of :data:`jigai.demo.accounts.DEMO_ACCOUNTS` are created through
:func:`jigai.accounts.services.user_create`, exactly as a deployer and the system administrator
would create them (audited one by one). The bulk rows (organisations, up to 100,000 enterprises
and the other accounts) are written with ``bulk_create`` in batches, all accounts sharing one
password hash computed once, and are summarised by a single ``demo.seed`` audit event.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any, TypeVar

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jigai.accounts.choices import ADMIN_ROLES, OrganisationKind, Role
from jigai.accounts.models import Organisation, User
from jigai.accounts.services import user_create
from jigai.audit.services import audit_record
from jigai.demo.accounts import DEMO_PASSWORD, DEMO_USERNAMES
from jigai.demo.generators import DemoGenerator, EnterpriseSpec, PersonSpec, enterprise_key
from jigai.enterprises.models import Enterprise

BATCH_SIZE = 2000
# Apps whose tables ``demo_business_data_wipe`` never empties: the append-only audit trail, the
# reference data loaded by migrations, and Django's own bookkeeping.
KEEP_APPS = frozenset({"audit", "reference", "contenttypes", "auth"})

T = TypeVar("T")
Progress = Callable[[str], None]


@dataclass(frozen=True)
class SeedSummary:
    seed: int
    enterprises: int
    organisations: int
    users: int
    service_accounts: int
    seconds: float


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def demo_business_data_exists() -> bool:
    return User.objects.exists() or Organisation.objects.exists() or Enterprise.objects.exists()


def demo_seed(
    *,
    seed: int,
    enterprises: int,
    enterprise_users: int,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> SeedSummary:
    """Generate the demo set of ``seed`` into an empty business database, in one transaction.

    Refuses when users, organisations or enterprises already exist: demo rows must never mix with
    real ones (see ``seed_demo --force`` to empty the business tables first).
    """
    if enterprises < 1:
        raise ValidationError(_("企业数量至少为 1。"))
    if enterprise_users < 0:
        raise ValidationError(_("企业用户数量不能为负数。"))
    if demo_business_data_exists():
        raise ValidationError(_("数据库中已有用户、机构或企业，演示数据只能生成到空的业务数据库中。"))
    started = time.monotonic()
    report = progress or (lambda _message: None)
    generator = DemoGenerator(seed)
    with transaction.atomic():
        organisations = {
            spec.key: Organisation(
                name=spec.name, kind=spec.kind, district_id=spec.district_code, credit_code=spec.credit_code
            )
            for spec in generator.organisations()
        }
        Organisation.objects.bulk_create(organisations.values())
        organisation_count = len(organisations) + enterprises
        people = generator.people(enterprise_count=enterprises, enterprise_users=enterprise_users)
        needed = {
            int(p.organisation_key.split(":")[1])
            for p in people
            if p.organisation_key.startswith("enterprise:")
        }
        enterprise_orgs = _create_enterprises(generator.enterprises(enterprises), batch_size, needed, report)
        organisations.update({enterprise_key(i): org for i, org in enterprise_orgs.items()})
        service_accounts, bulk_users = _create_people(people, organisations, batch_size)
        users = service_accounts + bulk_users
        audit_record(
            actor=None,
            action="demo.seed",
            object_type="demo",
            object_repr=f"演示数据（随机种子 {seed}）",
            changes={
                "enterprises": {"before": 0, "after": enterprises},
                "organisations": {"before": 0, "after": organisation_count},
                "users": {"before": 0, "after": users},
            },
            message=(
                f"生成演示数据：随机种子 {seed}，{enterprises} 家企业，{organisation_count} 个机构，"
                f"{users} 个用户（其中 {service_accounts} 个演示账户经账户服务逐一创建并审计，"
                f"其余批量创建）。"
            ),
        )
    return SeedSummary(
        seed=seed,
        enterprises=enterprises,
        organisations=organisation_count,
        users=users,
        service_accounts=service_accounts,
        seconds=time.monotonic() - started,
    )


def _create_enterprises(
    specs: Iterable[EnterpriseSpec], batch_size: int, keep: set[int], report: Progress
) -> dict[int, Organisation]:
    """Bulk-create each enterprise with its organisation; return the organisations of ``keep``."""
    kept: dict[int, Organisation] = {}
    done = 0
    for batch in _batches(specs, batch_size):
        orgs = Organisation.objects.bulk_create(
            [
                Organisation(
                    name=s.name,
                    kind=OrganisationKind.ENTERPRISE,
                    credit_code=s.credit_code,
                    district_id=s.district_code,
                )
                for s in batch
            ]
        )
        Enterprise.objects.bulk_create(
            [
                Enterprise(
                    organisation_id=org.pk,
                    credit_code=s.credit_code,
                    name=s.name,
                    district_id=s.district_code,
                    address=s.address,
                    industry_id=s.industry_code,
                    employees=s.employees,
                    operating_revenue=s.operating_revenue,
                    size=s.size,
                    legal_representative=s.legal_representative,
                    contact_name=s.contact_name,
                    contact_phone=s.contact_phone,
                    status=s.status,
                )
                for s, org in zip(batch, orgs, strict=True)
            ]
        )
        kept.update({s.index: org for s, org in zip(batch, orgs, strict=True) if s.index in keep})
        done += len(batch)
        if done % (batch_size * 10) == 0:
            report(f"  {done} 家企业…")
    return kept


def _create_people(
    people: list[PersonSpec], organisations: dict[str, Organisation], batch_size: int
) -> tuple[int, int]:
    """The named demo logins through the account service (the three administrators first, as a
    deployer creates them from the command line; then the rest by the system administrator), the
    others in bulk with one shared password hash."""
    named = {p.role: p for p in people if p.username in DEMO_USERNAMES}
    sysadmin: User | None = None
    for role in (Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR):
        if role in named:
            created = _create_with_service(named.pop(role), organisations, actor=None)
            sysadmin = sysadmin or created
    for spec in named.values():
        _create_with_service(spec, organisations, actor=sysadmin)
    service_accounts = len([p for p in people if p.username in DEMO_USERNAMES])

    password = make_password(DEMO_PASSWORD)
    now = timezone.now()
    bulk = [
        User(
            username=p.username,
            role=p.role,
            organisation=organisations[p.organisation_key],
            display_name=p.display_name,
            phone=p.phone,
            email=p.email,
            password=password,
            password_changed_at=now,
        )
        for p in people
        if p.username not in DEMO_USERNAMES
    ]
    for batch in _batches(bulk, batch_size):
        User.objects.bulk_create(batch)
    return service_accounts, len(bulk)


def _create_with_service(spec: PersonSpec, organisations: dict[str, Organisation], *, actor: Any) -> User:
    return user_create(
        actor=actor,
        username=spec.username,
        password=DEMO_PASSWORD,
        role=spec.role,
        organisation=organisations[spec.organisation_key],
        display_name=spec.display_name,
        email=spec.email,
        phone=spec.phone,
        allow_admin_roles=spec.role in ADMIN_ROLES,
    )


def demo_business_data_wipe(*, reason: str) -> list[str]:
    """Empty every business table, keeping the audit trail (append-only), reference data and
    Django's bookkeeping; for ``seed_demo --force`` on a demo or bench database only. The wipe
    itself is recorded in the audit trail. Returns the emptied tables."""
    tables = sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.app_label not in KEEP_APPS and model._meta.managed and not model._meta.proxy
        }
        & set(connection.introspection.table_names())
    )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # TRUNCATE refuses tables with deferred foreign-key checks still pending in this
            # transaction (rows written earlier in it); run those checks now.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=False, allow_cascade=False)
        connection.ops.execute_sql_flush(statements)
        audit_record(
            actor=None,
            action="demo.wipe",
            object_type="demo",
            object_repr="业务数据",
            changes={"tables": {"before": None, "after": tables}},
            message=reason,
        )
    return tables
