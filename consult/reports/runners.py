"""Where render jobs run: RQ on Redis when ``REDIS_URL`` is set, else a thread of this process.

Either way the job's state lives in the database (:class:`RenderJob`), so the page that
waits reads the same thing from any web worker. With RQ, run the workers with
``flask --app consult worker``; without Redis nothing else needs to run.

A runner knows nothing of what a job does: it is handed the task (a module-level function
taking the job's id, :func:`consult.reports.jobs.run_job`) with the job.
"""

from __future__ import annotations

import logging
import os
import pkgutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from flask import Flask, current_app, has_app_context

from consult.extensions import db

log = logging.getLogger(__name__)

QUEUE_NAME = "consult-reports"
JOB_TIMEOUT = 30 * 60  # seconds; a consultation with many thousand entries takes minutes
_worker_pid: int | None = None  # set by the worker command: its forked children differ


def runner_name() -> str:
    return "rq" if current_app.config.get("REDIS_URL") else "inprocess"


Task = Callable[[int], None]


def _task_name(task: Task) -> str:
    return f"{task.__module__}:{task.__qualname__}"


def submit(task: Task, job_id: int) -> str:
    """Hand the job to a runner, which calls ``task(job_id)`` in an application context;
    returns the runner's name.

    When Redis cannot be reached the job runs in this process instead, so that publishing
    still works (slower for the web worker that renders it); the failure is logged.
    """
    app = current_app._get_current_object()
    if app.config.get("REDIS_URL"):
        from redis.exceptions import RedisError

        try:
            queue(app).enqueue_call("consult.reports.runners.rq_task", args=(_task_name(task), job_id),
                                    timeout=JOB_TIMEOUT, result_ttl=3600, failure_ttl=7 * 86400,
                                    description=f"render job {job_id}")
            return "rq"
        except RedisError:
            log.exception("cannot queue render job %s on Redis; rendering it in this process", job_id)
    _executor(app).submit(_run_in_thread, app, task, job_id)
    return "inprocess"


def queue(app: Flask):
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE_NAME, connection=Redis.from_url(app.config["REDIS_URL"]))


# In-process runner ---------------------------------------------------------------------------


def _executor(app: Flask) -> ThreadPoolExecutor:
    """One rendering thread per process (WeasyPrint is CPU-bound: more would not help).

    Made anew after a fork (threads do not survive one), e.g. in preloading gunicorn.
    """
    pid, executor = app.extensions.get("consult_render_executor", (None, None))
    if pid != os.getpid() or executor is None:
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="consult-render")
        app.extensions["consult_render_executor"] = (os.getpid(), executor)
    return executor


def _run_in_thread(app: Flask, task: Task, job_id: int) -> None:
    with app.app_context():
        try:
            task(job_id)
        except Exception:  # run_job stores its own failures; this is the last resort
            log.exception("render job %s crashed", job_id)
        finally:
            db.session.remove()


def drain(app: Flask, timeout: float = 120) -> None:
    """Wait until this process's rendering thread has nothing left (tests, CLI)."""
    pid, executor = app.extensions.get("consult_render_executor", (None, None))
    if executor is None or pid != os.getpid():
        return
    executor.submit(lambda: None).result(timeout=timeout)


# RQ runner -------------------------------------------------------------------------------------


def rq_task(task_name: str, job_id: int) -> None:
    """What an RQ worker runs: the task (``module:function``), in the worker's application
    context."""
    task = pkgutil.resolve_name(task_name)
    app = current_app._get_current_object() if has_app_context() else _standalone_app()
    with app.app_context():
        if _worker_pid is not None and os.getpid() != _worker_pid:
            # A forked work horse: connections of the parent's pool must not be shared.
            db.engine.dispose(close=False)
        try:
            task(job_id)
        finally:
            db.session.remove()


_app: Flask | None = None


def _standalone_app() -> Flask:
    global _app
    if _app is None:
        from consult import create_app

        _app = create_app()
    return _app


def work(app: Flask, burst: bool = False) -> None:
    """Run an RQ worker for render jobs (``flask --app consult worker``)."""
    from redis import Redis
    from rq import Worker

    global _worker_pid
    _worker_pid = os.getpid()
    connection = Redis.from_url(app.config["REDIS_URL"])
    Worker([QUEUE_NAME], connection=connection).work(burst=burst)


def wait(job_id: int, timeout: float = 120) -> None:
    """Poll the job until it is finished (CLI, tests)."""
    from consult.reports.models import RenderJob

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        job = db.session.get(RenderJob, job_id)
        if job is None or job.finished:
            return
        time.sleep(0.05)
    raise TimeoutError(f"render job {job_id} did not finish in {timeout} s")
