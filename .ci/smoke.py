"""Smoke check of `make run`: log in with a printed demo account and read the 2018 meeting.

Usage: python .ci/smoke.py BASE_URL LOG_FILE   (LOG_FILE holds what `make run` printed)
"""

import html
import http.cookiejar
import re
import sys
import urllib.parse
import urllib.request

base, log_path = sys.argv[1], sys.argv[2]
log = open(log_path, encoding="utf-8").read()
email, password = re.search(r"(admin@consult\.example) / (\S+)", log).groups()
meeting_id = re.search(r"^Id of the demo meeting: (\d+)$", log, re.M).group(1)

opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
login_page = opener.open(f"{base}/login").read().decode()
token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page).group(1)
form = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": password}).encode()
opener.open(f"{base}/login", data=form)
page = html.unescape(opener.open(f"{base}/meetings/{meeting_id}").read().decode())
text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
expected = [
    "25 maja 2018 r.",
    "1. Płaszczyzna – Tworzenie polityk publicznych",
    "Kluczowa jest wzajemna otwartość obu stron",
    "Strona Magiczny Kraków słabo funkcjonuje.",
    "III.2 Współdziałanie na rzecz wzmacniania marki Miasta Literatury",
    "Opracowanie: Ewa Chromniak",
]
positions = [text.find(e) for e in expected]
missing = [e for e, p in zip(expected, positions, strict=True) if p < 0]
if missing or positions != sorted(positions):
    sys.exit(f"the demo meeting does not read as expected: missing {missing}, positions {positions}")
print(f"smoke: logged in as {email}, meeting {meeting_id} reads like the 2018 summary")

# The demo publishes version 1 of the summary; the consultation is public: anyone downloads it.
anonymous = urllib.request.build_opener()
response = anonymous.open(f"{base}/meetings/{meeting_id}/summary/latest.pdf")
pdf, etag = response.read(), response.headers["ETag"]
if not pdf.startswith(b"%PDF-") or not etag:
    sys.exit("the published demo summary is not downloadable")
request = urllib.request.Request(f"{base}/meetings/{meeting_id}/summary/latest.pdf",
                                 headers={"If-None-Match": etag})
try:
    anonymous.open(request)
    sys.exit("a download with the current ETag did not answer 304")
except urllib.error.HTTPError as exc:
    if exc.code != 304:
        raise
print(f"smoke: the published demo summary downloads anonymously ({len(pdf)} bytes, ETag {etag}, 304 again)")
