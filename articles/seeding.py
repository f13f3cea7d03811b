"""Filling a database fast with a realistic load for benchmarks (``manage.py seed_bench``).

Thousands of live articles are made from the demo articles (each rendered once, then copied
with its own title, slug, condition, category and author), with a million comments and many
ratings. Rows go in by bulk inserts: the published versions come with revisions and sign-offs
that satisfy every constraint, but they do not go through ``articles.workflow`` one by one.
This is for a benchmark database only, never for a site that readers use.
"""

import hashlib
import random
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from authors.models import STARS, Affiliation, Author, AuthorAffiliation, Rating
from comments.models import Comment, render_comment_text

from .importer import import_article, parse_article
from .models import (
    Article,
    ArticleEvent,
    Category,
    PublishedVersion,
    RelatedArticle,
    Revision,
    Section,
    VersionTerm,
    fingerprint,
)
from .revisions import current_content
from .search import index_version
from .slugs import make_slug
from .versions import render_body, render_version

DEMO_DIR = Path(__file__).resolve().parent / "demo"
BATCH = 500
COMMENT_BATCH = 5000
HOT_ARTICLE_COMMENTS = 500
WORDS = [
    "acute",
    "chronic",
    "benign",
    "juvenile",
    "seasonal",
    "nocturnal",
    "hereditary",
    "idiopathic",
    "recurrent",
    "atypical",
    "lateral",
    "upper",
    "lower",
    "primary",
    "secondary",
    "migratory",
    "focal",
    "diffuse",
    "mild",
    "severe",
]
COMMENT_BODIES = [
    "Thank you, this explained my symptoms better than anything my clinic gave me.",
    "Does physical therapy help if the stiffness has lasted for more than a year?",
    "My mother had this too; the section on prevention was useful for our family.",
    "Clear and kind. I wish the diagnosis part said how long the tests take.",
    "I would add that rest alone did not help me, but the exercises did.",
]


def _templates():
    """The demo articles, imported once as working copies: (article, content, rendered)."""
    templates = []
    for path in sorted(DEMO_DIR.glob("*.txt")):
        article = import_article(parse_article(path.read_bytes())).article
        content = current_content(article)
        templates.append((article, content, render_version(content, article=article)))
    return templates


def _people(count):
    """``count`` bench authors with a primary affiliation, a reviewer and an editor account."""
    existing = list(Author.objects.filter(slug__startswith="bench-author-").order_by("pk"))
    new = [
        Author(name=f"Bench Author {n}", slug=f"bench-author-{n}", credentials="MD")
        for n in range(len(existing), count)
    ]
    Author.objects.bulk_create(new)
    authors = list(Author.objects.filter(slug__startswith="bench-author-").order_by("pk"))
    place, _ = Affiliation.objects.get_or_create(
        name="Bench General Hospital", city="Leeds", region="West Yorks", country=""
    )
    AuthorAffiliation.objects.bulk_create(
        [AuthorAffiliation(author=a, affiliation=place, is_primary=True) for a in authors],
        ignore_conflicts=True,
    )
    reviewer, _ = Author.objects.get_or_create(
        slug="bench-reviewer", defaults={"name": "Bench Reviewer", "credentials": "MD"}
    )
    editor, _ = get_user_model().objects.get_or_create(
        username="bench-editor", defaults={"is_staff": True}
    )
    return authors, reviewer, editor


def seed_articles(count, progress):
    """``count`` more live articles, each with a revision, a sign-off and a published version."""
    templates = _templates()
    categories = [
        Category.objects.get_or_create(slug=f"bench-{n}", defaults={"name": f"Bench topic {n}"})[0]
        for n in range(8)
    ]
    authors, reviewer, editor = _people(40)
    start = Article.objects.filter(slug__startswith="bench-").count()
    now = timezone.now()
    for offset in range(0, count, BATCH):
        numbers = range(start + offset, start + min(offset + BATCH, count))
        with transaction.atomic():
            _seed_batch(numbers, templates, categories, authors, reviewer, editor, now)
        progress(min(offset + BATCH, count), count, "articles")
    if connection.vendor == "postgresql":
        for version in PublishedVersion.objects.filter(slug__startswith="bench-").iterator():
            if version.search_vector is None:
                index_version(version)
    _seed_related(len(templates))


