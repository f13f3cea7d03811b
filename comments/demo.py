"""Demo comments on the demo articles: approved threads to read, pending ones to moderate."""

from django.db import transaction

from articles.models import Article

from . import moderation
from .models import Comment

DEMO_THREADS = [
    {
        "article": "heterotopic-calcifications",
        "name": "Maria",
        "email": "maria@example.com",
        "body": "Thank you for explaining this so clearly. My physiotherapist mentioned it "
        "after my hip surgery and I had no idea what it meant.",
        "replies": [
            {
                "name": "Tom",
                "email": "tom@example.com",
                "body": "Same here after a knee replacement. The exercises helped me a lot.",
            },
        ],
    },
    {
        "article": "migraine",
        "name": "Priya",
        "email": "priya@example.com",
        "body": "Keeping a headache diary, as suggested, showed me that skipped meals were "
        "my trigger.\nWorth trying for anyone still looking for theirs.",
        "replies": [
            {
                "name": "Sam",
                "email": "sam@example.com",
                "body": "Good tip. Mine turned out to be poor sleep. The NHS page on "
                "migraine has a diary template: https://www.nhs.uk/conditions/migraine/",
            },
        ],
    },
    {
        "article": "plantar-fasciitis",
        "name": "Jo",
        "email": "jo@example.com",
        "body": "Rolling a frozen water bottle under my foot in the morning helps with the "
        "first steps of the day.",
        "replies": [],
    },
]

DEMO_PENDING = [
    {
        "article": "iron-deficiency-anaemia",
        "name": "Alex",
        "email": "alex@example.com",
        "body": "Should I stop taking my iron tablets if they upset my stomach?",
        "held_by": "health-safety",
        "held_reason": 'Mentions doses or medication changes ("stop taking"): check it is '
        "not unsafe advice.",
    },
    {
        "article": "migraine",
        "name": "Chris",
        "email": "chris@example.com",
        "body": "Does anyone else get migraines when the weather changes?",
        "held_by": "first-comment",
        "held_reason": "A first comment from this email address.",
    },
]


def _comment(article, parent=None, **fields):
    return Comment.objects.get_or_create(
        article=article,
        email=fields.pop("email"),
        body=fields.pop("body"),
        defaults={"parent": parent, **fields},
    )


@transaction.atomic
def load_demo_comments():
    """Create the demo comments that do not exist yet; returns how many were created."""
    articles = list(Article.objects.all())

    def article_about(topic):
        return next((article for article in articles if topic in article.slug), None)

    created_count = 0
    for thread in DEMO_THREADS:
        article = article_about(thread["article"])
        if article is None:
            continue
        top, created = _comment(
            article, name=thread["name"], email=thread["email"], body=thread["body"]
        )
        created_count += created
        moderation.approve(top, note="Demo content")
        for reply in thread["replies"]:
            comment, created = _comment(article, parent=top, **reply)
            created_count += created
            moderation.approve(comment, note="Demo content")
    for pending in DEMO_PENDING:
        article = article_about(pending["article"])
        if article is None:
            continue
        fields = {key: value for key, value in pending.items() if key != "article"}
        _, created = _comment(article, **fields)
        created_count += created
    return created_count
