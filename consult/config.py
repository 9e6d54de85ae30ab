"""Configuration, read from the environment.

``create_app(config)`` accepts a mapping that overrides anything here (tests use it).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        # Accept the common "postgres://" / "postgresql://" spellings and use psycopg 3.
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://"):]
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return url
    return f"sqlite:///{instance_path / 'consult.sqlite3'}"


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else generated once into instance/secret_key."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = instance_path / "secret_key"
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    key = secrets.token_hex(32)
    # O_EXCL: when two processes start at once, exactly one writes the key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key)
    return key


def load_config(instance_path: Path) -> dict:
    """Defaults for a development or production deployment, from environment variables."""
    https = os.environ.get("HTTPS", os.environ.get("SESSION_COOKIE_SECURE", "")) == "1"
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BABEL_DEFAULT_LOCALE": "pl",
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("CONSULT_TIMEZONE", "Europe/Warsaw"),
        "LANGUAGES": ["pl", "en"],
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Served over HTTPS (behind a TLS proxy): secure cookies, HSTS, http → https.
        "HTTPS": https,
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        "SESSION_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_SECURE": https,
        # How many reverse proxies (nginx, a load balancer) stand before the app: their
        # X-Forwarded-For/-Proto/-Host are then trusted (client address, https). 0: none.
        "PROXY_COUNT": int(os.environ.get("PROXY_COUNT", "0")),
        # The address the site is reached at (https://konsultacje.krakow.pl): every link that
        # leaves the site (e-mails, permanent links) is built on it, never on the request's
        # Host. Required with HTTPS=1; in development the request's address is used.
        "PUBLIC_URL": os.environ.get("PUBLIC_URL") or None,
        # Host names the site answers to (others get 400); by default PUBLIC_URL's host, or
        # localhost and 127.0.0.1 in development. Comma-separated.
        "TRUSTED_HOSTS": [h.strip() for h in os.environ["TRUSTED_HOSTS"].split(",") if h.strip()]
        if os.environ.get("TRUSTED_HOSTS") else None,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # Staff logins (consult.auth.sessions): logged out after this long without a request
        # (an open capture board counts as use), and at the latest after SESSION_MAX_HOURS;
        # "remember me" keeps a login on its device for REMEMBER_DAYS.
        "SESSION_IDLE_MINUTES": int(os.environ.get("SESSION_IDLE_MINUTES", "60")),
        "SESSION_MAX_HOURS": int(os.environ.get("SESSION_MAX_HOURS", "12")),
        "REMEMBER_DAYS": int(os.environ.get("REMEMBER_DAYS", "14")),
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        # Documents of a consultation uploaded by staff (PDF, DOCX).
        "DOCUMENT_MAX_BYTES": 15 * 1024 * 1024,
        "DOCUMENT_MAX_UNPACKED_BYTES": int(os.environ.get("DOCUMENT_MAX_UNPACKED_BYTES", 100 * 1024 * 1024)),
        # Background rendering: RQ on this Redis when set, else a thread of the web process.
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        # Drafts whose HTML is at most this many KB render inside their request (about a
        # second: 64 KB is some 250 entries of the 2018 kind); larger ones, and every
        # publication, render as background jobs — in a child process limited to
        # RENDER_TIMEOUT_SECONDS (of CPU and of the clock) and RENDER_MEMORY_MB of memory.
        "RENDER_INLINE_MAX_KB": int(os.environ.get("RENDER_INLINE_MAX_KB", "64")),
        # Days after the end of submissions by which the consultation's report is due (the
        # city's resolution says how many; its page counts them down).
        "REPORT_DUE_DAYS": int(os.environ.get("REPORT_DUE_DAYS", "30")),
        # The city's minimums for a consultation, which its page warns about (Kraków: the
        # announcement a week ahead, three weeks of remarks, at least three forms).
        "NOTICE_MIN_DAYS": int(os.environ.get("NOTICE_MIN_DAYS", "7")),
        "CONSULTATION_MIN_DAYS": int(os.environ.get("CONSULTATION_MIN_DAYS", "21")),
        "CONSULTATION_MIN_METHODS": int(os.environ.get("CONSULTATION_MIN_METHODS", "3")),
        "RENDER_TIMEOUT_SECONDS": int(os.environ.get("RENDER_TIMEOUT_SECONDS", "600")),
        "RENDER_MEMORY_MB": int(os.environ.get("RENDER_MEMORY_MB", "1536")),
        # Published files kept in memory per process after their first download (MB).
        "PUBLICATION_CACHE_MB": int(os.environ.get("PUBLICATION_CACHE_MB", "32")),
        # E-mail (receipts of NGO submissions): SMTP when MAIL_SERVER is set, else files in
        # instance/outbox/.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "587")),
        "MAIL_USE_TLS": os.environ.get("MAIL_USE_TLS", "1") == "1",
        "MAIL_USE_SSL": os.environ.get("MAIL_USE_SSL", "") == "1",
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "consult <no-reply@consult.invalid>"),
        # Who runs this site: named in the accessibility statement and the personal data page.
        "SITE_OWNER": os.environ.get("SITE_OWNER", "Urząd Miasta Krakowa"),
        "SITE_OWNER_ADDRESS": os.environ.get("SITE_OWNER_ADDRESS",
                                             "pl. Wszystkich Świętych 3-4, 31-004 Kraków"),
        "DATA_PROTECTION_OFFICER": os.environ.get("DATA_PROTECTION_OFFICER") or None,  # e-mail
        # The accessibility statement (ustawa o dostępności cyfrowej): who answers for it, and
        # when the site was published and the statement last reviewed (YYYY-MM-DD).
        "ACCESSIBILITY_CONTACT": os.environ.get("ACCESSIBILITY_CONTACT") or None,  # a name
        "ACCESSIBILITY_EMAIL": os.environ.get("ACCESSIBILITY_EMAIL") or None,
        "ACCESSIBILITY_PHONE": os.environ.get("ACCESSIBILITY_PHONE") or None,
        "ACCESSIBILITY_PUBLISHED": os.environ.get("ACCESSIBILITY_PUBLISHED", "2026-11-23"),
        "ACCESSIBILITY_REVIEWED": os.environ.get("ACCESSIBILITY_REVIEWED", "2026-11-23"),
        # Limits (consult.core.limits): counted in Redis when there is one, so that every
        # web worker counts together; in memory (per process) otherwise.
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL") or "memory://",
        # Logins (consult.auth.limits), each attempt counted before its password is checked.
        # Per account (LOGIN_RATE_LIMIT is its former name) and for the whole site: over
        # them, only addresses without a wrong password in the last LOGIN_FAILURE_MINUTES
        # may still try. Per client address: over it, that address waits.
        "LOGIN_ACCOUNT_LIMIT": os.environ.get("LOGIN_ACCOUNT_LIMIT")
        or os.environ.get("LOGIN_RATE_LIMIT", "10 per minute; 50 per hour"),
        "LOGIN_ADDRESS_LIMIT": os.environ.get("LOGIN_ADDRESS_LIMIT", "30 per minute; 200 per hour"),
        "LOGIN_GLOBAL_LIMIT": os.environ.get("LOGIN_GLOBAL_LIMIT", "300 per minute; 3000 per hour"),
        "LOGIN_FAILURE_MINUTES": int(os.environ.get("LOGIN_FAILURE_MINUTES", "15")),
        # E-mails that anyone can make the site send (receipts) per recipient address.
        "MAIL_RECIPIENT_LIMIT": os.environ.get("MAIL_RECIPIENT_LIMIT", "3 per hour; 10 per day"),
        # All the text of one public submission together (characters): some 30 pages.
        "SUBMISSION_TEXT_MAX": int(os.environ.get("SUBMISSION_TEXT_MAX", "60000")),
        # Public submissions per client address.
        "SUBMISSION_RATE_LIMIT": os.environ.get("SUBMISSION_RATE_LIMIT", "30 per 10 minutes; 120 per hour"),
        # Registrations for meetings per client address (a room of people on one Wi-Fi).
        "REGISTRATION_RATE_LIMIT": os.environ.get("REGISTRATION_RATE_LIMIT", "20 per 10 minutes; 100 per day"),
        # Ideas sent from the room (consult.room) per phone and per meeting.
        "ROOM_DEVICE_LIMIT": os.environ.get("ROOM_DEVICE_LIMIT", "5 per minute; 40 per hour"),
        "ROOM_MEETING_LIMIT": os.environ.get("ROOM_MEETING_LIMIT", "120 per minute; 1500 per hour"),
        # An organisation asking for its tracking link again, per client address.
        "TRACKING_LINK_LIMIT": os.environ.get("TRACKING_LINK_LIMIT", "5 per 10 minutes; 20 per day"),
        # Staff password reset (consult.auth.passwords): a link lives this many minutes and
        # is used once; requests are limited per client address (an office behind one address
        # shares it) and per account named (whether or not it exists: the answer is the same).
        "PASSWORD_RESET_MINUTES": int(os.environ.get("PASSWORD_RESET_MINUTES", "60")),
        "PASSWORD_RESET_ADDRESS_LIMIT": os.environ.get("PASSWORD_RESET_ADDRESS_LIMIT",
                                                       "10 per 10 minutes; 50 per day"),
        "PASSWORD_RESET_ACCOUNT_LIMIT": os.environ.get("PASSWORD_RESET_ACCOUNT_LIMIT",
                                                       "3 per hour; 6 per day"),
    }
