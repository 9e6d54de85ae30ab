"""Secrets of private links (a tracking page, a password reset, a registration, a review):
only their sha256 is stored, so a copy of the database opens none of them."""

from __future__ import annotations

import hashlib


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
