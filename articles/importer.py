"""Read articles in the plain-text layout of the seed article and write them to the database.

The layout, line by line: the title; the category label; intro paragraphs; for each section a
heading on its own line followed by paragraphs and bullet lines (``•``, ``-``, ``*`` or ``1.``),
each possibly "Term: description"; an optional closing paragraph that begins "In conclusion" or
"In summary"; then the byline: the author's name with credentials, "Rate author", the
affiliation ("Organisation, City, REGION" or "Organisation, REGION") and "Add a comment".

``parse_article`` only reads; ``import_article`` is the one write, used by the management
command and the admin alike. It writes the working copy (a new draft, or a draft revision of a
live article) and never publishes: that takes a medical sign-off (``articles.workflow``).
"""

import re
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.db import transaction

from authors.models import Affiliation, Author, AuthorAffiliation

from .conditions import alternative_names_from, condition_from
from .models import MAX_SECTIONS, Article, Category, Section
from .rendering import escape_markdown
from .revisions import record_revision
from .slugs import make_slug

MAX_TITLE_LENGTH = Article._meta.get_field("title").max_length
MAX_HEADING_LENGTH = 120
MAX_HEADING_WORDS = 14
MAX_TERM_LENGTH = 60
MAX_TERM_WORDS = 8

# Bullets as typed or pasted: •, ◦, ▪, ·, ‣, *, -, an en dash, or "1." / "1)".
BULLET = re.compile(r"^(?:[•◦▪·‣*\-\u2013]|(\d{1,3})[.)])\s+(\S.*)$")
TERM = re.compile(r"^([^:]+?):\s+(\S.*)$")
CONCLUSION_OPENERS = ("in conclusion", "in summary")
RATE_AUTHOR = "rate author"
ADD_A_COMMENT = "add a comment"

# Checked in order: urgent advice first ("When Symptoms Are an Emergency" is urgent), then
# "Symptoms and Diagnosis" is about symptoms, "Management and Prevention"
# about prevention, "Surgical Intervention and Complications" about complications.
URGENT_HEADING = (
    r"\bwhen to (?:see|call|contact|get|seek|go)\b|\burgent|\bemergenc|\bcall (?:911|999|112|000|"
    r"an ambulance)|\bget (?:medical )?help\b|\bseek (?:medical|immediate|urgent)|\bred flags?\b|"
    r"\bwarning signs?\b|\bimmediate (?:medical )?(?:help|attention|care)\b"
)
SECTION_KIND_PATTERNS = [
    (Section.Kind.URGENT, URGENT_HEADING),
    (Section.Kind.CAUSES, r"\bcause|\brisk factors?\b|\bwhy\b|\ba?etiology"),
    (Section.Kind.SYMPTOMS, r"\bsymptom|\bsigns?\b"),
    (Section.Kind.DIAGNOSIS, r"\bdiagnos|\btests?\b|\btesting\b|\bscreening"),
    (Section.Kind.PREVENTION, r"\bprevent|\bavoid"),
    (Section.Kind.COMPLICATIONS, r"\bcomplication|\bprognosis|\boutlook"),
    (Section.Kind.TREATMENT, r"\btreat|\btherap|\bmanag|\bremed|\bsurg|\bmedication"),
    (Section.Kind.OVERVIEW, r"\boverview\b|\bwhat (?:is|are)\b|\babout\b|\bintroduction\b"),
]


class ArticleFileError(ValueError):
    """A file that is not an article in the expected layout; ``line`` is 1-based when known."""

    def __init__(self, message, line=None):
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self):
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass
class ListItem:
    text: str
    term: str = ""


@dataclass
class Block:
    kind: str  # "paragraph" or "list"
    text: str = ""
    ordered: bool = False
    start: int = 1
    items: list[ListItem] = field(default_factory=list)


@dataclass
class ParsedSection:
    heading: str
    kind: str
    blocks: list[Block] = field(default_factory=list)

    @property
    def body(self):
        return blocks_to_markdown(self.blocks)


