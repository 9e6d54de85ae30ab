"""The load generator: virtual users on aiohttp (one cookie jar and one keep-alive
connection each), in a closed loop for a warm-up and a measured window; latency is taken
per request on the client (time.perf_counter around request and body)."""

from __future__ import annotations

import asyncio
import math
import os
import random
import re
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import aiohttp

from scripts.bench.inprocess import REVISION, control_value, submission_data

RECEIPT = re.compile(r"[A-Z]{1,10}/\d{4}/\d{4}")
HX = {"HX-Request": "true"}


class UnexpectedAnswer(Exception):
    pass


@dataclass
class Sample:
    tag: str
    end: float
    seconds: float
    ok: bool


@dataclass
class Run:
    """One measurement: samples of every request, and what went wrong."""

    name: str
    connections: int
    warmup: float
    seconds: float
    samples: list[Sample] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    window: tuple[float, float] = (0.0, 0.0)
    client_cpu: float = 0.0  # this process's CPU seconds per wall second during the run
    body_bytes: Counter = field(default_factory=Counter)  # tag → bytes of answers read
    answers: Counter = field(default_factory=Counter)  # tag → answers whose bytes were counted
    new_workers: dict = field(default_factory=dict)  # server → workers started during the run
    busy_seconds: float | None = None  # bursts: the time the bursts took (throughput's divisor)

    def record(self, tag: str, start: float, ok: bool, size: int | None = None) -> None:
        end = time.perf_counter()
        self.samples.append(Sample(tag, end, end - start, ok))
        if size is not None:
            self.body_bytes[tag] += size
            self.answers[tag] += 1

    def stats(self, tag: str = "op") -> dict:
        start, end = self.window
        inside = [s for s in self.samples if s.tag == tag and start <= s.end <= end]
        ok = sorted(s.seconds for s in inside if s.ok)
        answers = self.answers[tag]
        return {"requests": len(ok), "failed": len(inside) - len(ok),
                "mean_answer_bytes": self.body_bytes[tag] / answers if answers else None,
                "rps": len(ok) / (self.busy_seconds or (end - start)) if end > start else 0.0,
                "p50_ms": percentile(ok, 0.50) * 1000, "p95_ms": percentile(ok, 0.95) * 1000,
                "p99_ms": percentile(ok, 0.99) * 1000, "max_ms": (ok[-1] * 1000) if ok else math.nan}


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of sorted values (nan when there are none)."""
    if not sorted_values:
        return math.nan
    return sorted_values[max(0, math.ceil(q * len(sorted_values)) - 1)]


# A connection per request, as a reverse proxy in front of gunicorn opens them (nginx speaks
# HTTP/1.0 without keep-alive to its upstream by default). With keep-alive connections
# gunicorn's gthread workers do not share the load: the worker that accepts the connections
# first keeps them all, and the other one idles (BENCH_KEEPALIVE=1 shows it).
KEEPALIVE = os.environ.get("BENCH_KEEPALIVE", "0") not in ("", "0")


class User:
    """A browser behind the proxy: its own cookies, one request at a time."""

    def __init__(self, base: str, timeout: float, index: int = 0):
        self.index = index
        self.http = aiohttp.ClientSession(
            base_url=base, cookie_jar=aiohttp.CookieJar(unsafe=True),  # cookies of 127.0.0.1
            connector=aiohttp.TCPConnector(limit=1, force_close=not KEEPALIVE),
            timeout=aiohttp.ClientTimeout(total=timeout))
        self.token = ""
        self.revision = ""
        self.n = 0
        self.form: tuple[str, dict] = ("", {})  # a submitter's filled-in form
        self.location = ""

    async def text(self, method: str, path: str, expect: int, **kwargs) -> tuple[str, aiohttp.ClientResponse]:
        async with self.http.request(method, path, allow_redirects=False, **kwargs) as response:
            body = await response.read()
            if response.status != expect:
                raise UnexpectedAnswer(f"{method} {path.split('?')[0]}: {response.status}")
            return body.decode("utf-8", "replace"), response

    async def login(self, email: str, password: str) -> None:
        page, _ = await self.text("GET", "/login", 200)
        await self.text("POST", "/login", 303, data={
            "csrf_token": control_value(page, "csrf_token"), "email": email, "password": password})

    async def open_board(self, meeting_id: int) -> None:
        page, _ = await self.text("GET", f"/meetings/{meeting_id}/board", 200)
        self.token = control_value(page, "csrf_token")
        self.revision = REVISION.search(page).group(1)

    async def close(self) -> None:
        await self.http.close()


Step = Callable[[User, Run], Awaitable[None]]


async def closed_loop(name: str, users: list[User], step: Step, *, warmup: float, seconds: float,
                      during: Callable[[], None] | None = None) -> Run:
    """Every user runs ``step`` again and again for warm-up + measured seconds; ``during``
    is called every half second (memory sampling)."""
    run = Run(name, len(users), warmup, seconds)
    begin = time.perf_counter()
    run.window = (begin + warmup, begin + warmup + seconds)
    stop_at = run.window[1]

    async def user_loop(user: User) -> None:
        while time.perf_counter() < stop_at:
            try:
                await step(user, run)
            except (TimeoutError, aiohttp.ClientError, UnexpectedAnswer, AssertionError) as exc:
                run.errors[str(exc) or type(exc).__name__] += 1
                await asyncio.sleep(0.05)

    async def sampler() -> None:
        while time.perf_counter() < stop_at:
            if during:
                during()
            await asyncio.sleep(0.5)

    cpu = time.process_time()
    await asyncio.gather(sampler(), *(user_loop(u) for u in users))
    run.client_cpu = (time.process_time() - cpu) / (time.perf_counter() - begin)
    if during:
        during()
    return run


# Steps -----------------------------------------------------------------------------------


def get_step(path: str, status: int = 200, size: int | None = None, headers=None, tag: str = "op") -> Step:
    """GET ``path``; besides the whole request (``tag``), the time to the answer's headers
    ("ttfb": the server has made the page, the body is still to come)."""
    async def step(user: User, run: Run) -> None:
        start, ok, length = time.perf_counter(), False, None
        try:
            async with user.http.get(path, allow_redirects=False, headers=headers) as response:
                run.record(f"{tag}-ttfb" if tag != "op" else "ttfb", start, response.status == status)
                body = await response.read()
                length = len(body)
                ok = response.status == status and (size is None or length == size)
                if not ok:
                    raise UnexpectedAnswer(f"GET {path.split('?')[0]}: {response.status}, {length} bytes")
        finally:
            run.record(tag, start, ok, length)
    return step


def refresh_step(meeting_id: int) -> Step:
    """The board's poll when nothing changed: GET …/board/changes?since=REV → 204."""
    async def step(user: User, run: Run) -> None:
        await get_step(f"/meetings/{meeting_id}/board/changes?since={user.revision}", 204,
                       headers=HX)(user, run)
    return step


