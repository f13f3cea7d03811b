"""Reader journeys in a real browser, each step named so a failure says where it broke."""

import re

import pytest
from django.urls import Resolver404, resolve
from playwright.sync_api import expect

from .helpers import SEED_TITLE, step

A_Z_URL = "/articles/"


def a_z_index_exists():
    """Whether the site serves the A-Z index at /articles/ (until then: home → article)."""
    try:
        resolve(A_Z_URL)
    except Resolver404:
        return False
    return True


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript-on", "javascript-off"])
def test_reader_reaches_the_four_treatment_options_from_the_home_page(new_page, seeded, javascript):
    """Journey 1: home → A-Z index → seed article → TOC "Treatment Options" → its four bullets.

    Reading needs no JavaScript, so the journey runs with it on and off.
    """
    page = new_page(java_script_enabled=javascript)
    with step("open the home page"):
        page.goto("/")
        expect(page.get_by_role("heading", name="Latest articles")).to_be_visible()

    if a_z_index_exists():
        with step("go to the A-Z index from the home page"):
            page.locator(f'a[href="{A_Z_URL}"]').first.click()
            expect(page).to_have_url(re.compile(re.escape(A_Z_URL) + "$"))

    with step("open the seed article"):
        page.get_by_role("link", name=SEED_TITLE).first.click()
        expect(page).to_have_url(re.compile(re.escape(seeded.get_absolute_url()) + "$"))
        expect(page.get_by_role("heading", level=1)).to_have_text(SEED_TITLE)

    with step('follow the table-of-contents link "Treatment Options"'):
        toc = page.get_by_role("navigation", name="On this page")
        toc.get_by_role("link", name="Treatment Options").click()
        expect(page).to_have_url(re.compile("#treatment-options$"))
        section = page.locator("section#treatment-options")
        expect(section.get_by_role("heading", name="Treatment Options")).to_be_in_viewport()

    with step("see the four treatment bullets"):
        bullets = section.get_by_role("listitem")
        expect(bullets).to_have_count(4)
        for bullet in bullets.all():
            expect(bullet).to_be_visible()
        expect(bullets).to_contain_text(
            [
                "Physical therapy",
                "Medications",
                "Extracorporeal shockwave therapy",
                "Calcitonin injections",
            ]
        )


def test_a_broken_journey_step_fails_with_the_name_of_the_step(page, seeded):
    """A step whose button is gone fails fast, and the failure names the step."""
    page.goto(seeded.get_absolute_url())
    with (
        pytest.raises(AssertionError, match="Journey step failed: press the rate button"),
        step("press the rate button"),
    ):
        page.get_by_role("button", name="No such button").click(timeout=300)
