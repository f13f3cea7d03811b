import math
import time
import unicodedata
from functools import cached_property
from types import MappingProxyType

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.conf import settings
from django.core import signing

from symptomdb.inputs import OneValueEach

from .identity import claims_a_role, normal_name
from .models import (
    BLANK_CHARACTERS,
    COMMENT_MAX_LENGTH,
    Comment,
    CommentReport,
    ModerationEvent,
    body_fingerprint,
)

FORM_STARTED_SALT = "comments.form-started"
# Characters that reorder or hide text: bidi embeddings, overrides and isolates.
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def make_form_token(article_id, issued_at=None):
    """A signed "this form, for this article, was shown at": tells robots posting at once
    apart, and a form left open for hours (or copied to another article) from a fresh one."""
    issued_at = issued_at if issued_at is not None else time.time()
    return signing.dumps([int(article_id), issued_at], salt=FORM_STARTED_SALT)


# Tokens signed this second, shared by the forms shown in it: signing one costs a tenth of a
# cached article's answer. Dropped wholesale now and then: each is wanted for a second at most.
_SIGNED_THIS_SECOND = {}


def form_token_now(article_id):
    """The token of a form shown now. Its time is in whole seconds, rounded up: a form never
    seems older than it is, so a robot posting at once is held as surely. A person posting
    within a second of ``COMMENTS_MIN_SECONDS_TO_POST`` may be held for a moderator (their
    comment waits, it is not lost)."""
    shown_at = math.ceil(time.time())
    key = (int(article_id), shown_at, settings.SECRET_KEY)
    token = _SIGNED_THIS_SECOND.get(key)
    if token is None:
        if len(_SIGNED_THIS_SECOND) >= 1000:
            _SIGNED_THIS_SECOND.clear()
        token = _SIGNED_THIS_SECOND[key] = make_form_token(article_id, shown_at)
    return token


def seconds_since_token(token, article_id):
    """Seconds since the form was shown, or None if the token is missing, altered, older than
    ``COMMENTS_FORM_MAX_AGE_SECONDS`` or made for another article."""
    try:
        shown_for, issued_at = signing.loads(
            token, salt=FORM_STARTED_SALT, max_age=settings.COMMENTS_FORM_MAX_AGE_SECONDS
        )
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if shown_for != int(article_id):
        return None
    seconds = time.time() - float(issued_at)
    if seconds > settings.COMMENTS_FORM_MAX_AGE_SECONDS:
        return None
    return max(0.0, seconds)


def has_invisible_characters(text):
    """Format or control characters (zero-width, bidi overrides, …) other than line breaks,
    and characters that show as nothing."""
    return any(
        char in BIDI_CONTROLS
        or char in BLANK_CHARACTERS
        or (unicodedata.category(char) in {"Cf", "Cc", "Co", "Cs"} and char not in "\n\r\t")
        for char in text
    )


def has_visible_text(text):
    """Whether ``text`` has a character that shows by itself: a letter, digit, punctuation or
    symbol (not a space, a mark that only changes another character, a format or control
    character, or one that shows as nothing)."""
    return any(
        unicodedata.category(char)[0] in "LNPS" and char not in BLANK_CHARACTERS for char in text
    )


def has_control_characters(text):
    return any(unicodedata.category(char) == "Cc" and char not in "\n\r\t" for char in text)


