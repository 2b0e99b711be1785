"""Consistent online backups with a checksum manifest, and a restore drill that proves them.

``backup_create`` writes one folder::

    jigai-20261207-170000/
      db.sqlite3 | db.dump        the database: SQLite's online backup API, or pg_dump -Fc run
                                  in the snapshot the row counts were taken in (PostgreSQL)
      media/…                     the uploaded files
      audit-checkpoints.jsonl     a copy of the audit checkpoint file (its lines are signed)
      manifest.json               SHA-256 of every file, row counts per table, the audit head

The audit chain's keys are never copied into a backup: keep them in the secrets store, apart.

``backup_verify`` checks every file's SHA-256, restores the database into a scratch database
(a copy of the SQLite file; a new PostgreSQL database through pg_restore), compares the row
counts per table, verifies the audit chain there (with the keys, from the anchor of the copied
checkpoint file, up to the head recorded in the manifest) and a sample of the stored files that
the restored rows point to; then drops the scratch database.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, models
from django.utils.translation import gettext as _

from jigai.audit import checkpoints
from jigai.audit import keys as audit_keys
from jigai.audit.chain import verify_chain
from jigai.audit.models import AuditEvent

MANIFEST = "manifest.json"
SQLITE_FILE = "db.sqlite3"
PG_FILE = "db.dump"
MEDIA_DIR = "media"
CHECKPOINT_COPY = "audit-checkpoints.jsonl"


class BackupError(Exception):
    """The backup or the restore drill cannot go on (the message says why)."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _tables() -> list[str]:
    """Every table of the platform's models (Django's own included), sorted."""
    names = {m._meta.db_table for m in apps.get_models(include_auto_created=True) if m._meta.managed}
    return sorted(names)


