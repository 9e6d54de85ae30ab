"""`make bench`: consult under gunicorn next to bare Flask baselines, in one run, one table.

    make bench                                             (a fresh SQLite file, WAL)
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench make bench

What it does, in order:

1. Seeds a fresh database in-process with consult's own services (scripts/bench/seed.py):
   migrations, the 2018 demo opened for remarks with its summary published (`flask report
   publish`), two facilitators, generated meetings (100 and 1,000 entries for the board page,
   600 and 3,000 for the renders, a 32-entry "live" meeting for writes). On PostgreSQL the
   database's public schema is emptied first (the database is made when missing).
2. In-process, no network (scripts/bench/inprocess.py): SQL statements of one representative
   request of each operation (Flask test client + ``before_cursor_execute``), the board page's
   server time at 100 and 1,000 entries, summary renders next to raw WeasyPrint.
3. Starts two gunicorns with the production settings file (consult/gunicorn_conf.py, gthread,
   WEB_CONCURRENCY workers, GUNICORN_THREADS threads): consult, and the bare baseline app
   (scripts/bench/baseline.py). Each operation is measured right after its baseline, with the
   same load generator (aiohttp, closed loop, one connection per virtual user) and the same
   number of connections: warm-up, then a measured window. Submissions are also sent in
   bursts (every submitter at the same moment), next to bursts of bare inserts.
4. Checks that every acknowledged submission is in the database exactly once, prints the
   table and the workers' peak memory (VmHWM), writes bench-results/bench-<database>.json.

Exit status: 0 when everything was measured, whatever the targets (missed targets, and lost
submissions, are shown loudly in the table); 1 when the harness could not measure (a server
that did not start or died, seeding failed, an operation that never once succeeded); 130 on
Ctrl+C or SIGTERM. The temporary folder (databases, gunicorn logs) is removed unless the run
failed, a server logged a traceback, or BENCH_KEEP=1.

Environment (all optional; defaults in brackets):
  BENCH_SECONDS [8] measured window per row      BENCH_WARMUP [2] warm-up before it
  BENCH_CONNECTIONS [16]                          BENCH_SUBMITTERS [200]
  BENCH_ROOM_MEETINGS [20] meetings, room open     BENCH_ROOM_PHONES [10] phones in each
  BENCH_ROOM_PACE [2] seconds per idea and phone, on average (0: flat out)
  BENCH_WORKERS [2] → WEB_CONCURRENCY             GUNICORN_THREADS [the settings' 4]
  BENCH_RENDER_ENTRIES ["600,3000"]               BENCH_RENDER_REPEAT [3]
  BENCH_BOARD_REPEAT [7]                          BENCH_CHANGE_TRIALS [15]
  BENCH_BURST_ROUNDS [3]                          BENCH_TIMEOUT [60] seconds per request
  BENCH_RESULTS [bench-results/]                  BENCH_KEEP [0] keep the temporary folder
  BENCH_KEEPALIVE [0] 1: keep-alive connections (by default one per request, as a proxy)
  BENCH_MAX_REQUESTS: gunicorn's max_requests for both servers (by default the settings'
    5000 ± 500, which replaces workers during the runs; 0 never does)
  BENCH_SMTP_DELAY [0.3] seconds a loopback SMTP server (consult.devtools.smtp) takes per
    message, as a mail relay across the network does (connection, STARTTLS, login, DATA);
    submissions with an e-mail address (every other one) get their receipt through it
  DATABASE_URL: PostgreSQL instead of SQLite; REDIS_URL is passed on when set.
See scripts/bench/README.md for how each figure is measured.
"""

from __future__ import annotations

import asyncio
import math
import os
import platform
import re
import secrets
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from consult.devtools.servers import GUNICORN, ROOT
from consult.devtools.smtp import SmtpSink
from scripts.bench.servers import Gunicorn, HarnessError

TARGETS = {
    "refresh": "≥ 50 % of bare /const, p99 < 20 ms",
    "add": "≥ 60 % of bare /insert, p95 < 60 ms",
    "board": "< 150 ms server time, constant SQL",
    "board_weight": "≤ 400 B of HTML per entry, < 100 ms",
    "submit": "0 lost, p95 < 250 ms",
    "room": "0 lost, p95 < 250 ms",
    "pdf": "≥ 50 % of bare /pdf",
    "render": "≤ 1.2 × raw WeasyPrint",
    "change": "≤ 2 s (every trial)",
}


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def env_float(name: str, default: float) -> float:
    return float(os.environ.get(name) or default)


