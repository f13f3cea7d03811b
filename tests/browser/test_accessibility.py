"""axe-core finds no accessibility violations on the public pages, nor serious ones in the admin."""

import pytest
from django.urls import reverse

from .helpers import SERIOUS, assert_accessible, axe_violations, login

# Public pages that must have no axe-core violations at all, each a URL built from the seed.
PUBLIC_PAGES = {
    "home": lambda article: reverse("articles:home"),
    "article": lambda article: article.get_absolute_url(),
    "author": lambda article: article.author.get_absolute_url(),
    "category": lambda article: article.category.get_absolute_url(),
    "a-z": lambda article: reverse("articles:index"),
    "search-results": lambda article: f"{reverse('articles:search')}?q=shockwave",
}


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_page_has_no_accessibility_violations(page, seeded, name):
    """Each public page passes every axe-core rule."""
    page.goto(PUBLIC_PAGES[name](seeded))
    assert_accessible(page)


def test_admin_article_edit_page_has_no_serious_accessibility_violations(
    page, demo_accounts, seeded
):
    """The admin's article edit page has no serious or critical axe-core violations."""
    login(page, "editor")
    page.goto(reverse("admin:articles_article_change", args=[seeded.pk]))
    assert_accessible(page, impacts=SERIOUS)


def test_axe_check_reports_a_broken_page(page, seeded):
    """The axe-core check is live: an image without a text alternative is reported."""
    page.goto(reverse("articles:home"))
    page.evaluate(
        """() => {
            const image = document.createElement('img');
            image.width = image.height = 16;
            document.querySelector('main').append(image);
        }"""
    )
    assert [violation["id"] for violation in axe_violations(page)] == ["image-alt"]