def _quote(name: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise BackupError(f"unexpected table name {name!r}")
    return f'"{name}"'


def _count_rows(cursor: Any, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 - names from the model registry
        counts[table] = int(cursor.fetchone()[0])
    return counts


# --- PostgreSQL tools -------------------------------------------------------------------------
def pg_tool(name: str) -> str:
    """The path of ``pg_dump``/``pg_restore``, refusing one older than the server (a dump by an
    older pg_dump may miss what the server has; pg_dump refuses that itself, less clearly)."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            _("找不到 %(tool)s：请安装与数据库服务器同一主版本的 PostgreSQL 客户端。") % {"tool": name}
        )
    output = subprocess.run([path, "--version"], capture_output=True, text=True, check=True).stdout  # noqa: S603
    match = re.search(r"(\d+)(?:\.(\d+))?", output)
    tool_major = int(match.group(1)) if match else 0
    connection.ensure_connection()
    server_major = int(connection.pg_version // 10000) if connection.vendor == "postgresql" else 0  # type: ignore[attr-defined]
    if server_major and tool_major < server_major:
        raise BackupError(
            _("%(tool)s 的版本（%(t)d）低于数据库服务器（%(s)d）：请安装同一主版本的客户端。")
            % {"tool": name, "t": tool_major, "s": server_major}
        )
    return path


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db: dict[str, Any]) -> list[str]:
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    return args


# --- Creating a backup ------------------------------------------------------------------------
@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _copy_media(target: Path) -> None:
    source = _media_root()
    if not source.exists():
        target.mkdir(parents=True, exist_ok=True)
        return
    shutil.copytree(source, target, dirs_exist_ok=True)


def _audit_head(cursor: Any) -> dict[str, Any]:
    cursor.execute(f"SELECT seq, hash FROM {AuditEvent._meta.db_table} ORDER BY seq DESC LIMIT 1")  # noqa: S608
    row = cursor.fetchone()
    return {"last_seq": int(row[0]), "last_hash": str(row[1])} if row else {"last_seq": 0, "last_hash": ""}


def backup_create(*, dest: Path | None = None) -> BackupResult:
    """Take a consistent online backup into a new folder under ``dest`` (default
    ``JIGAI_BACKUP_DIR``); returns the folder and its manifest."""
    root = Path(dest or settings.JIGAI_BACKUP_DIR)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    folder = root / f"jigai-{stamp}-{secrets.token_hex(2)}"
    folder.mkdir(parents=True, exist_ok=False)
    os.chmod(folder, 0o700)
    tables = _tables()
    vendor = connection.vendor
    if vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(folder / SQLITE_FILE)
        try:
            connection.connection.backup(target)  # one consistent snapshot, writers keep going
        finally:
            target.close()
        copy = sqlite3.connect(folder / SQLITE_FILE)
        try:
            cursor = copy.cursor()
            counts = _count_rows(cursor, tables)
            head = _audit_head(cursor)
        finally:
            copy.close()
        database_file = SQLITE_FILE
    elif vendor == "postgresql":
        counts, head = _pg_dump(folder / PG_FILE, tables)
        database_file = PG_FILE
    else:
        raise BackupError(f"no backup for database vendor {vendor!r}")
    _copy_media(folder / MEDIA_DIR)
    checkpoint_file = checkpoints.checkpoint_path()
    if checkpoint_file is not None and checkpoint_file.exists():
        shutil.copy2(checkpoint_file, folder / CHECKPOINT_COPY)
    files = {
        str(path.relative_to(folder)): sha256_file(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != MANIFEST
    }
    manifest = {
        "format": 1,
        "created_at": datetime.now(UTC).isoformat(),
        "vendor": vendor,
        "database_file": database_file,
        "version": settings.JIGAI_VERSION,
        "tables": counts,
        "audit": head,
        "files": files,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
    return BackupResult(folder, manifest)


def _pg_dump(target: Path, tables: list[str]) -> tuple[dict[str, int], dict[str, Any]]:
    """pg_dump in the very snapshot the row counts are taken in (REPEATABLE READ + an exported
    snapshot), so that the manifest describes exactly what the dump holds."""
    tool = pg_tool("pg_dump")
    db = connection.settings_dict
    with connection.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _count_rows(cursor, tables)
            head = _audit_head(cursor)
            result = subprocess.run(  # noqa: S603
                [
                    tool,
                    *_pg_args(db),
                    "-Fc",
                    "--no-owner",
                    f"--snapshot={snapshot}",
                    "-f",
                    str(target),
                    db["NAME"],
                ],
                capture_output=True,
                text=True,
                env=_pg_env(db),
            )
        finally:
            cursor.execute("COMMIT")
    if result.returncode != 0:
        raise BackupError(_("pg_dump 失败：%(e)s") % {"e": result.stderr.strip()[-500:]})
    return counts, head


# --- Verifying a backup by restoring it -------------------------------------------------------
@dataclass
class VerifyReport:
    folder: Path
    problems: list[str] = field(default_factory=list)
    tables_checked: int = 0
    audit_checked: int = 0
    files_sampled: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _check_files(folder: Path, manifest: dict[str, Any], report: VerifyReport) -> None:
    for name, expected in manifest["files"].items():
        path = folder / name
        if not path.is_file():
            report.problems.append(_("文件缺失：%(f)s") % {"f": name})
        elif sha256_file(path) != expected:
            report.problems.append(_("文件校验和不符：%(f)s") % {"f": name})
    listed = set(manifest["files"])
    for path in folder.rglob("*"):
        name = str(path.relative_to(folder))
        if path.is_file() and name != MANIFEST and name not in listed:
            report.problems.append(_("清单中没有的文件：%(f)s") % {"f": name})


@contextmanager
def _scratch_database(folder: Path, manifest: dict[str, Any]) -> Iterator[Any]:
    """A restored copy, as a plain DB-API connection (never one of Django's aliases, so the live
    database stays untouched); dropped afterwards."""
    cleanup: list[Any] = []
    config = connection.settings_dict
    if manifest["vendor"] == "sqlite":
        scratch_dir = Path(tempfile.mkdtemp(prefix="jigai-restore-"))
        cleanup.append(lambda: shutil.rmtree(scratch_dir, ignore_errors=True))
        scratch = scratch_dir / SQLITE_FILE
        shutil.copy2(folder / SQLITE_FILE, scratch)
        db: Any = sqlite3.connect(scratch)
    elif manifest["vendor"] == "postgresql":
        if connection.vendor != "postgresql":
            raise BackupError(_("PostgreSQL 的备份只能恢复到 PostgreSQL。"))
        import psycopg

        tool = pg_tool("pg_restore")
        name = f"jigai_restore_{secrets.token_hex(4)}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')

        def drop() -> None:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        cleanup.append(drop)
        result = subprocess.run(  # noqa: S603
            [tool, *_pg_args(config), "--no-owner", "-d", name, str(folder / PG_FILE)],
            capture_output=True,
            text=True,
            env=_pg_env(config),
        )
        if result.returncode != 0:
            for step in reversed(cleanup):
                step()
            raise BackupError(_("pg_restore 失败：%(e)s") % {"e": result.stderr.strip()[-500:]})
        params: dict[str, Any] = {
            "dbname": name,
            "host": config.get("HOST") or None,
            "port": config.get("PORT") or None,
            "user": config.get("USER") or None,
            "password": config.get("PASSWORD") or None,
        }
        db = psycopg.connect(**{k: v for k, v in params.items() if v is not None})
    else:
        raise BackupError(f"unknown database vendor {manifest['vendor']!r}")
    try:
        yield db
    finally:
        db.close()
        for step in reversed(cleanup):
            step()


def _audit_rows(db: Any) -> Iterator[dict[str, Any]]:
    """The restored audit events in stored order, as the chain functions expect them."""
    from django.utils.dateparse import parse_datetime

    from jigai.audit.chain import HASHED_FIELDS

    columns = ("id", "hash", "key_id", *HASHED_FIELDS)
    table = AuditEvent._meta.db_table
    last_id = 0
    while True:
        cursor = db.cursor()
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM {table} WHERE id > {int(last_id)} ORDER BY id LIMIT 2000"  # noqa: S608
        )
        batch = cursor.fetchall()
        cursor.close()
        if not batch:
            return
        for values in batch:
            row = dict(zip(columns, values, strict=True))
            if isinstance(row["occurred_at"], str):  # SQLite: text in UTC
                parsed = parse_datetime(row["occurred_at"])
                row["occurred_at"] = (
                    parsed.replace(tzinfo=UTC) if parsed and parsed.tzinfo is None else parsed
                )
            if isinstance(row["changes"], str):
                row["changes"] = json.loads(row["changes"])
            yield row
        last_id = batch[-1][0]


def _file_fields() -> list[tuple[str, str]]:
    """(table, column) of every FileField."""
    return [
        (model._meta.db_table, f.column)
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if isinstance(f, models.FileField)
    ]


def referenced_files(db: Any) -> list[str]:
    """The names of the stored files that the rows of the restored database point to."""
    names: list[str] = []
    for table, column in _file_fields():
        cursor = db.cursor()
        cursor.execute(f"SELECT {_quote(column)} FROM {_quote(table)} WHERE {_quote(column)} <> ''")  # noqa: S608
        names += [str(row[0]) for row in cursor.fetchall() if row[0]]
        cursor.close()
    return names


def backup_verify(folder: Path, *, sample: int = 20) -> VerifyReport:
    """The restore drill: see the module's documentation. Read only for the live database."""
    folder = Path(folder)
    report = VerifyReport(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(_("无法读取备份清单 %(f)s：%(e)s") % {"f": folder / MANIFEST, "e": exc}) from exc
    _check_files(folder, manifest, report)
    if report.problems:
        return report  # a damaged backup is not restored
    with _scratch_database(folder, manifest) as db:
        cursor = db.cursor()
        counts = _count_rows(cursor, sorted(manifest["tables"]))
        cursor.close()
        for table, expected in manifest["tables"].items():
            if counts[table] != expected:
                report.problems.append(
                    _("表 %(t)s 恢复后有 %(n)d 行，备份时为 %(e)d 行。")
                    % {"t": table, "n": counts[table], "e": expected}
                )
        report.tables_checked = len(counts)
        # The audit chain, from the anchor of the copied checkpoint file, up to the manifest's head.
        file = checkpoints.read_checkpoints(folder / CHECKPOINT_COPY)
        if file.bad_line is not None:
            report.problems.append(_("备份中的审计检查点文件第 %(n)d 行不可信。") % {"n": file.bad_line[0]})
        first_seq, first_prev = file.anchor()
        chain = verify_chain(
            (row for row in _audit_rows(db) if row["seq"] >= first_seq),
            keys=audit_keys.keyring().keys,
            start_seq=first_seq,
            start_prev=first_prev,
        )
        report.audit_checked = chain.checked
        if chain.problem is not None:
            report.problems.append(_("恢复后的审计链断裂：%(m)s") % {"m": chain.problem.message})
        head = manifest["audit"]
        if chain.ok and (chain.last_seq, chain.last_hash if chain.last_seq else "") != (
            head["last_seq"],
            head["last_hash"],
        ):
            report.problems.append(
                _("恢复后的审计链到事件 #%(s)d，备份清单记录的是 #%(e)d。")
                % {"s": chain.last_seq, "e": head["last_seq"]}
            )
        # A sample of the stored files the restored rows point to.
        names = referenced_files(db)
        chosen = random.SystemRandom().sample(names, min(sample, len(names)))
        for name in chosen:
            key = f"{MEDIA_DIR}/{name}"
            if key not in manifest["files"]:
                report.problems.append(_("恢复后的数据引用的文件不在备份中：%(f)s") % {"f": name})
        report.files_sampled = len(chosen)
    return report
