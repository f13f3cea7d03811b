import time
import unicodedata

from django import forms
from django.conf import settings
from django.core import signing

from .models import Comment, ModerationEvent

FORM_STARTED_SALT = "comments.form-started"
# Characters that reorder or hide text: bidi embeddings, overrides and isolates.
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def make_form_token(issued_at=None):
    """A signed timestamp of when the form was shown; tells bots posting instantly apart."""
    return signing.dumps(
        issued_at if issued_at is not None else time.time(), salt=FORM_STARTED_SALT
    )


def seconds_since_token(token):
    """Seconds since the form was shown, or None if the token is missing, altered or expired."""
    try:
        issued_at = signing.loads(
            token, salt=FORM_STARTED_SALT, max_age=settings.COMMENTS_FORM_MAX_AGE_SECONDS
        )
    except (signing.BadSignature, TypeError):
        return None
    return max(0.0, time.time() - float(issued_at))


def has_invisible_characters(text):
    """Format or control characters (zero-width, bidi overrides, …) other than line breaks."""
    return any(
        char in BIDI_CONTROLS
        or (unicodedata.category(char) in {"Cf", "Cc", "Co", "Cs"} and char not in "\n\r\t")
        for char in text
    )


class CommentForm(forms.Form):
    name = forms.CharField(max_length=80, help_text="Shown with your comment.")
    email = forms.EmailField(
        max_length=254, help_text="Never shown publicly. We use it only about your comment."
    )
    body = forms.CharField(
        label="Comment",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6, "data-comment-draft": ""}),
        help_text="Plain text, up to 5,000 characters. Links are allowed.",
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    notify = forms.BooleanField(
        required=False,
        label="Email me when my comment is published and when someone replies",
        help_text="Each email has a link to stop them.",
    )
    # A field people never see: robots fill it in.
    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    error_css_class = "is-invalid"

    def __init__(self, *args, article, **kwargs):
        self.article = article
        super().__init__(*args, **kwargs)
        self.seconds_to_post = None
        self.parent_comment = None
        if not self.is_bound:
            self.initial.setdefault("started", make_form_token())

    def clean_name(self):
        name = self.cleaned_data["name"]
        if has_invisible_characters(name):
            raise forms.ValidationError(
                "Please use visible letters only: the name contains invisible or "
                "text-direction characters."
            )
        return " ".join(name.split())

    def clean_email(self):
        return self.cleaned_data["email"].strip()

    def clean_body(self):
        body = self.cleaned_data["body"]
        if any(char in BIDI_CONTROLS for char in body):
            raise forms.ValidationError(
                "The comment contains text-direction control characters; please remove them."
            )
        return body.replace("\r\n", "\n")

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
            .filter(pk=pk)
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
        self.seconds_to_post = seconds_since_token(self.cleaned_data["started"])
        return ""

    def clean(self):
        cleaned = super().clean()
        if self.has_error("parent"):
            self._forget("parent")
        if self.seconds_to_post is None:
            self._forget("started", make_form_token())
            raise forms.ValidationError(
                "This form had expired, so your comment was not posted yet. "
                "Your text is kept below: please check it and post again."
            )
        return cleaned


class ModerationReasonForm(forms.Form):
    reason = forms.ChoiceField(
        choices=[("", "Choose a reason"), *ModerationEvent.Reason.choices],
        help_text="Recorded in each comment's moderation history.",
    )
    note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="Optional details."
    )