def insert_step() -> Step:
    async def step(user: User, run: Run) -> None:
        user.n += 1
        start, ok = time.perf_counter(), False
        try:
            await user.text("POST", "/insert", 200, data={"text": f"Wpis pomiarowy {user.n}"})
            ok = True
        finally:
            run.record("op", start, ok)
    return step


def add_entry_step(meeting_id: int, sections: list[int]) -> Step:
    """What the board script sends for a typed entry (its outbox), with the revision the page has;
    the answer's #board-state gives the next one. User i writes in section i (mod count)."""
    async def step(user: User, run: Run) -> None:
        user.n += 1
        section = sections[user.index % len(sections)]
        text = f"Wpis pomiarowy {user.index}-{user.n} {uuid.uuid4().hex[:8]}"
        start, ok = time.perf_counter(), False
        try:
            body, _ = await user.text("POST", f"/meetings/{meeting_id}/board/entries", 200,
                                      headers={**HX, "X-CSRFToken": user.token}, data={
                                          "csrf_token": user.token, "section_id": str(section),
                                          "parent_id": "", "kind": "", "text": text,
                                          "client_key": uuid.uuid4().hex, "since": user.revision})
            found = REVISION.search(body)
            if text not in body or not found:
                raise UnexpectedAnswer("add entry: the answer does not show the entry")
            user.revision = found.group(1)
            ok = True
        finally:
            run.record("op", start, ok, len(body) if ok else None)
    return step


