"""Load and faults: consult under gunicorn, NGO submitters and facilitators at once, workers
killed with SIGKILL mid-run, then a ledger of every acknowledged write to check against
the database.

Used by ``tests/test_load.py`` (bounded, in ``make test``) and by ``make soak`` (the same
test, longer, with more clients and more kills). Clients behave as the product's users do:
an NGO whose answer never came sends the same form again (same form key), a facilitator's
board retries an unsaved entry with the same client key, an editor resends the same text.
"""

from __future__ import annotations

import os
import random
import re
import signal
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import requests

# The gunicorn process runner is shared with scripts/bench (which must not import tests/);
# GUNICORN is imported from here by the tests that start a Server.
from consult.devtools.servers import GUNICORN, GunicornProcess  # noqa: F401
from tests.pages import control_value

REVISION = re.compile(r'id="board-state"[^>]*data-rev="(\d+)"')
RECEIPT = re.compile(r"[A-Z]{1,10}/\d{4}/\d{4}")
TIMEOUT = (5, 30)  # connect, read (seconds)


class Server(GunicornProcess):
    """gunicorn with the production settings (consult.gunicorn_conf) on a loopback port."""

    def __init__(self, database_url: str, instance: Path, *, workers: int, threads: int):
        self.workers = workers
        instance.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "DATABASE_URL": database_url, "CONSULT_INSTANCE_PATH": str(instance),
               "SECRET_KEY": "load-test-secret", "SUBMISSION_RATE_LIMIT": "100000 per minute",
               "LOGIN_ACCOUNT_LIMIT": "100000 per minute",
               "LOGIN_ADDRESS_LIMIT": "100000 per minute", "LOGIN_GLOBAL_LIMIT": "100000 per minute",
               "ROOM_DEVICE_LIMIT": "100000 per minute", "ROOM_MEETING_LIMIT": "100000 per minute"}
        for name in ("REDIS_URL", "MAIL_SERVER", "HTTPS", "PROXY_COUNT"):
            env.pop(name, None)
        super().__init__(["-c", "python:consult.gunicorn_conf", "--workers", str(workers),
                          "--threads", str(threads), "--access-logfile", "-", "consult:create_app()"],
                         env, instance / "gunicorn.log")

    def wait_ready(self, timeout: float = 60) -> None:
        """Until the page answers and every worker is up."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.tail()}")
            try:
                if (requests.get(self.url + "/login", timeout=2).status_code == 200
                        and len(self.worker_pids()) == self.workers):
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not come up in {timeout} s:\n{self.tail()}")

    def kill_worker(self) -> int:
        """SIGKILL one worker (no clean-up of any kind): the master must replace it."""
        pid = random.choice(self.worker_pids())
        os.kill(pid, signal.SIGKILL)
        return pid


@dataclass
class Ledger:
    """What the server acknowledged, and how the clients fared."""

    submissions: dict[str, str] = field(default_factory=dict)  # organisation → receipt number
    entries: dict[str, str] = field(default_factory=dict)  # client key → text now (last edit)
    entry_ids: dict[str, int] = field(default_factory=dict)  # client key → entry id
    ideas: dict[str, tuple[int, str]] = field(default_factory=dict)  # client key → (section, text) from the room
    statuses: Counter = field(default_factory=Counter)  # "POST 303", "GET 204", …
    broken: int = 0  # requests whose answer never came (connection reset, timeout)
    retried: int = 0  # writes sent again after a broken answer
    acknowledged_after_kill: int = 0
    kills: int = 0
    server_errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, method: str, status: int, url: str) -> None:
        with self.lock:
            self.statuses[f"{method} {status}"] += 1
            if status >= 500:
                self.server_errors.append(f"{method} {url} → {status}")


class Client:
    """One person's browser: cookies, and retries of what got no answer."""

    def __init__(self, base: str, ledger: Ledger, stop: threading.Event, killed: threading.Event):
        self.base, self.ledger, self.stop, self.killed = base, ledger, stop, killed
        self.http = requests.Session()

    def request(self, method: str, path: str, *, write: bool = False, **kwargs) -> requests.Response:
        """Send; when the answer does not come, send the very same request again (as the
        board's outbox or a person pressing "send" again does)."""
        for attempt in range(8):
            try:
                response = self.http.request(method, self.base + path, timeout=TIMEOUT,
                                             allow_redirects=False, **kwargs)
            except requests.RequestException:
                with self.ledger.lock:
                    self.ledger.broken += 1
                    self.ledger.retried += int(write)
                time.sleep(min(0.1 * 2 ** attempt, 2))
                continue
            self.ledger.count(method, response.status_code, path)
            if write and response.status_code < 400 and self.killed.is_set():
                with self.ledger.lock:
                    self.ledger.acknowledged_after_kill += 1
            return response
        raise RuntimeError(f"{method} {path}: no answer after 8 attempts")


