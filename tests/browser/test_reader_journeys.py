"""Reader journeys in a real browser, each step named so a failure says where it broke."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .helpers import SEED_TITLE, step

A_Z_LINK = "A\u2013Z"  # the site navigation's link, spelt with an en dash


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript-on", "javascript-off"])
def test_reader_reaches_the_four_treatment_options_from_the_home_page(new_page, seeded, javascript):
    """Journey 1: home → A-Z index → seed article → TOC "Treatment Options" → its four bullets.

    Reading needs no JavaScript, so the journey runs with it on and off.
    """
    page = new_page(java_script_enabled=javascript)
    with step("open the home page"):
        page.goto("/")
        expect(page.get_by_role("heading", name="Latest articles")).to_be_visible()

    with step("go to the A-Z index from the site navigation"):
        page.get_by_role("navigation", name="Site").get_by_role("link", name=A_Z_LINK).click()
        expect(page).to_have_url(re.compile(re.escape(reverse("articles:index")) + "$"))

    with step("open the seed article from the A-Z index"):
        page.get_by_role("main").get_by_role("link", name=SEED_TITLE).click()
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


def test_reader_searches_shockwave_and_lands_on_the_seed_article(page, seeded):
    """Journey 2: the header search box finds the seed article for "shockwave"."""
    with step("open the home page"):
        page.goto("/")

    with step('search "shockwave" with the search box in the header'):
        search = page.get_by_role("search", name="Site search")
        search.get_by_role("searchbox", name="Search articles").fill("shockwave")
        search.get_by_role("button", name="Search").click()
        expect(page).to_have_url(
            re.compile(re.escape(reverse("articles:search")) + r"\?q=shockwave$")
        )

    with step("the seed article is among the results"):
        result = page.get_by_role("main").get_by_role("link", name=SEED_TITLE)
        expect(result).to_be_visible()

    with step("open the seed article from the results"):
        result.click()
        expect(page).to_have_url(re.compile(re.escape(seeded.get_absolute_url()) + "$"))
        expect(page.get_by_role("heading", level=1)).to_have_text(SEED_TITLE)


def test_a_broken_journey_step_fails_with_the_name_of_the_step(page, seeded):
    """A step whose button is gone fails fast, and the failure names the step."""
    page.goto(seeded.get_absolute_url())
    with (
        pytest.raises(AssertionError, match="Journey step failed: press the rate button"),
        step("press the rate button"),
    ):
        page.get_by_role("button", name="No such button").click(timeout=300)
