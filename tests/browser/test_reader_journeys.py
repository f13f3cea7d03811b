"""Reader journeys in a real browser, each step named so a failure says where it broke."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from authors.models import Rating
from authors.ratings import release_aged_ratings

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

    with step("open the seed article from the A-Z index, filed under its condition"):
        # The entry, then the cross-reference "Ectopic calcifications → see" link to it.
        links = page.get_by_role("main").get_by_role("link", name="Heterotopic calcifications")
        expect(links).to_have_count(2)
        links.first.click()
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
        search.get_by_label("Search articles").fill("shockwave")
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


def star_bar(page, stars):
    """The rating summary's bar for ``stars`` stars: its "COUNT (PERCENT%)" text."""
    label = f"{stars} star{'s' if stars > 1 else ''}"
    bar = page.locator(".rating-summary .rating-bars li").filter(
        has=page.locator("span:first-child", has_text=re.compile(f"^{label}$"))
    )
    return bar.locator("span:last-child")


def test_reader_rates_the_author_with_javascript_then_changes_the_rating_without(new_page, seeded):
    """Journey 3: 4 stars in place with JavaScript (a first-time reader's rating waits a day),
    then, once it counts, 5 stars by form post without it; the summary counts the reader once,
    with the changed rating."""
    author = seeded.author
    before = author.rating_summary
    counts = {share.stars: share.count for share in before.shares}
    ratings_before = set(Rating.objects.values_list("pk", flat=True))
    page = new_page()

    with step("open the seed article and find the author's rating form"):
        page.goto(seeded.get_absolute_url())
        form = page.get_by_role("group", name=f"Rate {author.name}")
        expect(form).to_contain_text(f"You have not rated {author.name} yet.")
        expect(page.locator(".rating-summary")).to_contain_text(f"({before.count} rating")

    with step("choose 4 stars and press Rate author: the rating is taken, to count later"):
        page.evaluate("() => { window.samePage = true; }")
        form.get_by_label("4 stars").check()
        page.get_by_role("button", name="Rate author").click()
        status = page.get_by_role("status").filter(has_text="Thank you")
        expect(status).to_contain_text(f"you rated {author.name} 4 of 5")
        expect(status).to_contain_text("once our checks pass")
        expect(page.locator(".rating-summary")).to_contain_text(f"({before.count} rating")
        expect(form).to_contain_text("Your rating: 4 of 5. It counts once our checks pass.")
        assert page.evaluate("() => window.samePage === true"), "the page was reloaded"

    with (
        step("a day later the reader's token has aged and the hourly check counts the rating"),
        time_machine.travel(timezone.now() + timedelta(hours=25)),
    ):
        assert release_aged_ratings.call() == 1

    with step("the same reader, with JavaScript off, sees their rating of 4 stars, counted"):
        no_script = new_page(java_script_enabled=False, storage_state=page.context.storage_state())
        no_script.goto(seeded.get_absolute_url())
        form = no_script.get_by_role("group", name=f"Rate {author.name}")
        expect(form).to_contain_text("Your rating: 4 of 5.")
        expect(form).not_to_contain_text("checks pass")
        expect(form.get_by_label("4 stars")).to_be_checked()
        expect(no_script.locator(".rating-summary")).to_contain_text(
            f"({before.count + 1} ratings)"
        )
        expect(star_bar(no_script, 4)).to_contain_text(f"{counts[4] + 1} (")

    with step("choose 5 stars and press Change rating: the form posts and the page returns"):
        form.get_by_label("5 stars").check()
        no_script.get_by_role("button", name="Change rating").click()
        expect(no_script).to_have_url(re.compile(re.escape(seeded.get_absolute_url()) + "$"))
        expect(no_script.locator(".alert-success")).to_contain_text(
            f"Your rating of {author.name} is now 5 of 5."
        )

    with step("the summary counts the reader once, now with 5 stars instead of 4"):
        expect(no_script.locator(".rating-summary")).to_contain_text(
            f"({before.count + 1} ratings)"
        )
        expect(star_bar(no_script, 4)).to_contain_text(f"{counts[4]} (")
        expect(star_bar(no_script, 5)).to_contain_text(f"{counts[5] + 1} (")
        expect(form).to_contain_text("Your rating: 5 of 5.")

    with step("the database holds one rating by this reader, of 5 stars"):
        new = Rating.objects.exclude(pk__in=ratings_before)
        assert [(rating.author_id, rating.score) for rating in new] == [(author.pk, 5)]
        token = new.get().reader_token
        assert token, "the rating belongs to the reader's cookie"
        cookies = {cookie["name"] for cookie in no_script.context.cookies()}
        assert settings.RATING_READER_COOKIE in cookies
        assert Rating.objects.filter(reader_token=token).count() == 1


def test_a_broken_journey_step_fails_with_the_name_of_the_step(page, seeded):
    """A step whose button is gone fails fast, and the failure names the step."""
    page.goto(seeded.get_absolute_url())
    with (
        pytest.raises(AssertionError, match="Journey step failed: press the rate button"),
        step("press the rate button"),
    ):
        page.get_by_role("button", name="No such button").click(timeout=300)