class Submitter(Client):
    """An NGO: opens the public form, sends one remark, reads its receipt; again and again."""

    def __init__(self, *args, slug: str, target: str, name: str):
        super().__init__(*args)
        self.slug, self.target, self.name = slug, target, name

    def run(self) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            organisation = f"{self.name} nr {n}"
            page = self.request("GET", f"/public/{self.slug}/remarks").text
            data = {"csrf_token": control_value(page, "csrf_token"), "form_key": control_value(page, "form_key"),
                    "organisation": organisation, "legal_form": "association", "krs": "0000123456",
                    "address": "ul. Floriańska 1, Kraków", "contact_person": "Anna Nowak",
                    "email": "anna@example.org" if n % 2 else "", "phone": "" if n % 2 else "12 345 67 89",
                    "remarks-0-target": self.target, "remarks-0-remark": f"Uwaga {organisation}",
                    "clause": "y", "website": ""}
            answer = self.request("POST", f"/public/{self.slug}/remarks", data=data, write=True)
            if answer.status_code != 303:
                continue  # counted; anything but 303 is not an acknowledgement
            receipt = self.request("GET", answer.headers["Location"])
            number = RECEIPT.search(receipt.text)
            if receipt.status_code == 200 and number:
                with self.ledger.lock:
                    self.ledger.submissions[organisation] = number.group(0)


class Participant(Client):
    """Someone in the room with a phone: opens the short link, sends an idea, again and again
    (each send is acknowledged by the redirect back to the form)."""

    def __init__(self, *args, code: str, sections: list[int], name: str):
        super().__init__(*args)
        self.code, self.sections, self.name = code, sections, name

    def run(self) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            page = self.request("GET", f"/r/{self.code}").text
            key, section = control_value(page, "client_key"), random.choice(self.sections)
            text = f"{self.name} pomysł {n}"
            answer = self.request("POST", f"/r/{self.code}", write=True, data={
                "csrf_token": control_value(page, "csrf_token"), "client_key": key, "section": section,
                "text": text, "website": ""})
            if answer.status_code == 303:
                with self.ledger.lock:
                    self.ledger.ideas[key] = (section, text)


class Facilitator(Client):
    """A facilitator at the board: adds entries, edits some of them, polls for others'."""

    def __init__(self, *args, meeting_id: int, sections: list[int], email: str, password: str,
                 name: str):
        super().__init__(*args)
        self.meeting_id, self.sections, self.name = meeting_id, sections, name
        self.email, self.password = email, password
        self.mine: list[tuple[str, int]] = []  # (client key, entry id)

    def login(self) -> None:
        page = self.request("GET", "/login").text
        answer = self.request("POST", "/login", data={
            "csrf_token": control_value(page, "csrf_token"), "email": self.email, "password": self.password})
        assert answer.status_code == 303, f"login of {self.email}: {answer.status_code}"

    def run(self) -> None:
        self.login()
        board = self.request("GET", f"/meetings/{self.meeting_id}/board").text
        token = control_value(board, "csrf_token")
        revision = int(REVISION.search(board).group(1))
        htmx = {"HX-Request": "true"}
        base = f"/meetings/{self.meeting_id}"
        n = 0
        while not self.stop.is_set():
            n += 1
            if n % 3 == 0 and self.mine:  # edit one of my entries (a retry resends the same text)
                key, entry_id = random.choice(self.mine)
                fragment = self.request("GET", f"{base}/entries/{entry_id}", headers=htmx).text
                tag = re.search(rf'<li id="entry-{entry_id}"[^>]*>', fragment).group(0)
                found = re.search(r'data-version="(\d+)"', tag)  # absent: version 1
                version = found.group(1) if found else "1"
                text = f"{self.ledger.entries[key]} (poprawka {n})"
                answer = self.request("POST", f"{base}/entries/{entry_id}", write=True, headers=htmx,
                                      data={"csrf_token": token, "text": text, "version": version})
                if answer.status_code == 200:
                    with self.ledger.lock:
                        self.ledger.entries[key] = text
            else:
                key, text = uuid.uuid4().hex, f"{self.name} wpis {n}"
                answer = self.request("POST", f"{base}/board/entries", write=True, headers=htmx, data={
                    "csrf_token": token, "section_id": random.choice(self.sections), "text": text,
                    "client_key": key})
                if answer.status_code == 200:
                    found = re.search(rf'<li id="entry-(\d+)"[^>]*>\s*<div class="entry__body">'
                                      rf'(?:(?!</li>).)*?<span class="entry__text">{re.escape(text)}</span>',
                                      answer.text, re.S)
                    assert found, f"the answer to adding {text!r} does not show it"
                    with self.ledger.lock:
                        self.ledger.entries[key] = text
                        self.ledger.entry_ids[key] = int(found.group(1))
                    self.mine.append((key, int(found.group(1))))
            poll = self.request("GET", f"{base}/board/changes?since={revision}", headers=htmx)
            seen = REVISION.search(poll.text) if poll.status_code == 200 else None
            if seen:
                revision = int(seen.group(1))


