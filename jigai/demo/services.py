"""Writing demo data into the database (``manage.py seed_demo`` / ``setup_demo``, and bench/).

The named demo logins of :data:`jigai.demo.accounts.DEMO_ACCOUNTS` are created through
:func:`jigai.accounts.services.user_create`, exactly as a deployer and the system administrator
would create them (audited one by one). The bulk rows (organisations, up to 100,000 enterprises
and the other accounts) are written in batches as plain INSERTs (:mod:`jigai.demo.bulk`), all
accounts sharing one password hash computed once, and are summarised by a single ``demo.seed``
audit event.

Then the programme (``jigai.demo.programme``: the published 2026 catalog, the closed 2026 call and
a call open now, through the catalog and call services) and, when asked for, the applications
(``jigai.demo.projects`` generates them, ``jigai.demo.applications`` writes them in bulk), which the
same ``demo.seed`` event summarises.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
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
from jigai.applications.choices import ApplicationStatus
from jigai.audit.services import audit_record
from jigai.demo.accounts import DEMO_PASSWORD, DEMO_USERNAMES
from jigai.demo.applications import ApplicationsSummary, EnterpriseRef, demo_applications_write
from jigai.demo.bulk import RowWriter, next_id, reset_sequences
from jigai.demo.generators import DemoGenerator, EnterpriseSpec, PersonSpec, enterprise_key
from jigai.demo.programme import DemoProgramme, demo_programme_create
from jigai.demo.projects import Applicant, ProjectGenerator, Windows
from jigai.enterprises.choices import EnterpriseStatus
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
    applications: ApplicationsSummary = field(default_factory=ApplicationsSummary)


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
    applications: int = 0,
    attachments: bool = True,
    now: dt.datetime | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> SeedSummary:
    """Generate the demo set of ``seed`` into an empty business database, in one transaction.

    Refuses when users, organisations or enterprises already exist: demo rows must never mix with
    real ones (see ``seed_demo --force`` to empty the business tables first).

    ``applications`` are spread over the confirmed enterprises that have users (the first
    ``enterprise_users``); ``attachments`` False leaves out their files (bench databases); ``now``
    is the moment the open call is open at (default: the present).
    """
    if enterprises < 1:
        raise ValidationError(_("企业数量至少为 1。"))
    if enterprise_users < 0:
        raise ValidationError(_("企业用户数量不能为负数。"))
    if applications < 0:
        raise ValidationError(_("申报数量不能为负数。"))
    if demo_business_data_exists():
        raise ValidationError(_("数据库中已有用户、机构或企业，演示数据只能生成到空的业务数据库中。"))
    started = time.monotonic()
    now = now or timezone.now()
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
        organisation_ids = {key: org.pk for key, org in organisations.items()}
        organisation_count = len(organisations) + enterprises
        people = generator.people(enterprise_count=enterprises, enterprise_users=enterprise_users)
        needed = {
            int(p.organisation_key.split(":")[1])
            for p in people
            if p.organisation_key.startswith("enterprise:")
        }
        kept = _create_enterprises(generator.enterprises(enterprises), batch_size, needed, report)
        organisation_ids.update({enterprise_key(i): e.organisation_id for i, e in kept.items()})
        service_accounts, bulk_users = _create_people(people, organisation_ids, batch_size)
        users = service_accounts + bulk_users
        programme = demo_programme_create(now=now)
        written = _create_applications(
            seed, applications, programme, kept, attachments, now, batch_size, report
        )
        statuses = "、".join(
            f"{ApplicationStatus(s).label} {n}" for s, n in sorted(written.by_status.items())
        )
        audit_record(
            actor=None,
            action="demo.seed",
            object_type="demo",
            object_repr=f"演示数据（随机种子 {seed}）",
            changes={
                "enterprises": {"before": 0, "after": enterprises},
                "organisations": {"before": 0, "after": organisation_count},
                "users": {"before": 0, "after": users},
                "applications": {"before": 0, "after": written.count},
                "applications_by_status": {"before": None, "after": dict(sorted(written.by_status.items()))},
                "near_duplicates": {"before": 0, "after": written.near_duplicates},
                "attachments": {"before": 0, "after": written.attachments},
            },
            message=(
                f"生成演示数据：随机种子 {seed}，{enterprises} 家企业，{organisation_count} 个机构，"
                f"{users} 个用户（其中 {service_accounts} 个演示账户经账户服务逐一创建并审计，"
                f"其余批量创建）；支持目录和申报通知经业务服务创建并发布（“{programme.closed_call.title}”"
                f"“{programme.open_call.title}”）；批量生成 {written.count} 份申报"
                + (
                    f"（{statuses}，疑似重复 {written.near_duplicates} 份，附件 {written.attachments} 个）"
                    if written.count
                    else ""
                )
                + "。"
            ),
        )
    return SeedSummary(
        seed=seed,
        enterprises=enterprises,
        organisations=organisation_count,
        users=users,
        service_accounts=service_accounts,
        seconds=time.monotonic() - started,
        applications=written,
    )


@dataclass(frozen=True)
class _Kept:
    """An enterprise that has users: what its users and applications need."""

    enterprise_id: int
    organisation_id: int
    district_code: str
    industry_code: str
    address: str
    confirmed: bool


def _create_enterprises(
    specs: Iterable[EnterpriseSpec], batch_size: int, keep: set[int], report: Progress
) -> dict[int, _Kept]:
    """Write each enterprise with its organisation (plain INSERTs, ids given here: see
    :mod:`jigai.demo.bulk`); return the ids of those in ``keep``."""
    organisations = RowWriter(Organisation, ("id", "name", "kind", "credit_code", "district"))
    rows = RowWriter(
        Enterprise,
        (
            "organisation",
            "credit_code",
            "name",
            "district",
            "address",
            "industry",
            "employees",
            "operating_revenue",
            "size",
            "legal_representative",
            "contact_name",
            "contact_phone",
            "status",
        ),
    )
    kept: dict[int, _Kept] = {}
    organisation_id = next_id(Organisation)
    done = 0
    for batch in _batches(specs, batch_size):
        for s in batch:
            organisations.add(
                organisation_id, s.name, OrganisationKind.ENTERPRISE, s.credit_code, s.district_code
            )
            rows.add(
                organisation_id,
                s.credit_code,
                s.name,
                s.district_code,
                s.address,
                s.industry_code,
                s.employees,
                s.operating_revenue,
                s.size,
                s.legal_representative,
                s.contact_name,
                s.contact_phone,
                s.status,
            )
            if s.index in keep:
                kept[s.index] = _Kept(
                    enterprise_id=0,
                    organisation_id=organisation_id,
                    district_code=s.district_code,
                    industry_code=s.industry_code,
                    address=s.address,
                    confirmed=s.status == EnterpriseStatus.CONFIRMED,
                )
            organisation_id += 1
        organisations.flush()
        rows.flush()
        done += len(batch)
        if done % (batch_size * 10) == 0:
            report(f"  {done} 家企业…")
    reset_sequences(Organisation)
    enterprise_ids = dict(Enterprise.objects.values_list("organisation_id", "id"))
    return {i: replace(k, enterprise_id=enterprise_ids[k.organisation_id]) for i, k in kept.items()}


def _create_people(
    people: list[PersonSpec], organisation_ids: dict[str, int], batch_size: int
) -> tuple[int, int]:
    """The named demo logins through the account service (the three administrators first, as a
    deployer creates them from the command line; then the rest by the system administrator), the
    others in bulk with one shared password hash."""
    named = {p.role: p for p in people if p.username in DEMO_USERNAMES}
    sysadmin: User | None = None
    for role in (Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR):
        if role in named:
            created = _create_with_service(named.pop(role), organisation_ids, actor=None)
            sysadmin = sysadmin or created
    for spec in named.values():
        _create_with_service(spec, organisation_ids, actor=sysadmin)
    service_accounts = len([p for p in people if p.username in DEMO_USERNAMES])

    password = make_password(DEMO_PASSWORD)
    now = timezone.now()
    users = RowWriter(
        User,
        (
            "username",
            "role",
            "organisation",
            "display_name",
            "phone",
            "email",
            "password",
            "password_changed_at",
        ),
    )
    for p in people:
        if p.username not in DEMO_USERNAMES:
            users.add(
                p.username,
                p.role,
                organisation_ids[p.organisation_key],
                p.display_name,
                p.phone,
                p.email,
                password,
                now,
            )
            if len(users.rows) >= batch_size:
                users.flush()
    users.flush()
    return service_accounts, users.written


def _create_with_service(spec: PersonSpec, organisation_ids: dict[str, int], *, actor: Any) -> User:
    return user_create(
        actor=actor,
        username=spec.username,
        password=DEMO_PASSWORD,
        role=spec.role,
        organisation=Organisation.objects.get(pk=organisation_ids[spec.organisation_key]),
        display_name=spec.display_name,
        email=spec.email,
        phone=spec.phone,
        allow_admin_roles=spec.role in ADMIN_ROLES,
    )


def demo_windows(programme: DemoProgramme, now: dt.datetime) -> Windows:
    return Windows(
        closed_opens=programme.closed_call.opens_at,
        closed_closes=programme.closed_call.closes_at,
        open_opens=programme.open_call.opens_at,
        open_closes=programme.open_call.closes_at,
        now=now,
    )


def _create_applications(
    seed: int,
    count: int,
    programme: DemoProgramme,
    kept: dict[int, _Kept],
    attachments: bool,
    now: dt.datetime,
    batch_size: int,
    report: Progress,
) -> ApplicationsSummary:
    """``count`` applications of the confirmed enterprises that have users (each made by its first user)."""
    if count == 0:
        return ApplicationsSummary()
    first_user: dict[int, int] = {}
    for organisation_id, user_id in (
        User.objects.filter(role=Role.ENTERPRISE).order_by("id").values_list("organisation_id", "id")
    ):
        first_user.setdefault(organisation_id, user_id)
    applicants = [
        Applicant(index=i, district_code=k.district_code, industry_code=k.industry_code, address=k.address)
        for i, k in sorted(kept.items())
        if k.confirmed and k.organisation_id in first_user
    ]
    refs = {
        a.index: EnterpriseRef(
            enterprise_id=kept[a.index].enterprise_id,
            district_code=a.district_code,
            user_id=first_user[kept[a.index].organisation_id],
        )
        for a in applicants
    }
    specs = ProjectGenerator(seed, demo_windows(programme, now)).applications(count, applicants)
    return demo_applications_write(
        specs=specs,
        closed_call=programme.closed_call,
        open_call=programme.open_call,
        enterprises=refs,
        attachments=attachments,
        batch_size=batch_size,
        progress=report,
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
