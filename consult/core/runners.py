"""Where background work runs: RQ on Redis when ``REDIS_URL`` is set, else a thread of this
process. Two queues: renders (consult.reports.jobs: minutes of CPU) and mail (consult.outbox:
short, and never behind a render).

Either way the work's state lives in the database (a RenderJob, an OutgoingMail), so a page
reads the same thing from any web worker, and nothing is lost when a process ends: what was
queued is found again (``flask --app consult mail deliver``). With RQ, run the workers with
``flask --app consult worker``; without Redis nothing else needs to run.

A runner knows nothing of what a task does: it is handed the task (a module-level function
taking one id, e.g. :func:`consult.reports.jobs.run_job`) with the id.
"""

from __future__ import annotations

import logging
import os
import pkgutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from flask import Flask, current_app, has_app_context

from consult.extensions import db

log = logging.getLogger(__name__)

RENDER = "consult-reports"
MAIL = "consult-mail"
QUEUES = (MAIL, RENDER)  # the order a worker takes them in: a mail never waits for a render
# Seconds an RQ job may take: a consultation with many thousand entries renders for minutes.
TIMEOUTS = {RENDER: 30 * 60, MAIL: 5 * 60}
_worker_pid: int | None = None  # set by the worker command: its forked children differ


def runner_name() -> str:
    return "rq" if current_app.config.get("REDIS_URL") else "inprocess"


Task = Callable[[int], None]


def _task_name(task: Task) -> str:
    return f"{task.__module__}:{task.__qualname__}"


def submit(task: Task, job_id: int, queue_name: str = RENDER, delay: float = 0) -> str:
    """Hand the work to a runner, which calls ``task(job_id)`` in an application context
    (after ``delay`` seconds); returns the runner's name.

    When Redis cannot be reached the work runs in this process instead, so that publishing
    and mail still work (slower for the web worker that does it); the failure is logged.
    """
    app = current_app._get_current_object()
    if app.config.get("REDIS_URL"):
        from redis.exceptions import RedisError

        try:
            rq_queue = queue(app, queue_name)
            arguments = dict(args=(_task_name(task), job_id), timeout=TIMEOUTS[queue_name], result_ttl=3600,
                             failure_ttl=7 * 86400, description=f"{task.__qualname__} {job_id}")
            if delay > 0:
                # Run by a worker started with its scheduler (flask --app consult worker).
                rq_queue.enqueue_in(timedelta(seconds=delay), "consult.core.runners.rq_task", **arguments)
            else:
                rq_queue.enqueue_call("consult.core.runners.rq_task", **arguments)
            return "rq"
        except RedisError:
            log.exception("cannot queue %s %s on Redis; running it in this process", task.__qualname__, job_id)
    if delay > 0:
        timers = app.extensions.setdefault("consult_timers", set())

        def due() -> None:
            timers.discard(timer)
            _executor(app, queue_name).submit(_run_in_thread, app, task, job_id)

        timer = threading.Timer(delay, due)
        timer.daemon = True  # a pending retry does not keep the process alive: the sweep finds it again
        timers.add(timer)
        timer.start()
    else:
        _executor(app, queue_name).submit(_run_in_thread, app, task, job_id)
    return "inprocess"


def queue(app: Flask, name: str = RENDER):
    from redis import Redis
    from rq import Queue

    return Queue(name, connection=Redis.from_url(app.config["REDIS_URL"]))


# In-process runner ---------------------------------------------------------------------------


_executors_lock = threading.Lock()


def _executor(app: Flask, queue_name: str = RENDER) -> ThreadPoolExecutor:
    """One thread per queue and process: one render at a time (WeasyPrint is CPU-bound: more
    would not help), one mail at a time (one SMTP connection per process is plenty).

    Made anew after a fork (threads do not survive one), e.g. in preloading gunicorn.
    """
    executors = app.extensions.setdefault("consult_executors", {})
    with _executors_lock:
        pid, executor = executors.get(queue_name, (None, None))
        if pid != os.getpid() or executor is None:
            executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=queue_name)
            executors[queue_name] = (os.getpid(), executor)
    return executor



def _run_in_thread(app: Flask, task: Task, job_id: int) -> None:
    with app.app_context():
        try:
            task(job_id)
        except Exception:  # run_job stores its own failures; this is the last resort
            log.exception("%s %s crashed", task.__qualname__, job_id)
        finally:
            db.session.remove()


def drain(app: Flask, timeout: float = 120, queue_names: tuple[str, ...] = QUEUES) -> None:
    """Wait until this process's threads have nothing left (tests, CLI); a mail sent by a
    render, or a render by a mail, is waited for too."""
    for _round in range(3):
        for name in queue_names:
            pid, executor = app.extensions.get("consult_executors", {}).get(name, (None, None))
            if executor is not None and pid == os.getpid():
                executor.submit(lambda: None).result(timeout=timeout)


def cancel_timers(app: Flask) -> None:
    """Forget the retries this process would run later (tests, between one app and the next)."""
    for timer in list(app.extensions.get("consult_timers", ())):
        timer.cancel()
    app.extensions.pop("consult_timers", None)


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
    """Run an RQ worker for mail and render jobs (``flask --app consult worker``), with the
    scheduler that runs retries when they are due."""
    from redis import Redis
    from rq import Worker

    global _worker_pid
    _worker_pid = os.getpid()
    connection = Redis.from_url(app.config["REDIS_URL"])
    Worker(list(QUEUES), connection=connection).work(burst=burst, with_scheduler=not burst)


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
