"""Background tasks of the core app (django-tasks: the database worker, or RQ with Redis)."""

from __future__ import annotations

from django_tasks import task

from jigai.core.maintenance import database_optimize


@task()
def database_optimize_task(after_bulk_write: bool = False) -> str:
    """:func:`jigai.core.maintenance.database_optimize` in the worker, after a large write made
    in a request (the request does not wait for the analysis). Returns what was run."""
    return database_optimize(after_bulk_write=after_bulk_write).summary()
