"""Take the README's pictures of the checkout form with headless Chromium.

Run from the checkout: `python docs/make_screenshots.py` (needs /usr/bin/chromium and the test
extra). Writes docs/checkout-form.png (a form with one problem shown next to its field) and
docs/checkout-sheet.png (the sheet as the browser shows it after "Show sheet").
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import sync_playwright

from esi_docs.inputs.clinic import load_clinic
from esi_docs.web import create_app
from esi_docs.web.local import serving

DOCS = Path(__file__).resolve().parent
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def fill(page, dob: str) -> None:
    page.fill("#name", "Maria Example")
    page.fill("#dob", dob)
    page.fill("#mrn", "0012345")
    page.fill("#procedure_time", "09:30")
    page.select_option("#approach", "transforaminal")
    page.select_option("#region", "lumbar")
    page.check("#diabetic-true")
    page.check("#sedation-false")
    page.select_option("#blood_thinner", "Eliquis")
    page.select_option("#blood_thinner_held", "all")
    if page.locator("#operator").count():
        page.fill("#operator", "R. Nurse")


def main() -> None:
    with serving(create_app(load_clinic(None))) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1000, "height": 980}, locale="en-US")
        page.goto(url + "/")
        fill(page, "1961-02-30")
        with page.expect_navigation():
            page.click("#show-sheet")
        page.screenshot(path=DOCS / "checkout-form.png", full_page=True)
        fill(page, "1961-04-12")
        with page.expect_navigation():
            page.click("#show-sheet")
        page.wait_for_timeout(2000)  # the PDF viewer draws after the navigation
        page.screenshot(path=DOCS / "checkout-sheet.png")
        browser.close()


if __name__ == "__main__":
    main()