class Settings:
    def __init__(self) -> None:
        self.seconds = env_float("BENCH_SECONDS", 8)
        self.warmup = env_float("BENCH_WARMUP", 2)
        self.connections = env_int("BENCH_CONNECTIONS", 16)
        self.submitters = env_int("BENCH_SUBMITTERS", 200)
        self.room_meetings = env_int("BENCH_ROOM_MEETINGS", 20)  # meetings held at once, room open
        self.room_phones = env_int("BENCH_ROOM_PHONES", 10)  # phones sending ideas in each
        # Seconds a participant takes for an idea, on average (0: phones send flat out).
        self.room_pace = env_float("BENCH_ROOM_PACE", 2)
        self.workers = env_int("BENCH_WORKERS", 2)
        self.threads = os.environ.get("GUNICORN_THREADS") or "4"  # consult/gunicorn_conf.py's default
        self.render_sizes = [int(n) for n in os.environ.get("BENCH_RENDER_ENTRIES", "600,3000").split(",")
                             if n.strip()]
        self.render_repeat = env_int("BENCH_RENDER_REPEAT", 3)
        self.board_sizes = [100, 1000]
        self.board_repeat = env_int("BENCH_BOARD_REPEAT", 7)
        self.change_trials = env_int("BENCH_CHANGE_TRIALS", 15)
        self.burst_rounds = env_int("BENCH_BURST_ROUNDS", 3)
        self.timeout = env_float("BENCH_TIMEOUT", 60)
        self.smtp_delay = env_float("BENCH_SMTP_DELAY", 0.3)
        self.max_requests = int(os.environ["BENCH_MAX_REQUESTS"]) if os.environ.get("BENCH_MAX_REQUESTS") else None
        self.keep = os.environ.get("BENCH_KEEP", "") not in ("", "0")
        self.results = Path(os.environ.get("BENCH_RESULTS") or ROOT / "bench-results")
        self.poll_interval = board_poll_interval()


def board_poll_interval() -> float:
    """The board's poll interval, read from static/js/board/sync.js (POLL_MS)."""
    found = re.search(r"POLL_MS\s*=\s*(\d+)", (ROOT / "static/js/board/sync.js").read_text("utf-8"))
    return int(found.group(1)) / 1000 if found else 1.0


def database_url(workdir: Path) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{workdir / 'consult.sqlite3'}"
    for spelling in ("postgres://", "postgresql://"):  # as consult/config.py reads it
        if url.startswith(spelling):
            return "postgresql+psycopg://" + url[len(spelling):]
    return url


def database_version(url: str) -> str:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                return "SQLite " + conn.execute(sa.text("select sqlite_version()")).scalar_one()
            return "PostgreSQL " + conn.execute(sa.text("show server_version")).scalar_one()
    finally:
        engine.dispose()


def log(message: str = "") -> None:
    print(message, flush=True)


def _as_interrupt(_signum, _frame):
    signal.raise_signal(signal.SIGINT)  # asyncio.run turns it into a clean cancellation