def _seed_related(template_count):
    """Related lists for the bench articles: copies of one demo article share every term, so
    each lists five others of its kind (what ``articles.related`` would compute, without
    comparing ten thousand term lists)."""
    ids = list(
        Article.objects.filter(slug__startswith="bench-")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    # By slug, not by ids: more articles than a query may carry parameters.
    RelatedArticle.objects.filter(source__slug__startswith="bench-").delete()
    groups = [ids[kind::template_count] for kind in range(template_count)]
    rows = []
    for group in groups:
        for index, source in enumerate(group):
            neighbours = [group[(index + step) % len(group)] for step in range(1, 6)]
            rows += [
                RelatedArticle(source_id=source, related_id=related, position=position)
                for position, related in enumerate(dict.fromkeys(neighbours), start=1)
                if related != source
            ]
    RelatedArticle.objects.bulk_create(rows, batch_size=5000)


def _seed_batch(numbers, templates, categories, authors, reviewer, editor, now):
    plans = []
    for number in numbers:
        template, content, rendered = templates[number % len(templates)]
        word = WORDS[number % len(WORDS)]
        condition = f"{word.capitalize()} {template.condition or template.title.split()[-1]}"
        title = f"{template.title.rstrip('?')} ({word}, case {number})?"
        slug = f"bench-{number}-{make_slug(title, 150)}"[:200]
        category = categories[number % len(categories)]
        author = authors[number % len(authors)]
        own = {
            **content,
            "title": title,
            "slug": slug,
            "condition": condition,
            "category_id": category.pk,
            "author_id": author.pk,
        }
        plans.append((number, own, rendered, category, author))

    articles = Article.objects.bulk_create(
        Article(
            title=own["title"],
            slug=own["slug"],
            category=category,
            author=author,
            intro=own["intro"],
            conclusion=own["conclusion"],
            condition=own["condition"],
        )
        for _, own, _, category, author in plans
    )
    Section.objects.bulk_create(
        Section(article=article, **section)
        for article, (_, own, _, _, _) in zip(articles, plans, strict=True)
        for section in own["sections"]
    )
    revisions = Revision.objects.bulk_create(
        Revision(
            article=article,
            number=1,
            content=own,
            fingerprint=fingerprint(own),
            summary="Seeded for a benchmark",
            created_by=editor,
        )
        for article, (_, own, _, _, _) in zip(articles, plans, strict=True)
    )
    sign_offs = ArticleEvent.objects.bulk_create(
        ArticleEvent(
            article=article,
            action=ArticleEvent.Action.SIGNED_OFF,
            revision=revision,
            actor=editor,
            reviewer=reviewer,
            reviewed_on=now.date(),
        )
        for article, revision in zip(articles, revisions, strict=True)
    )
    versions = [
        PublishedVersion(
            article=article,
            number=1,
            revision=revision,
            sign_off=sign_off,
            reviewed_by=reviewer,
            reviewed_on=now.date(),
            title=own["title"],
            slug=own["slug"],
            category=category,
            author=author,
            condition=own["condition"],
            summary=rendered.summary,
            intro_html=rendered.intro_html,
            conclusion_html=rendered.conclusion_html,
            sections=rendered.sections,
            references=rendered.references,
            changes=[{"date": now.date().isoformat(), "note": "First publication"}],
            change_note="First publication",
            first_published_at=now,
            live_from=now,
            published_by=editor,
            search_text=f"{own['condition']}. {rendered.search_text}",
        )
        for article, revision, sign_off, (_, own, rendered, category, author) in zip(
            articles, revisions, sign_offs, plans, strict=True
        )
    ]
    for version in versions:
        render_body(version)
    versions = PublishedVersion.objects.bulk_create(versions)
    terms = []
    for version in versions:
        seen = set()
        for section in version.page_sections:
            for term in section.terms:
                if (section.kind, term.slug) not in seen:
                    seen.add((section.kind, term.slug))
                    terms.append(
                        VersionTerm(
                            version=version,
                            kind=section.kind,
                            position=len(seen),
                            name=term.name,
                            slug=term.slug,
                        )
                    )
    VersionTerm.objects.bulk_create(terms)


def hot_article():
    """The bench article with 500 approved comments (the first one seeded)."""
    return (
        PublishedVersion.objects.live()
        .filter(slug__startswith="bench-0-")
        .select_related("article")
        .first()
    )


def seed_comments(count, progress):
    """``count`` comments over the bench articles (not the demo ones), mostly approved; the
    first bench article gets 500 approved ones."""
    article_ids = list(
        PublishedVersion.objects.live()
        .filter(slug__startswith="bench-")
        .order_by("pk")
        .values_list("article_id", flat=True)
    )
    if not article_ids or count <= 0:
        return
    hot = article_ids[0]
    rendered = [(body, render_comment_text(body)) for body in COMMENT_BODIES]
    randomiser = random.Random(42)  # noqa: S311 - benchmark data, not secrets
    now = timezone.now()
    made = 0
    while made < count:
        batch = []
        for _ in range(min(COMMENT_BATCH, count - made)):
            n = made + len(batch)
            article_id = hot if n < HOT_ARTICLE_COMMENTS else randomiser.choice(article_ids)
            body, body_html = rendered[n % len(rendered)]
            status = (
                Comment.Status.APPROVED
                if n < HOT_ARTICLE_COMMENTS or n % 10
                else randomiser.choice([Comment.Status.PENDING, Comment.Status.SPAM])
            )
            batch.append(
                Comment(
                    article_id=article_id,
                    name=f"Reader {n}",
                    email=f"reader{n}@bench.example",
                    body=body,
                    body_html=body_html,
                    status=status,
                    address_hash=hashlib.sha256(f"10.{n % 250}".encode()).hexdigest(),
                    created_at=now,
                )
            )
        Comment.objects.bulk_create(batch)
        made += len(batch)
        progress(made, count, "comments")
    # bulk_create skips the counts that pages read (``comments_changed`` keeps them).
    bench = PublishedVersion.objects.filter(slug__startswith="bench-").values("article_id")
    Article.objects.filter(pk__in=bench).comments_changed()


def seed_ratings(count, progress):
    """``count`` anonymous ratings spread over the bench authors, then their counts."""
    authors = list(Author.objects.filter(slug__startswith="bench-author-").order_by("pk"))
    if not authors or count <= 0:
        return
    start = Rating.objects.filter(reader_token__startswith="bench-").count()  # noqa: S106
    randomiser = random.Random(7)  # noqa: S311 - benchmark data, not secrets
    for offset in range(0, count, COMMENT_BATCH):
        Rating.objects.bulk_create(
            Rating(
                author=authors[n % len(authors)],
                reader_token=f"bench-{n:09d}",
                score=randomiser.choice(STARS),
                address_hash=hashlib.sha256(f"bench-{n}".encode()).hexdigest(),
            )
            for n in range(start + offset, start + min(offset + COMMENT_BATCH, count))
        )
        progress(min(offset + COMMENT_BATCH, count), count, "ratings")
    counts = {}
    for row in (
        Rating.objects.live()
        .filter(author__in=authors)
        .values("author", "score")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts.setdefault(row["author"], {})[row["score"]] = row["n"]
    for author in authors:
        per_star = counts.get(author.pk, {})
        Author.objects.filter(pk=author.pk).update(
            **{f"stars_{stars}": per_star.get(stars, 0) for stars in STARS}
        )
