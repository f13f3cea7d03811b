"""Helpers shared by the article tests: the seed article's facts and the admin's forms."""

from django.urls import reverse

SEED_TITLE = "What are the causes and treatment options for heterotopic calcifications?"
SEED_HEADINGS = [
    "Causes of Heterotopic Calcifications",
    "Symptoms and Diagnosis",
    "Treatment Options",
    "Management and Prevention",
    "Surgical Intervention and Complications",
]
SEED_TERMS = {  # list terms by section index
    0: [
        "Genetic predisposition",
        "Trauma or injury",
        "Underlying medical conditions",
        "Medications",
    ],
    2: [
        "Physical therapy",
        "Medications",
        "Extracorporeal shockwave therapy",
        "Calcitonin injections",
    ],
    3: ["Regular exercise", "Proper nutrition", "Avoiding trauma", "Monitoring medications"],
}

CHANGELIST = reverse("admin:articles_article_changelist")
ADD = reverse("admin:articles_article_add")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


SECTION_FIELDS = ["position", "heading", "anchor", "kind", "body"]
REFERENCE_FIELDS = ["position", "text", "url", "doi", "pubmed_id", "accessed"]


def inline_rows(prefix, rows, article, fields):
    """An inline formset's rows as the admin form posts them (an empty value as "")."""
    data = {}
    for index, row in enumerate(rows):
        at = f"{prefix}-{index}-"
        data |= {at + "id": row.pk, at + "article": article.pk}
        data |= {
            at + name: "" if getattr(row, name) is None else getattr(row, name) for name in fields
        }
    return data


def article_post_data(article=None, **overrides):
    """A complete admin change form for ``article`` (or a new one), sections included."""
    sections = list(article.sections.order_by("position")) if article else []
    references = list(article.references.order_by("position")) if article else []
    data = {
        "title": article.title if article else "What is a new condition?",
        "slug": article.slug if article else "new-condition",
        "category": article.category_id if article else "",
        "author": article.author_id if article else "",
        "intro": article.intro if article else "An intro.",
        "conclusion": article.conclusion if article else "",
        "condition": article.condition if article else "",
        "sections-TOTAL_FORMS": str(len(sections)),
        "sections-INITIAL_FORMS": str(len(sections)),
        "sections-MIN_NUM_FORMS": "0",
        "sections-MAX_NUM_FORMS": "1000",
        "references-TOTAL_FORMS": str(len(references)),
        "references-INITIAL_FORMS": str(len(references)),
        "references-MIN_NUM_FORMS": "0",
        "references-MAX_NUM_FORMS": "1000",
    }
    data |= inline_rows("sections", sections, article, SECTION_FIELDS)
    data |= inline_rows("references", references, article, REFERENCE_FIELDS)
    data.update(overrides)
    return data


def workflow_url(article):
    return reverse("admin:articles_article_workflow", args=[article.pk])


def preview_url(article):
    return reverse("admin:articles_article_preview", args=[article.pk])


def edit_in_admin(client, article, **overrides):
    """Save ``article``'s admin form with ``overrides`` (e.g. ``"sections-0-body"``); assert it
    saved."""
    response = client.post(change_url(article), article_post_data(article, **overrides))
    assert response.status_code == 302, response.context and response.context["errors"]
    return response