@dataclass
class ParsedAffiliation:
    name: str
    city: str = ""
    region: str = ""


@dataclass
class ParsedArticle:
    title: str
    slug: str
    category: str
    intro: list[Block]
    sections: list[ParsedSection]
    conclusion: list[Block]
    author_name: str
    credentials: list[str]
    affiliation: ParsedAffiliation | None

    def as_dict(self):
        data = asdict(self)
        for section, parsed in zip(data["sections"], self.sections, strict=True):
            section["body"] = parsed.body
        return data


def infer_section_kind(heading):
    """Guess a section's kind from its heading: "Treatment Options" is treatment."""
    lowered = heading.lower()
    for kind, pattern in SECTION_KIND_PATTERNS:
        if re.search(pattern, lowered):
            return kind
    return Section.Kind.OTHER


def decode(data):
    """Bytes of a text file to normalised text: no BOM, LF line ends, no tabs."""
    if not data.strip():
        raise ArticleFileError("the file is empty")
    if b"\x00" in data:
        raise ArticleFileError("the file is binary, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ArticleFileError(
            f"the file is not UTF-8 text (undecodable byte at offset {error.start})"
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")


def max_file_bytes():
    """The largest article file accepted (``ARTICLE_IMPORT_MAX_BYTES``): a long article is
    tens of kilobytes; anything far bigger is not an article."""
    return settings.ARTICLE_IMPORT_MAX_BYTES


def too_big(size):
    """The refusal for a file of ``size`` bytes, or "" when it may be read."""
    limit = max_file_bytes()
    if size <= limit:
        return ""
    return (
        f"the file is {size / 1000:,.0f} kB; article files may be at most {limit / 1000:,.0f} kB."
    )


def read_article_file(path):
    """The bytes of the article file at ``path``, refused before reading when too big."""
    refusal = too_big(path.stat().st_size)
    if refusal:
        raise ArticleFileError(refusal)
    return path.read_bytes()


def parse_article(data):
    """Parse the bytes (or text) of one article file into a ``ParsedArticle``."""
    text = decode(data) if isinstance(data, bytes) else decode(data.encode())
    lines = [
        (number, " ".join(line.split()))
        for number, line in enumerate(text.split("\n"), start=1)
        if line.strip()
    ]
    if not lines:
        raise ArticleFileError("the file is empty")

    title_line, title = lines[0]
    if len(title) > MAX_TITLE_LENGTH:
        raise ArticleFileError(
            f"the title is longer than {MAX_TITLE_LENGTH} characters; "
            "the first line must be the article's title",
            title_line,
        )
    if BULLET.match(title) or len(lines) < 2:
        raise ArticleFileError("no title: the first line must be the article's title", title_line)
    category_line, category = lines[1]
    if not looks_like_heading(category):
        raise ArticleFileError(
            'the second line must be the category label, e.g. "Symptom Database"', category_line
        )

    body, author_name, credentials, affiliation = split_byline(lines[2:], after=category_line)
    intro, sections, conclusion = split_body(body)
    if not sections:
        raise ArticleFileError(
            "no sections: expected at least one heading on its own line after the intro",
            category_line + 1,
        )
    if len(sections) > MAX_SECTIONS:
        raise ArticleFileError(
            f"{len(sections)} sections: an article has at most {MAX_SECTIONS} "
            "(a heading is a short line on its own, without a full stop)",
            category_line + 1,
        )
    check_lengths(category, author_name, credentials, affiliation, line=category_line)
    return ParsedArticle(
        title=title,
        slug=make_slug(title),
        category=category,
        intro=intro,
        sections=sections,
        conclusion=conclusion,
        author_name=author_name,
        credentials=credentials,
        affiliation=affiliation,
    )


def looks_like_heading(line):
    return (
        len(line) <= MAX_HEADING_LENGTH
        and len(line.split()) <= MAX_HEADING_WORDS
        and (line[0].isupper() or line[0].isdigit())
        and line[-1] not in ".,;:!"
        and not BULLET.match(line)
        and not line.lower().startswith(CONCLUSION_OPENERS)
    )


def split_byline(lines, after):
    """Separate the byline from the body: (body lines, name, credentials, affiliation)."""
    rate_index = next(
        (i for i in range(len(lines) - 1, -1, -1) if lines[i][1].lower() == RATE_AUTHOR), None
    )
    if rate_index is None or rate_index == 0:
        raise ArticleFileError(
            "no byline: expected the author's name with credentials on a line followed by "
            '"Rate author" at the end of the file',
            lines[-1][0] if lines else after,
        )
    author_line, author_text = lines[rate_index - 1]
    name, _, credential_text = author_text.partition(",")
    credentials = [c.strip() for c in credential_text.split(",") if c.strip()]
    if not name.strip():
        raise ArticleFileError("the byline has no author name", author_line)

    affiliation_lines = [
        text for _, text in lines[rate_index + 1 :] if text.lower() != ADD_A_COMMENT
    ]
    affiliation = parse_affiliation(affiliation_lines[0]) if affiliation_lines else None
    return lines[: rate_index - 1], name.strip(), credentials, affiliation


def check_lengths(category, author_name, credentials, affiliation, *, line):
    """Refuse what the database could not store, naming it, rather than fail while saving."""
    values = [
        ("the category label", category, Category, "name", line),
        ("the author's name", author_name, Author, "name", None),
        ("the author's credentials", ", ".join(credentials), Author, "credentials", None),
    ]
    if affiliation:
        values += [
            (f"the affiliation's {part}", getattr(affiliation, part), Affiliation, part, None)
            for part in ("name", "city", "region")
        ]
    for what, value, model, name, at in values:
        limit = model._meta.get_field(name).max_length
        if len(value) > limit:
            raise ArticleFileError(f"{what} must be at most {limit} characters", at)


def parse_affiliation(text):
    """ "Organisation, City, REGION" or "Organisation, REGION" or just "Organisation"."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if len(parts) == 1:
        return ParsedAffiliation(name=parts[0])
    if len(parts) == 2:
        return ParsedAffiliation(name=parts[0], region=parts[1])
    return ParsedAffiliation(name=", ".join(parts[:-2]), city=parts[-2], region=parts[-1])


def split_body(lines):
    """Group body lines into intro blocks, sections and conclusion blocks."""
    intro, sections, conclusion = [], [], []
    target = intro
    for _, text in lines:
        bullet = BULLET.match(text)
        if conclusion or (sections and not bullet and text.lower().startswith(CONCLUSION_OPENERS)):
            target = conclusion
        elif not bullet and looks_like_heading(text):
            sections.append(ParsedSection(heading=text, kind=infer_section_kind(text).value))
            target = sections[-1].blocks
            continue
        if bullet:
            add_list_item(target, bullet)
        else:
            target.append(Block(kind="paragraph", text=text))
    return intro, sections, conclusion


def add_list_item(blocks, bullet):
    number, text = bullet.groups()
    ordered = number is not None
    if not blocks or blocks[-1].kind != "list" or blocks[-1].ordered != ordered:
        blocks.append(Block(kind="list", ordered=ordered, start=int(number or 1)))
    blocks[-1].items.append(split_term(text))


def split_term(text):
    """ "Trauma or injury: Heterotopic ..." splits at the first ": " when the term is short."""
    match = TERM.match(text)
    if match:
        term, description = match.groups()
        if len(term) <= MAX_TERM_LENGTH and len(term.split()) <= MAX_TERM_WORDS:
            return ListItem(term=term.strip(), text=description)
    return ListItem(text=text)


def blocks_to_markdown(blocks):
    parts = []
    for block in blocks:
        if block.kind == "paragraph":
            parts.append(escape_markdown(block.text))
            continue
        lines = []
        for offset, item in enumerate(block.items):
            marker = f"{block.start + offset}." if block.ordered else "-"
            text = escape_markdown(item.text)
            if item.term:
                text = f"**{escape_markdown(item.term)}:** {text}"
            lines.append(f"{marker} {text}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


@dataclass
class ImportResult:
    article: Article
    outcome: str  # "created", "updated" or "unchanged"


@transaction.atomic
def import_article(parsed, *, author=None, by=None):
    """Create or update (by slug) the working copy with its sections, category, author and place.

    ``author`` forces the byline's author (an author importing in the admin files under their
    own name); ``by`` is the user importing, recorded on the revision. Nothing is written when
    the parsed content matches what is stored. Readers see none of it until it is published.
    """
    category = Category.objects.named(parsed.category) or Category.objects.create(
        name=parsed.category, slug=make_slug(parsed.category, 100)
    )
    if author is None:
        author = save_byline_author(parsed)

    article = Article.objects.filter(slug=parsed.slug).first()
    outcome = "unchanged"
    if article is None:
        article = Article(slug=parsed.slug)
        outcome = "created"
    fields = {
        "title": parsed.title,
        "category_id": category.pk,
        "author_id": author.pk,
        "intro": blocks_to_markdown(parsed.intro),
        "conclusion": blocks_to_markdown(parsed.conclusion),
    }
    # Names an editor set are theirs: only empty ones are derived (articles/conditions.py).
    if not article.condition:
        fields["condition"] = condition_from(parsed.title, [s.heading for s in parsed.sections])
    if not article.alternative_names:
        condition = fields.get("condition", article.condition)
        intro_text = " ".join(block.text for block in parsed.intro if block.kind == "paragraph")
        fields["alternative_names"] = alternative_names_from(intro_text, condition)
    changed = [name for name, value in fields.items() if getattr(article, name) != value]
    if changed:
        for name in changed:
            setattr(article, name, fields[name])
        article.save()
        outcome = outcome if outcome == "created" else "updated"

    wanted = [
        (position, section.heading, section.kind, section.body)
        for position, section in enumerate(parsed.sections, start=1)
    ]
    # A new article has no sections or references yet: nothing to read or replace.
    stored = [] if outcome == "created" else list(article.sections.order_by("position"))
    if [(s.position, s.heading, s.kind, s.body) for s in stored] != wanted:
        if stored:
            article.sections.all().delete()
        anchors = set()
        stored = Section.objects.bulk_create(
            Section(
                article=article,
                position=position,
                heading=heading,
                anchor=unique_anchor(heading, anchors),
                kind=kind,
                body=body,
            )
            for position, heading, kind, body in wanted
        )
        if outcome == "unchanged":
            outcome = "updated"
            article.save(update_fields=["updated_at"])
    if outcome != "unchanged":
        # The content as just written; the references are the admin's, read as they are.
        references = [] if outcome == "created" else article.references.all()
        content = article.content(sections=stored, references=references)
        summary = "Imported from a file" if outcome == "created" else ""
        record_revision(article, by=by, summary=summary, content=content, new=outcome == "created")
    return ImportResult(article=article, outcome=outcome)


def unique_anchor(heading, taken):
    base = make_slug(heading, 190)
    anchor, counter = base, 2
    while anchor in taken:
        anchor, counter = f"{base}-{counter}", counter + 1
    taken.add(anchor)
    return anchor


def save_byline_author(parsed):
    """The byline's author. A profile that exists stays as it is: readers see it on live pages,
    and an import never changes what they see (editors change it in the admin). A new one
    takes the byline's credentials, and its affiliation as the primary place."""
    author, created = Author.objects.get_or_create(
        slug=make_slug(parsed.author_name, 120),
        defaults={"name": parsed.author_name, "credentials": ", ".join(parsed.credentials)},
    )
    if created and parsed.affiliation:
        affiliation, _ = Affiliation.objects.get_or_create(
            name=parsed.affiliation.name,
            city=parsed.affiliation.city,
            region=parsed.affiliation.region,
            country="",
        )
        AuthorAffiliation.objects.create(author=author, affiliation=affiliation, is_primary=True)
    return author
