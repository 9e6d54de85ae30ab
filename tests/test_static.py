"""Front-end assets come from the app itself: htmx from its npm package, no CDN."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_pages_load_no_third_party_resources(client):
    page = client.get("/login").get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources
    assert all(s.startswith("/") or s.startswith("#") for s in sources), sources
    assert '/static/vendor/htmx.min.js' in page


def test_htmx_is_served_from_static_at_the_pinned_version(client):
    installed = ROOT / "static" / "vendor" / "htmx.min.js"
    if not installed.exists():
        pytest.skip("htmx not installed: npm was not available during set-up")
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]["htmx.org"]
    locked = json.loads((ROOT / "package-lock.json").read_text())["packages"]["node_modules/htmx.org"]
    assert locked["version"] == pinned
    response = client.get("/static/vendor/htmx.min.js")
    assert response.status_code == 200
    assert f'version:"{pinned}"' in response.get_data(as_text=True).replace(" ", "")
