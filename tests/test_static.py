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


def test_the_board_script_is_small_modules_that_take_their_addresses_from_the_page():
    """static/js/board/: ES modules (loaded as type=module), each under 300 lines, and no
    address of the app typed into them nor made by replacing a part of another (they read
    data-* attributes rendered with url_for)."""
    modules = sorted((ROOT / "static" / "js" / "board").glob("*.js"))
    assert len(modules) >= 5
    for module in modules:
        source = module.read_text("utf-8")
        assert len(source.splitlines()) < 300, module.name
        for typed in ('"/login', "'/login", '"/csrf-token', "'/csrf-token", "/meetings/", ".replace(/\\/"):
            assert typed not in source, f"{module.name} has {typed!r}"
    assert not (ROOT / "static" / "js" / "capture.js").exists()


def test_the_board_loads_its_script_as_a_module(app, make, login_as):
    from consult.core.enums import Role

    facilitator = make.user(Role.FACILITATOR)
    meeting = make.meeting(make.consultation(facilitators=[facilitator]))
    page = login_as(facilitator).get(f"/meetings/{meeting.id}/board").get_data(as_text=True)
    assert '<script type="module" src="/static/js/board/main.js' in page
    assert 'data-login-url="/login' in page and 'data-token-url="/csrf-token"' in page