def main() -> int:
    # Ctrl+C (even when started in the background, where SIGINT comes ignored) and SIGTERM
    # both end the run through KeyboardInterrupt: the servers are stopped in ``finally``.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _as_interrupt)
    started = time.monotonic()
    cfg = Settings()
    workdir = Path(tempfile.mkdtemp(prefix="consult-bench-"))
    instance = workdir / "instance"
    instance.mkdir()
    url = database_url(workdir)
    backend = sa.make_url(url).get_backend_name()
    baseline_url = f"sqlite:///{workdir / 'baseline.sqlite3'}" if backend == "sqlite" else url
    if not GUNICORN.exists():
        log(f"gunicorn is not installed in this environment ({GUNICORN}); run make setup")
        return 1
    # Everything the app reads at start-up, the same in this process and in gunicorn's workers.
    app_env = {"DATABASE_URL": url, "CONSULT_INSTANCE_PATH": str(instance),
               "SECRET_KEY": secrets.token_hex(32),
               "SUBMISSION_RATE_LIMIT": "1000000 per minute", "LOGIN_ACCOUNT_LIMIT": "1000000 per minute",
               "LOGIN_ADDRESS_LIMIT": "1000000 per minute", "LOGIN_GLOBAL_LIMIT": "1000000 per minute",
               "ROOM_DEVICE_LIMIT": "1000000 per minute", "ROOM_MEETING_LIMIT": "1000000 per minute",
               "MAIL_RECIPIENT_LIMIT": "1000000 per minute"}
    for name in ("HTTPS", "SESSION_COOKIE_SECURE", "PROXY_COUNT", "MAIL_USERNAME", "MAIL_USE_SSL"):
        os.environ.pop(name, None)  # plain http on loopback, no proxy
    # No mail leaves the machine: receipts go to an SMTP server on loopback that takes as
    # long as a real relay would.
    smtp = SmtpSink(delay=cfg.smtp_delay).start()
    app_env.update(smtp.environment)
    os.environ.update(app_env)
    os.environ["BENCH_BASELINE_DATABASE_URL"] = baseline_url
    os.environ["BENCH_BASELINE_PDF"] = str(instance / "published-summary.pdf")

    servers: list[Gunicorn] = []
    failed, interrupted = True, False
    try:
        code = _bench(cfg, workdir, url, backend, servers, started)
        failed = code != 0
        return code
    except HarnessError as exc:
        log(f"\nHARNESS FAILURE: {exc}")
        return 1
    except KeyboardInterrupt:
        interrupted = True
        log("\ninterrupted")
        return 130
    finally:
        for server in servers:
            server.stop()
        smtp.stop()
        log(f"e-mails received by the loopback SMTP server: {len(smtp.raw)}")
        if failed or cfg.keep:
            for server in servers:
                if failed and not interrupted:
                    log(f"\n--- last lines of {server.log_path} ---\n{server.tail(30)}")
            log(f"\ntemporary folder kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
        log(f"wall time: {time.monotonic() - started:.0f} s")


def _bench(cfg: Settings, workdir: Path, url: str, backend: str, servers: list, started: float) -> int:
    from consult import create_app
    from scripts.bench import baseline, inprocess, report, seed

    log(f"consult benchmark on {backend} ({sa.make_url(url).render_as_string(hide_password=True)}), "
        f"{os.cpu_count()} cores, Python {platform.python_version()}; temporary folder {workdir}")
    if backend == "postgresql":
        seed.reset_postgresql(url)
    db_version = database_version(url)
    load_start = os.getloadavg()
    log(f"database: {db_version}; load average at the start {load_start[0]:.2f} (1 min), "
        f"{load_start[1]:.2f} (5 min)")

    log("seeding (migrations, 2018 demo, facilitators, generated meetings, published summary)…")
    t = time.monotonic()
    app = create_app()
    world = seed.seed(app, board_sizes=cfg.board_sizes, render_sizes=cfg.render_sizes,
                      rooms=cfg.room_meetings, log=log)
    log(f"  seeded in {time.monotonic() - t:.1f} s")

    log("in-process: SQL statements per request, board page at 100 and 1,000 entries…")
    queries = inprocess.consult_queries(app, world, board_repeat=cfg.board_repeat)
    base_app = baseline.create_app()
    baseline.init_db(base_app)
    base_queries = inprocess.baseline_queries(base_app)
    for entries, b in queries["board"].items():
        log(f"  board page, {entries} entries: {b['queries']} statements, median "
            f"{b['median_seconds'] * 1000:.1f} ms in-process ({b['bytes'] // 1024} KiB)")

    log(f"in-process: summary renders (median of {cfg.render_repeat}, interleaved with raw WeasyPrint)…")
    renders = inprocess.renders(app, world, repeat=cfg.render_repeat, log=log)

    log(f"starting gunicorn: consult and the baseline app, {cfg.workers} workers each…")
    common = dict(os.environ)
    # BENCH_MAX_REQUESTS (e.g. 0: never) overrides the settings' max_requests for both servers.
    extra = [] if cfg.max_requests is None else ["--max-requests", str(cfg.max_requests)]
    app_server = Gunicorn("consult", ["-c", "python:consult.gunicorn_conf", *extra, "consult:create_app()"],
                          common, workdir, cfg.workers)
    servers.append(app_server)
    # The same settings file, loaded by path: the baseline's master never imports consult.
    base_server = Gunicorn("baseline", ["-c", str(ROOT / "consult" / "gunicorn_conf.py"), *extra,
                                        "scripts.bench.baseline:create_app()"],
                           common, workdir, cfg.workers)
    servers.append(base_server)
    app_server.wait_ready("/login")
    base_server.wait_ready("/const")
    log(f"  consult on {app_server.url}, baseline on {base_server.url}")

    prefix = f"Fundacja pomiarowa {secrets.token_hex(3)}"
    acknowledged: dict[str, str] = {}
    ideas: dict[str, str] = {}  # client key → text of each idea from the room acknowledged
    runs, change = asyncio.run(_drive(cfg, world, app_server, base_server, prefix, acknowledged, ideas))
    for server in servers:
        server.check_alive()
        server.sample_memory()
    tracebacks = {server.name: server.log_text().count("Traceback") for server in servers}

    # The receipts the submissions wrote to the outbox, sent by the servers' mail threads after
    # their answers: waited for (at most 180 s), then counted.
    from consult.core.enums import MailStatus
    from consult.extensions import db
    from consult.outbox.models import OutgoingMail
    from consult.remarks.models import Submission

    waited = time.monotonic()
    with app.app_context():
        while True:
            by_status = dict(db.session.execute(sa.select(OutgoingMail.status, sa.func.count())
                                                .group_by(OutgoingMail.status)).all())
            db.session.rollback()
            pending = by_status.get(MailStatus.QUEUED, 0) + by_status.get(MailStatus.SENDING, 0)
            if not pending or time.monotonic() - waited > 180:
                break
            time.sleep(0.5)
        db.session.remove()
        db.engine.dispose()
    mail = {"sent": by_status.get(MailStatus.SENT, 0), "pending": pending,
            "failed": by_status.get(MailStatus.FAILED, 0), "drained_seconds": round(time.monotonic() - waited, 1)}
    log(f"outbox after the load: {mail['sent']} e-mails sent, {mail['pending']} still waiting, "
        f"{mail['failed']} not sent; waited {mail['drained_seconds']} s for the servers' mail threads")

    # Every acknowledged submission in the database exactly once, with its receipt number.

    with app.app_context():
        rows = db.session.execute(sa.select(Submission.organisation, Submission.receipt_number)
                                  .where(Submission.organisation.like(prefix + " %"))).all()
        db.session.remove()
        db.engine.dispose()
    stored = Counter(r.organisation for r in rows)
    receipts = {r.organisation: r.receipt_number for r in rows}
    lost = sorted(o for o, n in acknowledged.items() if receipts.get(o) != n)
    duplicated = sorted(o for o, n in stored.items() if n > 1)
    integrity = {"acknowledged": len(acknowledged), "stored": len(rows), "lost": len(lost),
                 "duplicated": len(duplicated), "lost_examples": lost[:10],
                 "duplicated_examples": duplicated[:10]}
    # Every acknowledged idea from the room once, with its text.
    from consult.room.models import Contribution

    with app.app_context():
        stored_ideas = dict(db.session.execute(sa.select(Contribution.client_key, Contribution.text)).all())
        db.session.remove()
        db.engine.dispose()
    integrity["ideas"] = {"acknowledged": len(ideas), "lost": sum(1 for k, t in ideas.items()
                                                                  if stored_ideas.get(k) != t)}

    for server in servers:
        server.stop()
    servers.clear()

    rows_out, base_rows = _rows(cfg, runs, queries, base_queries, renders, change, integrity)
    memory = {name: _memory(server) for name, server in (("consult", app_server), ("baseline", base_server))}

    log("")
    log(f"consult benchmark — {backend} ({db_version}), {os.cpu_count()} cores, gunicorn gthread "
        f"{cfg.workers} workers × {cfg.threads} threads, {cfg.warmup:g} s warm-up + {cfg.seconds:g} s "
        f"measured per row, aiohttp closed loop on loopback; load average {load_start[0]:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} now")
    log(report.table(rows_out))
    log("")
    log("baselines (same run, same load generator, same connections):")
    log(report.table(base_rows))
    log("load generator's CPU (% of one core) per run: " + ", ".join(
        f"{name} {run.client_cpu * 100:.0f}" for name, run in runs.items()))
    log("")
    log("peak memory of the gunicorn workers (VmHWM from /proc/<pid>/status, sampled every 0.5 s):")
    for name, m in memory.items():
        peaks = sorted((v["VmHWM"] / 1024 for v in m["workers"].values()), reverse=True)
        log(f"  {name:<9} max {m['max_vmhwm_mib']:.0f} MiB per worker ({m['rss_when_ready_mib']:.0f} MiB resident "
            f"once started); {len(peaks)} workers seen "
            f"({m['replaced']} replacements by max_requests), peaks {', '.join(f'{v:.0f}' for v in peaks[:6])}"
            f"{' …' if len(peaks) > 6 else ''} MiB")
    if integrity["lost"] or integrity["duplicated"]:
        log(f"\n!!! SUBMISSIONS LOST: {integrity['lost']}, STORED TWICE: {integrity['duplicated']} "
            f"(of {integrity['acknowledged']} acknowledged): {lost[:5]} {duplicated[:5]}")
    for name, count in tracebacks.items():
        if count:
            cfg.keep = True  # the temporary folder, with the logs, is kept
            log(f"\n!!! {count} traceback(s) in the {name} server's log: {workdir}/gunicorn-{name}.log")
    missed = [r.operation for r in rows_out if r.met is False]
    log(f"\ntargets: {sum(r.met is True for r in rows_out)} met, {len(missed)} missed"
        + (f" ({'; '.join(missed)})" if missed else ""))

    wall = time.monotonic() - started
    out = cfg.results / f"bench-{backend}.json"
    report.write_json(out, {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpu_count": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(), "load_average_start": load_start,
                    "load_average_end": os.getloadavg(),
                    "database": backend, "database_version": db_version},
        "settings": {"warmup_s": cfg.warmup, "seconds": cfg.seconds, "connections": cfg.connections,
                     "submitters": cfg.submitters, "workers": cfg.workers, "threads": cfg.threads,
                     "render_repeat": cfg.render_repeat, "board_repeat": cfg.board_repeat,
                     "change_trials": cfg.change_trials, "burst_rounds": cfg.burst_rounds,
                     "poll_interval_s": cfg.poll_interval,
                     "gunicorn_settings": "consult/gunicorn_conf.py", "max_requests_override": cfg.max_requests},
        "rows": rows_out, "baselines": base_rows, "memory": memory,
        "submissions": integrity, "mail": mail, "in_process": {"consult": queries, "baseline": base_queries},
        "renders": renders, "change_seen": change,
        "runs": {name: _run_json(run) for name, run in runs.items()},
        "server_tracebacks": tracebacks, "wall_seconds": wall,
    })
    log(f"written: {out}")
    never = [name for name, run in runs.items() if run.stats()["requests"] == 0]
    if never:
        log(f"\nHARNESS FAILURE: no request of {', '.join(never)} succeeded in its window")
        return 1
    return 0


