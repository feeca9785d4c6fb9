"""Smoke test: the app's root page loads in a real browser and renders."""

from helpers import open_page, shot


def test_home_renders(page, app_server):
    open_page(page, app_server)
    app = page.locator('[data-testid="stApp"]')
    assert app.is_visible()
    assert page.title().strip(), "the page has no title"
    # The first run produced something on the page (not a blank shell).
    assert page.locator('[data-testid="stMain"]').inner_text().strip(), "the main area is empty"
    path = shot(page, "home")
    assert path.is_file() and path.stat().st_size > 0