class CommentForm(OneValueEach, forms.Form):
    name = forms.CharField(max_length=80, help_text="Shown with your comment.")
    email = forms.EmailField(
        max_length=254, help_text="Never shown publicly. We use it only about your comment."
    )
    body = forms.CharField(
        label="Comment",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "data-comment-draft": ""}),
        help_text=f"Plain text, up to {COMMENT_MAX_LENGTH:,} characters. Links are allowed.",
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    notify = forms.BooleanField(
        required=False,
        label="Email me when my comment is published and when someone replies",
        help_text="Each email has a link to stop them.",
    )
    remember = forms.BooleanField(
        required=False,
        label="Remember my name and email in this browser",
        help_text="Kept in a cookie on this device only; you can make the site forget them.",
    )
    # A field people never see: robots fill it in.
    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    error_css_class = "is-invalid"

    # The fields a reader fills in, shown with crispy-forms' Bootstrap markup, and the one
    # robots fill in (a bare input, hidden from people).
    SHOWN_FIELDS = ("name", "email", "body", "notify", "remember")
    HIDDEN_FIELDS = ("website",)
    # Their markup while blank is the same for every reader and article, and costs about 2 ms,
    # a tenth of an uncached article page: each process renders it once.
    _blank_markup = None

    def __init__(self, *args, article, user=None, **kwargs):
        self.article = article
        self.user = user
        super().__init__(*args, **kwargs)
        self.seconds_to_post = None
        self.parent_comment = None
        if not self.is_bound:
            self.initial.setdefault("started", form_token_now(article))

    @cached_property
    def fields_markup(self):
        """The markup of each field but ``parent`` and ``started``, by name. A form with values
        or errors is rendered for its reader; a blank one is shared, read-only."""
        names = self.SHOWN_FIELDS + self.HIDDEN_FIELDS
        blank = not self.is_bound and not any(self.initial.get(name) for name in names)
        if blank and CommentForm._blank_markup is not None:
            return CommentForm._blank_markup
        markup = {name: as_crispy_field(self[name]) for name in self.SHOWN_FIELDS}
        markup.update({name: str(self[name]) for name in self.HIDDEN_FIELDS})
        markup = MappingProxyType(markup)
        if blank:
            CommentForm._blank_markup = markup
        return markup

    def clean_name(self):
        name = normal_name(self.cleaned_data["name"])
        if has_invisible_characters(name):
            raise forms.ValidationError(
                "Please use visible letters only: the name contains invisible or "
                "text-direction characters."
            )
        is_staff = self.user is not None and self.user.is_authenticated and self.user.is_staff
        if claims_a_role(name) and not is_staff:
            raise forms.ValidationError(
                "This name is kept for the site's own staff. Please sign with your own name."
            )
        return name

    def clean_email(self):
        return self.cleaned_data["email"].strip()

    def clean_body(self):
        body = self.cleaned_data["body"].replace("\r\n", "\n")
        if any(char in BIDI_CONTROLS for char in body):
            raise forms.ValidationError(
                "The comment contains text-direction control characters; please remove them."
            )
        if has_control_characters(body):
            raise forms.ValidationError(
                "The comment contains control characters that cannot be shown; please remove "
                "them (they sometimes come with text pasted from other programs)."
            )
        if not has_visible_text(body):
            raise forms.ValidationError("The comment has no visible text: write it in words.")
        return unicodedata.normalize("NFC", body)

    def _forget(self, field, value=""):
        """Re-show the form without a value that cannot work (the reader's text stays)."""
        self.data = self.data.copy()
        self.data[field] = value

    def clean_parent(self):
        pk = self.cleaned_data["parent"]
        if pk is None:
            return None
        parent = (
            (Comment.objects.approved().for_article(self.article).select_related("parent"))
            .filter(pk=pk, withdrawn_at__isnull=True)
            .first()
        )
        if parent is None:
            self._forget("parent")
            raise forms.ValidationError(
                "The comment you are replying to is not a published comment on this article."
            )
        self.parent_comment = parent
        return pk

    def clean_started(self):
        self.seconds_to_post = seconds_since_token(self.cleaned_data["started"], self.article)
        return ""

    def clean(self):
        cleaned = super().clean()
        if self.has_error("parent"):
            self._forget("parent")
        if self.seconds_to_post is None:
            self._forget("started", form_token_now(self.article))
            hours = settings.COMMENTS_FORM_MAX_AGE_SECONDS // 3600
            raise forms.ValidationError(
                f"This form was open for more than {hours} hours (or came from another page), "
                "so your comment was not posted yet. Your text is kept below: please check it "
                "and post it again."
            )
        return cleaned


class CommentEditForm(OneValueEach, forms.Form):
    body = forms.CharField(
        label="Comment",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=f"Plain text, up to {COMMENT_MAX_LENGTH:,} characters. Links are allowed.",
    )

    def clean_body(self):
        return CommentForm.clean_body(self)


class ReportForm(OneValueEach, forms.Form):
    reason = forms.ChoiceField(
        choices=CommentReport.Reason.choices,
        widget=forms.RadioSelect,
        label="What is wrong with this comment?",
        error_messages={"required": "Choose what is wrong with the comment."},
    )
    note = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Anything a moderator should know (optional)",
    )

    def clean_note(self):
        note = self.cleaned_data["note"]
        if has_control_characters(note) or has_invisible_characters(note):
            raise forms.ValidationError("The note contains characters that cannot be shown.")
        return note.strip()


class ModerationReasonForm(forms.Form):
    reason = forms.ChoiceField(
        choices=[("", "Choose a reason"), *ModerationEvent.Reason.choices],
        help_text="Recorded in each comment's moderation history.",
    )
    note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="Optional details."
    )


class CommentAdminForm(forms.ModelForm):
    """A moderator may change a comment's words (a phone number, a name), saying why; the
    earlier words are kept in its history."""

    edit_reason = forms.CharField(
        required=False,
        max_length=300,
        label="Why the text is changed",
        help_text="Required when you change the text; kept in the comment's history.",
    )

    class Meta:
        model = Comment
        fields = ["body"]

    def clean_body(self):
        return CommentEditForm.clean_body(self)

    def clean(self):
        cleaned = super().clean()
        if "body" in self.changed_data and not cleaned.get("edit_reason", "").strip():
            self.add_error("edit_reason", "Say why the text is changed.")
        body, comment = cleaned.get("body"), self.instance
        if body and comment.email and "body" in self.changed_data:
            # The database keeps one comment per commenter and words on an article.
            same = Comment.objects.filter(
                article_id=comment.article_id,
                email__iexact=comment.email,
                body_hash=body_fingerprint(body),
            ).exclude(pk=comment.pk)
            if same.exists():
                self.add_error(
                    "body", "This commenter has another comment with these words on the article."
                )
        return cleaned


class StaffReplyForm(forms.Form):
    body = forms.CharField(
        label="Reply", max_length=COMMENT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 6})
    )

    def clean_body(self):
        return CommentEditForm.clean_body(self)


class CommenterDataForm(forms.Form):
    email = forms.EmailField(help_text="The commenter's email address, as they typed it.")
    action = forms.ChoiceField(
        choices=[("export", "Export their data (JSON)"), ("erase", "Erase their data")],
        widget=forms.RadioSelect,
    )
    confirm = forms.BooleanField(
        required=False,
        label="Yes, erase: their comments stay, signed “Former reader”, without email or address",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "erase" and not cleaned.get("confirm"):
            self.add_error("confirm", "Tick the box to erase.")
        return cleaned