async def _drive(cfg: Settings, world, app_server: Gunicorn, base_server: Gunicorn, prefix: str,
                 acknowledged: dict, ideas: dict) -> tuple[dict, dict]:
    from scripts.bench import load

    runs: dict = {}
    opened: list[load.User] = []

    def users(server: Gunicorn, n: int) -> list[load.User]:
        made = [load.User(server.url, cfg.timeout, index=i) for i in range(n)]
        opened.extend(made)
        return made

    def sample() -> None:
        app_server.sample_memory()
        base_server.sample_memory()

    async def measure(name: str, who: list, step, *, burst: dict | None = None):
        """A closed-loop run of ``step`` (or, with ``burst``, bursts of it), logged; notes
        which workers started meanwhile (gunicorn's max_requests replaces them)."""
        for server in (app_server, base_server):
            server.check_alive()
        before = {server.name: set(server.peaks) for server in (app_server, base_server)}
        if burst is None:
            run = await load.closed_loop(name, who, step, warmup=cfg.warmup, seconds=cfg.seconds,
                                         during=sample)
            how = "conns"
        else:
            run = await load.bursts(name, who, step, rounds=cfg.burst_rounds, during=sample, **burst)
            how = "at once"
        run.new_workers = {server.name: len(set(server.peaks) - before[server.name])
                           for server in (app_server, base_server)}
        runs[name] = run
        s = run.stats()
        errors = f", errors {dict(run.errors.most_common(3))}" if run.errors else ""
        log(f"  {name:<28} {len(who):>4} {how:<7} {s['rps']:8.1f} req/s  p50 {s['p50_ms']:7.1f}  "
            f"p95 {s['p95_ms']:7.1f}  p99 {s['p99_ms']:7.1f} ms  (client CPU {run.client_cpu * 100:.0f} %){errors}")
        return run

    try:
        n = cfg.connections
        log(f"logging in {n} facilitators through the login form…")
        facilitators = users(app_server, n)
        await asyncio.gather(*(u.login(*world.facilitators[u.index % 2]) for u in facilitators))
        await asyncio.gather(*(u.open_board(world.demo_meeting_id) for u in facilitators))
        bare = users(base_server, n)
        log("measuring (each operation right after its baseline):")
        await measure("baseline /const", bare, load.get_step("/const"))
        await measure("refresh (204)", facilitators, load.refresh_step(world.demo_meeting_id))
        await measure("baseline /insert", bare, load.insert_step())
        await asyncio.gather(*(u.open_board(world.live_meeting_id) for u in facilitators))
        await measure("add entry", facilitators, load.add_entry_step(world.live_meeting_id, world.live_sections))
        # What a meeting's facilitators feel: the writes of one meeting queue for it (its
        # revision orders them), so 16 writers of one meeting wait for each other.
        await measure("add entry, 3 writers", facilitators[:3],
                      load.add_entry_step(world.live_meeting_id, world.live_sections))

        phones = users(app_server, len(world.rooms) * cfg.room_phones)  # every room at once
        await measure("ideas from the room", phones, load.room_idea_step(world.rooms, ideas, pace=cfg.room_pace))
        for u in phones:
            await u.close()

        m = cfg.submitters
        bare_many = users(base_server, m)
        await measure(f"baseline /insert ×{m}", bare_many, load.insert_step())
        for u in bare_many:
            await u.close()
        submission = load.Submission(world.slug, world.target, prefix, acknowledged)
        submitters = users(app_server, m)
        await measure("submission", submitters, submission.step)

        bare_many = users(base_server, m)
        # Before each burst the baseline's connections are opened (as the form's GET does).
        await measure(f"baseline /insert burst {m}", bare_many, load.insert_step(),
                      burst={"prepare": load.get_step("/const", tag="connect")})
        for u in bare_many:
            await u.close()
        await measure(f"submission burst {m}", submitters, submission.send,
                      burst={"prepare": submission.open_form, "finish": submission.read_receipt})
        for u in submitters:
            await u.close()

        anonymous = users(app_server, n)
        await measure("baseline /pdf", bare, load.get_step("/pdf", size=world.pdf_size))
        await measure("published PDF", anonymous, load.get_step(world.pdf_url, size=world.pdf_size))

        board = world.board_meetings[max(world.board_meetings)]
        await measure("board page 1,000 entries", facilitators[:1], load.get_step(f"/meetings/{board}/board"))

        log(f"change seen by a second facilitator ({cfg.change_trials} trials, B polls every "
            f"{cfg.poll_interval:g} s as the board script does)…")
        a, b = users(app_server, 2)
        await a.login(*world.facilitators[0])
        await b.login(*world.facilitators[1])
        await a.open_board(world.live_meeting_id)
        await b.open_board(world.live_meeting_id)
        change = await load.change_seen(a, b, world.live_meeting_id, world.live_sections[-1],
                                        trials=cfg.change_trials, poll_interval=cfg.poll_interval)
        log(f"  seen after p50 {change['p50_ms']:.0f} ms, max {change['max_ms']:.0f} ms "
            f"({change['seen']}/{change['trials']} seen)")
        sample()
    finally:
        for u in opened:
            await u.close()
    return runs, change