@dataclass
class Plan:
    seconds: float = 15.0
    workers: int = 3
    threads: int = 2
    submitters: int = 4
    facilitators: int = 3
    participants: int = 3
    kills: int = 1
    # Kill again (a second apart, up to this many in all) until a write lost its answer, so
    # that the retry of an interrupted write is exercised, not only of reads.
    max_kills: int = 4


def drive(server: Server, plan: Plan, *, slug: str, target: str, meeting_id: int,
          sections: list[int], facilitators: list[tuple[str, str]], room_code: str | None = None,
          log=print) -> Ledger:
    """Run the clients for ``plan.seconds``, killing a worker ``plan.kills`` times spread
    over the run (never in the first or last fifth), and wait until the master has
    replaced each. Returns the ledger."""
    ledger, stop, killed = Ledger(), threading.Event(), threading.Event()
    clients: list[Client] = [
        Submitter(server.url, ledger, stop, killed, slug=slug, target=target, name=f"Stowarzyszenie {i}")
        for i in range(plan.submitters)]
    for i in range(plan.facilitators):  # several may share an account, as on two laptops
        email, password = facilitators[i % len(facilitators)]
        clients.append(Facilitator(server.url, ledger, stop, killed, meeting_id=meeting_id,
                                   sections=sections, email=email, password=password, name=f"F{i}"))
    if room_code:
        clients += [Participant(server.url, ledger, stop, killed, code=room_code, sections=sections,
                                name=f"Telefon {i}") for i in range(plan.participants)]
    failures: list[BaseException] = []

    def run(client: Client) -> None:
        try:
            client.run()
        except BaseException as exc:  # noqa: BLE001 - reported by the caller
            failures.append(exc)
            stop.set()

    threads = [threading.Thread(target=run, args=(c,), daemon=True) for c in clients]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    def kill() -> None:
        pid = server.kill_worker()
        killed.set()
        ledger.kills += 1
        log(f"  {time.monotonic() - started:5.1f} s: SIGKILL worker {pid}")

    for k in range(plan.kills):
        at = plan.seconds * (0.2 + 0.6 * (k + 0.5) / plan.kills)
        stop.wait(max(0.0, started + at - time.monotonic()))
        if stop.is_set():
            break
        kill()
    for _ in range(plan.max_kills - plan.kills):
        stop.wait(1.5)  # the answers cut off by the last kill are retried by then
        if stop.is_set() or ledger.retried or time.monotonic() > started + 0.8 * plan.seconds:
            break
        kill()
    stop.wait(max(0.0, started + plan.seconds - time.monotonic()))
    stop.set()
    for thread in threads:
        thread.join(timeout=90)
    if failures:
        raise failures[0]
    deadline = time.monotonic() + 60
    while len(server.worker_pids()) != plan.workers and time.monotonic() < deadline:
        time.sleep(0.2)
    return ledger
