"""Screenshots of the main pages at phone and desktop widths; none scrolls sideways on a phone."""

import pytest
from django.urls import reverse

from .helpers import assert_accessible, screenshot

PAGES = {
    "home": lambda article: reverse("articles:home"),
    "article": lambda article: article.get_absolute_url(),
    "author": lambda article: article.author.get_absolute_url(),
}
PHONE, DESKTOP = 390, 1280


@pytest.mark.parametrize("name", PAGES)
def test_page_fits_a_phone_and_is_photographed_at_both_widths(new_page, seeded, name):
    """At 390 px: no horizontal scroll, no axe-core violations; screenshots at 390 and 1280 px."""
    url = PAGES[name](seeded)
    for width in (PHONE, DESKTOP):
        page = new_page(width=width, height=844 if width == PHONE else 900)
        page.goto(url)
        screenshot(page, f"{name}-{width}")
        if width == PHONE:
            assert_accessible(page)
            sizes = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
            assert sizes[0] <= sizes[1], f"{name} scrolls sideways at {width} px: {sizes}"