def _rows(cfg: Settings, runs: dict, queries: dict, base_queries: dict, renders: list, change: dict,
          integrity: dict):
    from scripts.bench.report import Row

    def from_run(row: Row, run, baseline=None, tag: str = "op", server: str = "consult") -> Row:
        s = run.stats(tag)
        row.connections = str(run.connections)
        row.rps, row.p50_ms, row.p95_ms, row.p99_ms = s["rps"], s["p50_ms"], s["p95_ms"], s["p99_ms"]
        if baseline is not None:
            b = baseline.stats()
            row.baseline, row.baseline_value = f"{b['rps']:.0f} req/s", b["rps"]
            row.ratio, row.ratio_kind = (s["rps"] / b["rps"] if b["rps"] else math.nan), "throughput"
        replaced = [(run.new_workers.get(server, 0), server, "this run")]
        if baseline is not None:
            replaced.append((baseline.new_workers.get("baseline", 0), "baseline", "the baseline's run"))
        for count, who, when in replaced:
            if count:
                row.notes.append(f"{count} {who} worker(s) replaced by max_requests during {when}")
        if run.errors or s["failed"]:
            row.notes.append(f"!!! {s['failed']} failed in the window; errors {dict(run.errors.most_common(5))}")
        return row

    m = cfg.submitters
    rows = []
    r = from_run(Row('capture board "nothing changed" refresh', queries=str(queries["refresh"]["queries"]),
                     target=TARGETS["refresh"]), runs["refresh (204)"], runs["baseline /const"])
    r.met = r.ratio >= 0.5 and r.p99_ms < 20
    rows.append(r)

    r = from_run(Row("add entry", queries=str(queries["add_entry"]["queries"]), target=TARGETS["add"]),
                 runs["add entry"], runs["baseline /insert"])
    r.met = r.ratio >= 0.6 and r.p95_ms < 60
    r.notes.insert(0, "each answer carries what changed since the writer's revision (as the board's "
                      "JS asks; entries added are sent alone, not their sections): "
                      f"{runs['add entry'].stats()['mean_answer_bytes'] / 1024:.0f} KiB "
                      "on average; the writers spread over the meeting's sections, which grow by "
                      f"every entry added (to {33 + sum(s.ok for s in runs['add entry'].samples)} entries "
                      "by the end of the run)")
    rows.append(r)

    r = from_run(Row("add entry, 3 facilitators of one meeting", queries=str(queries["add_entry"]["queries"]),
                     target="— (as in a meeting room; informative)"), runs["add entry, 3 writers"])
    r.notes.insert(0, "the writes of one meeting are serialised by its revision counter (the order "
                      "every board applies them in): the 16-writer row measures how they queue")
    rows.append(r)

    boards = queries["board"]
    small, big = boards[min(boards)], boards[max(boards)]
    r = from_run(Row(f"capture board page, {max(boards):,} entries",
                     queries=f"{big['queries']} ({small['queries']})", target=TARGETS["board"]),
                 runs["board page 1,000 entries"])
    constant = big["queries"] == small["queries"] and len(big["queries_all"]) == 1
    r.met = big["median_seconds"] < 0.150 and constant
    r.notes.insert(0, f"server time in-process (median of {cfg.board_repeat}): "
                      f"{big['median_seconds'] * 1000:.0f} ms at {max(boards):,} entries, "
                      f"{small['median_seconds'] * 1000:.0f} ms at {min(boards)}; SQL statements "
                      f"{big['queries']} at {max(boards):,} vs {small['queries']} at {min(boards)} "
                      f"({'constant' if constant else 'NOT constant'}); page {big['bytes'] // 1024} KiB; "
                      "req/s and percentiles: gunicorn, 1 connection, time to headers p50 "
                      f"{runs['board page 1,000 entries'].stats('ttfb')['p50_ms']:.0f} ms")
    rows.append(r)

    # The lean board (issue 18): its weight and server time for facilitators on poor Wi-Fi.
    for entries in sorted(boards):
        b = boards[entries]
        whole = b["bytes"] / entries
        r = Row(f"board page weight, {entries:,} entries (in-process)", p50_ms=b["median_seconds"] * 1000,
                queries=str(b["queries"]), baseline=f"{b['bytes'] / 1024:,.0f} KiB, {whole:,.0f} B/entry",
                target=TARGETS["board_weight"] if entries == max(boards) else "— (informative)")
        if entries == max(boards):
            added = (b["bytes"] - small["bytes"]) / (entries - min(boards))
            r.met = whole <= 400 and b["median_seconds"] < 0.100
            r.notes.append(f"the whole page / its entries: {whole:,.0f} B (the frame: forms, headings, "
                           f"the toolbar, about {(b['bytes'] - added * entries) / 1024:,.0f} KiB at any size); "
                           f"each entry adds {added:,.0f} B (1,000 vs 100, its text included); p50 = median "
                           f"server time of {cfg.board_repeat} in-process requests")
        rows.append(r)

    phones = cfg.room_meetings * cfg.room_phones
    r = from_run(Row(f"idea from the room, {cfg.room_meetings} meetings × {cfg.room_phones} phones",
                     target=TARGETS["room"]),
                 runs["ideas from the room"], runs[f"baseline /insert ×{cfg.submitters}"])
    idea_count = integrity["ideas"]
    r.met = idea_count["lost"] == 0 and idea_count["acknowledged"] > 0 and r.p95_ms < 250
    r.notes.insert(0, f"{'!!! ' if idea_count['lost'] else ''}acknowledged {idea_count['acknowledged']}, "
                      f"lost {idea_count['lost']}; {phones} phones at once, each sending "
                      + (f"an idea every {cfg.room_pace:g} s on average (far busier than a room: "
                         f"{phones / cfg.room_pace:.0f} ideas/s offered)" if cfg.room_pace else "flat out")
                      + " to one section of its meeting; latency = the POST → 303; limits lifted for the run; "
                      f"baseline: bare /insert with {cfg.submitters} connections, flat out")
    rows.append(r)

    r = from_run(Row(f"remark submission, {m} concurrent", queries=str(queries["submission"]["queries"]),
                     target=TARGETS["submit"]), runs["submission"], runs[f"baseline /insert ×{m}"])
    lost = integrity["lost"] + integrity["duplicated"]
    r.met = lost == 0 and integrity["acknowledged"] > 0 and r.p95_ms < 250
    cycle = runs["submission"].stats("cycle")
    r.notes.insert(0, f"{'!!! ' if lost else ''}acknowledged {integrity['acknowledged']}, lost "
                      f"{integrity['lost']}, stored twice {integrity['duplicated']}; latency = the POST "
                      f"(→ 303); whole form→POST→receipt cycle p50 {cycle['p50_ms']:.0f} ms, p95 "
                      f"{cycle['p95_ms']:.0f} ms")
    rows.append(r)

    r = from_run(Row(f"remark submission, burst of {m} at once", queries=str(queries["submission"]["queries"]),
                     target=TARGETS["submit"]), runs[f"submission burst {m}"], runs[f"baseline /insert burst {m}"])
    r.met = lost == 0 and integrity["acknowledged"] > 0 and r.p95_ms < 250
    r.notes.insert(0, f"{cfg.burst_rounds} bursts: each of {m} NGOs has the form open, all send it at the "
                      "same moment; req/s = answers / time the bursts took; baseline: the same bursts of "
                      "bare inserts; lost/twice: counted with the closed-loop row")
    rows.append(r)

    r = from_run(Row("published PDF download", queries=str(queries["pdf"]["queries"]), target=TARGETS["pdf"]),
                 runs["published PDF"], runs["baseline /pdf"])
    r.met = r.ratio >= 0.5
    rows.append(r)

    for render in renders:
        r = Row(f"summary render, {render['entries']:,} entries ({render['pages']} p.)", connections="—",
                p50_ms=render["consult_seconds"] * 1000, queries=str(render["html_queries"]),
                baseline=f"raw {render['raw_seconds'] * 1000:.0f} ms", baseline_value=render["raw_seconds"],
                ratio=render["consult_seconds"] / render["raw_seconds"], ratio_kind="time",
                target=TARGETS["render"])
        r.met = r.ratio <= 1.2
        r.notes.append(f"p50 = median of {len(render['consult_all'])} in-process renders (fastest: consult "
                       f"{min(render['consult_all']) * 1000:.0f} ms, raw {min(render['raw_all']) * 1000:.0f} ms, "
                       f"{min(render['consult_all']) / min(render['raw_all']):.2f} ×); SQL = statements to build "
                       "the HTML")
        rows.append(r)

    r = Row("change seen by a second facilitator", connections="2", p50_ms=change["p50_ms"],
            p95_ms=change["p95_ms"], p99_ms=change["p99_ms"],
            queries=str(queries["changes_poll"]["queries"]), target=TARGETS["change"])
    r.met = change["missed"] == 0 and change["seen"] > 0 and change["max_ms"] <= 2000
    r.notes.append(f"{change['seen']}/{change['trials']} seen, max {change['max_ms']:.0f} ms; B polls every "
                   f"{change['poll_interval_s']:g} s; SQL = one poll answer carrying the change")
    rows.append(r)

    base_rows = []
    for label, run_name, endpoint in (
            ("bare /const (constant string)", "baseline /const", "const"),
            ("bare /insert (one INSERT)", "baseline /insert", "insert"),
            (f"bare /insert, {m} concurrent", f"baseline /insert ×{m}", "insert"),
            (f"bare /insert, burst of {m} at once", f"baseline /insert burst {m}", "insert"),
            ("bare /pdf (same bytes from memory)", "baseline /pdf", "pdf")):
        row = Row(label, queries=str(base_queries[endpoint]["queries"]), target="—")
        base_rows.append(from_run(row, runs[run_name], server="baseline"))
    return rows, base_rows


def _memory(server: Gunicorn) -> dict:
    workers = {pid: v for pid, v in server.peaks.items() if "VmHWM" in v}
    peak = max((v["VmHWM"] for v in workers.values()), default=0)
    booted = [v["VmRSS"] / 1024 for v in server.booted.values() if "VmRSS" in v]
    return {"workers": workers, "max_vmhwm_mib": peak / 1024, "workers_seen": len(workers),
            "replaced": max(0, len(workers) - server.workers),
            "rss_when_ready_mib": max(booted, default=0.0)}


def _run_json(run) -> dict:
    tags = sorted({s.tag for s in run.samples})
    return {"connections": run.connections, "warmup_s": run.warmup, "seconds": run.seconds,
            "client_cpu": run.client_cpu, "errors": dict(run.errors),
            "workers_started_during_run": run.new_workers,
            "stats": {tag: run.stats(tag) for tag in tags}}


if __name__ == "__main__":
    sys.exit(main())
