"""Login limits (issue 15, findings 1–3): one spelling of an account, attempts counted
before the password is checked, limits per client address and for the whole site, and no
lockout of the owner by a stranger."""

from __future__ import annotations

import threading
import uuid

import pytest
import requests

from consult.core.enums import Role
from tests.conftest import PASSWORD, Client, serving
from tests.pages import control_value

WRONG = "not the password"


def from_address(app, address: str) -> Client:
    """A browser at another client address."""
    app.test_client_class = Client
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


# Finding 1: one identity ---------------------------------------------------------------------


def test_every_spelling_of_an_e_mail_is_the_same_account_for_the_limit(app, client, admin):
    app.config["LOGIN_ACCOUNT_LIMIT"] = "3 per minute"
    for spelling in ("adm\x00in@example.org", "ad\x00min@example.org", " ADMIN@example.org\t"):
        assert client.login(spelling, WRONG).status_code == 422
    # The fourth guess, in yet another spelling, is not checked.
    refused = client.login("admin\x00@example.org", WRONG)
    assert refused.status_code == 429
    assert "Za dużo nieudanych logowań na to konto" in refused.get_data(as_text=True)
    # Not even the right password gets in from this address now.
    assert client.login("a\x00dmin@example.org", PASSWORD).status_code == 429


def test_a_spelling_that_logs_in_is_the_one_that_is_counted(app, admin):
    from consult.auth.services import authenticate, login_identity

    for spelling in ("\x00Admin@Example.org ", "ad\x00min@example.org", "ADMIN@EXAMPLE.ORG"):
        assert login_identity(spelling) == "admin@example.org"
        assert authenticate(spelling, PASSWORD).id == admin.id


# Finding 2: counted before the password is checked -------------------------------------------


def test_parallel_wrong_passwords_are_counted_before_they_are_checked(app, admin):
    app.config["LOGIN_ACCOUNT_LIMIT"] = "10 per minute"
    statuses: list[int] = []
    lock = threading.Lock()
    with serving(app) as url:
        sessions = []
        for _ in range(30):  # 30 browsers, each with its form and token ready
            session = requests.Session()
            token = control_value(session.get(f"{url}/login", timeout=30).text, "csrf_token")
            sessions.append((session, token))
        start = threading.Barrier(30)

        def guess(session, token):
            start.wait()
            response = session.post(f"{url}/login", data={
                "csrf_token": token, "email": "admin@example.org", "password": WRONG},
                allow_redirects=False, timeout=60)
            with lock:
                statuses.append(response.status_code)

        threads = [threading.Thread(target=guess, args=pair) for pair in sessions]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert len(statuses) == 30
    # Checked (and wrong): the ten of the limit — and at most the one attempt that an
    # address with no unsuccessful attempt on a locked account may make (the owner's way in).
    assert statuses.count(422) in (10, 11)
    assert statuses.count(429) == 30 - statuses.count(422)  # refused unchecked


# Finding 3: per address, site-wide, and no lockout of the owner ----------------------------


def test_password_spraying_from_one_address_is_limited(app, make):
    app.config["LOGIN_ADDRESS_LIMIT"] = "20 per minute"
    for n in range(40):
        make.user(Role.FACILITATOR, email=f"spray{n}@example.org")
    attacker = from_address(app, "203.0.113.9")
    statuses = [attacker.login(f"spray{n}@example.org", WRONG).status_code for n in range(40)]
    assert statuses == [422] * 20 + [429] * 20
    page = attacker.login("spray0@example.org", PASSWORD)
    assert page.status_code == 429
    assert "Za dużo prób logowania z tego adresu" in page.get_data(as_text=True)
    assert int(page.headers["Retry-After"]) > 0
    # Everyone else is unaffected.
    assert from_address(app, "198.51.100.7").login("spray0@example.org").status_code == 303


def test_an_ipv6_network_counts_as_one_address(app, make):
    app.config["LOGIN_ADDRESS_LIMIT"] = "3 per minute"
    make.user(Role.FACILITATOR, email="six@example.org")
    for host in ("2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:abcd::3"):
        assert from_address(app, host).login("six@example.org", WRONG).status_code == 422
    assert from_address(app, "2001:db8:1:2::ffff").login("six@example.org").status_code == 429
    assert from_address(app, "2001:db8:1:3::1").login("six@example.org").status_code == 303


def test_a_stranger_cannot_lock_the_owner_out(app, admin):
    app.config["LOGIN_ACCOUNT_LIMIT"] = "10 per minute"
    attacker = from_address(app, "203.0.113.9")
    for _ in range(10):
        assert attacker.login("admin@example.org", WRONG).status_code == 422
    assert attacker.login("admin@example.org", WRONG).status_code == 429
    assert attacker.login("admin@example.org", PASSWORD).status_code == 429  # locked for it
    # The owner, from an address that made no mistake, still logs in.
    owner = from_address(app, "198.51.100.7")
    assert owner.login("admin@example.org", PASSWORD).status_code == 303
    assert owner.get("/consultations/").status_code == 200
    # A second stranger gets one guess, then is locked out like the first.
    other = from_address(app, "192.0.2.44")
    assert other.login("admin@example.org", WRONG).status_code == 422
    assert other.login("admin@example.org", PASSWORD).status_code == 429


def test_the_site_wide_limit_locks_addresses_that_guess(app, make):
    app.config["LOGIN_GLOBAL_LIMIT"] = "5 per minute"
    for n in range(6):
        make.user(Role.FACILITATOR, email=f"site{n}@example.org")
    for n in range(5):  # a distributed guess: every address new, every account new
        assert from_address(app, f"203.0.113.{n + 1}").login(
            f"site{n}@example.org", WRONG).status_code == 422
    # The site is over its limit: an address that has guessed wrong waits…
    assert from_address(app, "203.0.113.1").login("site5@example.org").status_code == 429
    # …an address without mistakes still gets in.
    assert from_address(app, "198.51.100.7").login("site5@example.org").status_code == 303


def test_with_redis_every_worker_counts_together(migrated, tmp_path, redis_url, make):
    from consult.extensions import db
    from tests.conftest import make_app

    email = f"redis-{uuid.uuid4().hex[:8]}@example.org"
    make.user(Role.FACILITATOR, email=email)
    db.session.commit()
    limits = {"RATELIMIT_STORAGE_URI": redis_url, "LOGIN_ACCOUNT_LIMIT": "4 per minute"}
    workers = [make_app(migrated, tmp_path / f"instance{n}", **limits) for n in range(2)]
    statuses = []
    for n in range(6):  # alternately on two workers, from one address
        statuses.append(from_address(workers[n % 2], "203.0.113.77").login(email, WRONG).status_code)
    assert statuses == [422] * 4 + [429] * 2
    for worker in workers:
        with worker.app_context():
            db.engine.dispose()


@pytest.mark.parametrize("remote", ["", "not an address", "fe80::1%eth0"])
def test_odd_client_addresses_do_not_break_the_login(app, admin, remote):
    assert from_address(app, remote).login("admin@example.org").status_code == 303
