"""Addresses that leave the site (in e-mails, shown to be copied): always from PUBLIC_URL.

A link built from the request would take its host from the ``Host`` (or, behind a proxy,
``X-Forwarded-Host``) header — which whoever sends the request chooses. So every external
address is built on the configured base address; only in development, without
``PUBLIC_URL``, does it fall back to the address the request came to.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, url_for


class PublicUrlError(ValueError):
    """PUBLIC_URL is missing where it is required, or not an address."""


def check_public_url(url: str | None, https: bool) -> str | None:
    """The configured base address, normalised (no trailing slash); refuses a bad one."""
    if not url:
        if https:
            raise PublicUrlError(
                "PUBLIC_URL is required with HTTPS=1: the address the site is reached at, "
                "e.g. PUBLIC_URL=https://konsultacje.krakow.pl (links in e-mails are built on it)")
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise PublicUrlError(f"PUBLIC_URL must be an http(s) address without query, e.g. "
                             f"https://konsultacje.krakow.pl, not {url!r}")
    if https and parts.scheme != "https":
        raise PublicUrlError("PUBLIC_URL must start with https:// when HTTPS=1")
    return url.rstrip("/")


def public_host(url: str | None) -> str | None:
    return urlsplit(url).hostname if url else None


def external_url(endpoint: str, **values) -> str:
    """The full address of ``endpoint`` for a reader outside the site."""
    base = current_app.config.get("PUBLIC_URL")
    if not base:  # development only: HTTPS=1 requires PUBLIC_URL (checked at start)
        return url_for(endpoint, _external=True, **values)
    parts = urlsplit(base)
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/",
                                       url_scheme=parts.scheme)
    return adapter.build(endpoint, values, force_external=True)


def site_url() -> str:
    """The site's own address (the accessibility statement names it)."""
    return external_url("index")


def background_context():
    """A request context for work done outside a request (a job, the command line), on the
    site's own address: the links it builds point there, and the host check (TRUSTED_HOSTS,
    which follows PUBLIC_URL) lets it through — a context on "localhost" would be refused."""
    base = current_app.config.get("PUBLIC_URL")
    return current_app.test_request_context(base_url=base) if base else current_app.test_request_context()
