"""Backup and restore (issue 11): a backup taken while another thread writes is consistent, and
the restore drill verifies checksums, row counts per table, the audit chain and stored files."""

from __future__ import annotations

import json
import sqlite3
import threading
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction

from jigai.accounts.choices import OrganisationKind
from jigai.accounts.models import Organisation
from jigai.audit.models import AuditEvent
from jigai.audit.services import audit_record
from jigai.core import backup
from jigai.core.backup import MANIFEST, backup_create, backup_verify, sha256_file


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    (root / "attachments" / "2026").mkdir(parents=True)
    (root / "attachments" / "2026" / "plan.pdf").write_bytes(b"%PDF-1.4 plan")
    settings.MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(root)}},
    }
    return root


def _writer(stop: threading.Event, written: list[int]) -> None:
    """Another thread of the platform, writing business rows and audit events all along."""
    try:
        n = 0
        while not stop.is_set():
            n += 1
            with transaction.atomic():  # as a service writes: the row and its audit event together
                org = Organisation.objects.create(name=f"并发写入机构 {n}", kind=OrganisationKind.INSTITUTION)
                audit_record(actor=None, action="test.concurrent", obj=org)
            written.append(n)
    finally:
        connections.close_all()


def _backup_while_writing(dest: Path) -> tuple[backup.BackupResult, list[int]]:
    stop, written = threading.Event(), list[int]()
    thread = threading.Thread(target=_writer, args=(stop, written))
    thread.start()
    try:
        while len(written) < 20:  # the writer is well under way
            threading.Event().wait(0.01)
        result = backup_create(dest=dest)
        during = len(written)
        while len(written) < during + 20:  # and keeps writing after the backup
            threading.Event().wait(0.01)
    finally:
        stop.set()
        thread.join()
    return result, written


def test_a_backup_taken_while_another_thread_writes_is_restored_and_verified(
    audit_transactional_db: None, media: Path, tmp_path: Path
) -> None:
    if connection.vendor == "postgresql" and backup.shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed: the PostgreSQL backup cannot be tested here")
    orgs_before = Organisation.objects.count()
    result, written = _backup_while_writing(tmp_path / "backups")
    manifest = result.manifest
    # The backup is one consistent snapshot: as many audit events as organisations written by
    # then, a chain head that exists, and fewer rows than were written in the end.
    orgs = manifest["tables"]["accounts_organisation"]
    events = manifest["tables"]["audit_auditevent"]
    assert 20 <= events < len(written) == AuditEvent.objects.filter(action="test.concurrent").count()
    assert orgs - orgs_before == events
    assert manifest["audit"]["last_seq"] == events
    assert AuditEvent.objects.get(seq=events).hash == manifest["audit"]["last_hash"]
    assert manifest["files"]["media/attachments/2026/plan.pdf"] == sha256_file(
        media / "attachments/2026/plan.pdf"
    )
    assert manifest["files"][manifest["database_file"]]
    # The drill restores it into a scratch database and finds everything in place.
    out = StringIO()
    call_command("restore_verify", str(result.path), stdout=out)
    assert "备份校验通过" in out.getvalue()
    assert f"审计事件 {events} 条" in out.getvalue()
    assert AuditEvent.objects.filter(action="backup.verify", outcome="success").exists()


def test_the_backup_command_records_an_event(
    audit_transactional_db: None, media: Path, tmp_path: Path
) -> None:
    if connection.vendor == "postgresql" and backup.shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed: the PostgreSQL backup cannot be tested here")
    out = StringIO()
    call_command("backup", "--dest", str(tmp_path / "b"), stdout=out)
    assert "备份完成" in out.getvalue()
    assert AuditEvent.objects.filter(action="backup.create").count() == 1


@pytest.fixture
def sqlite_backup(audit_transactional_db: None, media: Path, tmp_path: Path) -> Path:
    if connection.vendor != "sqlite":
        pytest.skip("these drills edit the SQLite file of the backup directly")
    for n in range(3):
        audit_record(actor=None, action=f"test.{n}")
    return backup_create(dest=tmp_path / "backups").path


def _rewrite_manifest(folder: Path, **changes: Any) -> None:
    manifest = json.loads((folder / MANIFEST).read_text())
    manifest.update(changes)
    manifest["files"] = {
        str(p.relative_to(folder)): sha256_file(p)
        for p in folder.rglob("*")
        if p.is_file() and p.name != MANIFEST
    }
    (folder / MANIFEST).write_text(json.dumps(manifest))


def test_changed_missing_and_unlisted_files_are_named(sqlite_backup: Path) -> None:
    (sqlite_backup / "media/attachments/2026/plan.pdf").write_bytes(b"changed")
    (sqlite_backup / "media/extra.txt").write_text("?")
    report = backup_verify(sqlite_backup)
    assert report.problems == [
        "文件校验和不符：media/attachments/2026/plan.pdf",
        "清单中没有的文件：media/extra.txt",
    ]
    (sqlite_backup / "media/attachments/2026/plan.pdf").unlink()
    assert "文件缺失：media/attachments/2026/plan.pdf" in backup_verify(sqlite_backup).problems
    with pytest.raises(CommandError, match="备份校验失败"):
        call_command("restore_verify", str(sqlite_backup), stdout=StringIO())


def test_a_backup_whose_rows_and_chain_differ_from_its_manifest_is_refused(sqlite_backup: Path) -> None:
    db = sqlite3.connect(sqlite_backup / "db.sqlite3")
    db.execute("DROP TRIGGER audit_auditevent_no_delete")
    db.execute("DELETE FROM audit_auditevent WHERE seq = 2")
    db.commit()
    db.close()
    _rewrite_manifest(sqlite_backup)  # checksums recomputed: only the restore shows it
    problems = backup_verify(sqlite_backup).problems
    assert "表 audit_auditevent 恢复后有 2 行，备份时为 3 行。" in problems
    assert "恢复后的审计链断裂：事件 #3 之前的事件 #2 已不存在：事件被删除。" in problems


def test_files_the_restored_rows_point_to_must_be_in_the_backup(
    sqlite_backup: Path, monkeypatch: Any
) -> None:
    monkeypatch.setattr(backup, "referenced_files", lambda db: ["attachments/2026/plan.pdf"])
    report = backup_verify(sqlite_backup)
    assert report.ok and report.files_sampled == 1
    monkeypatch.setattr(backup, "referenced_files", lambda db: ["attachments/2026/lost.pdf"])
    assert backup_verify(sqlite_backup).problems == [
        "恢复后的数据引用的文件不在备份中：attachments/2026/lost.pdf"
    ]


def test_postgresql_backup_needs_pg_dump(db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: run with DATABASE_URL=postgres://… (pg_dump and pg_restore installed)")
    assert backup.pg_tool("pg_dump").endswith("pg_dump")
