"""Browser tests of the capture board (Chromium through Playwright)."""