def room_idea_step(rooms: list[tuple[str, list[int]]], acknowledged: dict[str, str], pace: float = 0) -> Step:
    """A participant's phone sending an idea (the measured request: POST → 303) to its room
    (phone i is in room i mod the number of rooms: (code, its sections)); the first step of
    each phone opens the form for its session's token. ``pace``: seconds a participant takes
    to think of and type an idea, on average (each waits a random 0…2 × pace before sending,
    unmeasured, so that phones do not send in step; 0: as fast as the server answers).
    ``acknowledged`` gets client key → text of each idea the server acknowledged."""
    async def step(user: User, run: Run) -> None:
        code, sections = rooms[user.index % len(rooms)]
        if not user.token:
            page, _ = await user.text("GET", f"/r/{code}", 200)
            user.token = control_value(page, "csrf_token")
        if pace:
            await asyncio.sleep(random.uniform(0, 2 * pace))
        user.n += 1
        key, text = uuid.uuid4().hex, f"Pomysł z sali {user.index}-{user.n}"
        start, ok = time.perf_counter(), False
        try:
            await user.text("POST", f"/r/{code}", 303, data={
                "csrf_token": user.token, "client_key": key, "text": text, "website": "",
                "section": str(sections[(user.index // len(rooms)) % len(sections)])})
            acknowledged[key] = text
            ok = True
        finally:
            run.record("op", start, ok)
    return step


class Submission:
    """An NGO's visit to the public form: open it, send it (the measured request: POST →
    303), read the receipt; ``acknowledged`` gets organisation → receipt number once the
    receipt page shows it."""

    def __init__(self, slug: str, target: str, prefix: str, acknowledged: dict[str, str]):
        self.slug, self.target, self.prefix, self.acknowledged = slug, target, prefix, acknowledged
        self.path = f"/public/{slug}/remarks"

    async def open_form(self, user: User, run: Run) -> None:
        user.n += 1
        user.form = ("", {})
        start, ok = time.perf_counter(), False
        try:
            page, _ = await user.text("GET", self.path, 200)
            ok = True
        finally:
            run.record("form", start, ok)
        organisation = f"{self.prefix} {user.index}-{user.n}"
        user.form = (organisation, submission_data(control_value(page, "csrf_token"),
                                                   control_value(page, "form_key"),
                                                   organisation, self.target, user.n))

    async def send(self, user: User, run: Run) -> None:
        if not user.form[0]:
            raise UnexpectedAnswer("no form to send (opening it failed)")
        user.location = ""
        start, ok = time.perf_counter(), False
        try:
            _, answer = await user.text("POST", self.path, 303, data=user.form[1])
            user.location = answer.headers["Location"]
            ok = True
        finally:
            run.record("op", start, ok)

    async def read_receipt(self, user: User, run: Run) -> None:
        if not user.location:
            raise UnexpectedAnswer("no receipt to read (sending failed)")
        start, ok = time.perf_counter(), False
        try:
            receipt, _ = await user.text("GET", user.location, 200)
            number = RECEIPT.search(receipt)
            if not number:
                raise UnexpectedAnswer("receipt page without a receipt number")
            self.acknowledged[user.form[0]] = number.group(0)
            ok = True
        finally:
            run.record("receipt", start, ok)

    async def step(self, user: User, run: Run) -> None:
        cycle, ok = time.perf_counter(), False
        try:
            await self.open_form(user, run)
            await self.send(user, run)
            await self.read_receipt(user, run)
            ok = True
        finally:
            run.record("cycle", cycle, ok)


async def bursts(name: str, users: list[User], fire: Step, *, rounds: int, prepare: Step | None = None,
                 finish: Step | None = None, pause: float = 1.0,
                 during: Callable[[], None] | None = None) -> Run:
    """Every user sends ``fire`` at the same moment, ``rounds`` times; ``prepare`` (untimed
    as the operation: open the form, or the connection) and ``finish`` around each burst.
    Throughput = answers of the bursts / the time the bursts took."""
    run = Run(name, len(users), 0.0, 0.0)
    begin, busy = time.perf_counter(), 0.0

    async def guarded(step: Step, user: User) -> None:
        try:
            await step(user, run)
        except (TimeoutError, aiohttp.ClientError, UnexpectedAnswer, AssertionError) as exc:
            run.errors[str(exc) or type(exc).__name__] += 1

    cpu = time.process_time()
    for _ in range(rounds):
        if prepare:
            await asyncio.gather(*(guarded(prepare, u) for u in users))
        fired = time.perf_counter()
        await asyncio.gather(*(guarded(fire, u) for u in users))
        busy += time.perf_counter() - fired
        if finish:
            await asyncio.gather(*(guarded(finish, u) for u in users))
        if during:
            during()
        await asyncio.sleep(pause)
    run.window = (begin, time.perf_counter())
    run.busy_seconds = busy
    run.seconds = busy
    run.client_cpu = (time.process_time() - cpu) / (run.window[1] - begin)
    return run


async def change_seen(a: User, b: User, meeting_id: int, section: int, *, trials: int,
                      poll_interval: float, timeout: float = 10.0, rng=None) -> dict:
    """A adds an entry now and then; B polls …/board/changes?since=REV every
    ``poll_interval`` (the board script, static/js/board/sync.js: setInterval, a tick skipped
    while a poll is out). Delay =
    from A's acknowledged POST to B's first poll answer holding the entry's text."""
    import random

    rng = rng or random.Random(7)
    acked: dict[str, float] = {}
    seen: dict[str, float] = {}
    polls = Counter()
    done = asyncio.Event()

    async def poller() -> None:
        next_at = time.perf_counter()
        while not done.is_set():
            async with b.http.get(f"/meetings/{meeting_id}/board/changes?since={b.revision}",
                                  headers=HX) as response:
                body = (await response.read()).decode("utf-8", "replace")
                arrived = time.perf_counter()
                polls[response.status] += 1
            if response.status == 200:
                for text in pending:
                    if text not in seen and text in body:
                        seen[text] = arrived
                found = REVISION.search(body)
                if found:
                    b.revision = found.group(1)
            next_at += poll_interval
            while next_at < time.perf_counter():  # setInterval: a tick during a slow poll is lost
                next_at += poll_interval
            try:
                await asyncio.wait_for(done.wait(), max(0.0, next_at - time.perf_counter()))
            except TimeoutError:
                pass

    pending: list[str] = []
    delays: list[float] = []
    missed = 0

    async def writer() -> None:
        nonlocal missed
        for i in range(trials):
            await asyncio.sleep(rng.uniform(0.2, 1.2))  # any phase against B's polls
            text = f"Zmiana widoczna {i} {uuid.uuid4().hex[:8]}"
            pending.append(text)
            body, _ = await a.text("POST", f"/meetings/{meeting_id}/board/entries", 200,
                                   headers={**HX, "X-CSRFToken": a.token}, data={
                                       "csrf_token": a.token, "section_id": str(section),
                                       "parent_id": "", "kind": "", "text": text,
                                       "client_key": uuid.uuid4().hex, "since": a.revision})
            acked[text] = time.perf_counter()
            found = REVISION.search(body)
            if found:
                a.revision = found.group(1)
            deadline = acked[text] + timeout
            while text not in seen and time.perf_counter() < deadline:
                await asyncio.sleep(0.005)
            if text in seen:
                delays.append(max(0.0, seen[text] - acked[text]))  # B may see it before A's answer
            else:
                missed += 1
        done.set()

    await asyncio.gather(poller(), writer())
    ordered = sorted(delays)
    return {"trials": trials, "seen": len(delays), "missed": missed, "delays_s": delays,
            "p50_ms": percentile(ordered, 0.5) * 1000, "p95_ms": percentile(ordered, 0.95) * 1000,
            "p99_ms": percentile(ordered, 0.99) * 1000,
            "max_ms": (ordered[-1] * 1000) if ordered else math.nan,
            "poll_interval_s": poll_interval, "polls": dict(polls)}
