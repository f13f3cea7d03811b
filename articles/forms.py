"""Forms of the editorial admin: the workflow steps, the article import and the ordered rows
of an article (sections, references)."""

from datetime import UTC

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator

from authors.models import Author
from symptomdb.roles import is_editor, may_review

from .importer import ArticleFileError, parse_article, too_big
from .models import Article, Category


class WorkflowForm(forms.Form):
    """One form for every workflow step; ``action`` says which, the other fields serve it."""

    ACTIONS = [
        ("submit", "Submit for review"),
        ("send_back", "Send back to the author"),
        ("sign_off", "Sign off medical review"),
        ("publish", "Publish now"),
        ("schedule", "Schedule publication"),
        ("unpublish", "Unpublish"),
    ]
    action = forms.ChoiceField(choices=ACTIONS)
    note = forms.CharField(
        required=False,
        max_length=200,
        label="What changed (one line for readers)",
        help_text="Required to publish or schedule.",
    )
    message = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="What the author should change",
        help_text="Required to send an article back; the author reads it in the admin and by "
        "email.",
    )
    publish_at = forms.DateTimeField(
        required=False,
        label="Publish at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="For scheduling: a future time.",
    )
    reviewer = forms.ModelChoiceField(
        queryset=Author.objects.none(),
        required=False,
        label="Medically reviewed by",
        help_text="Another clinician than the author.",
    )
    reviewed_on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        label="Review date",
        help_text="Today if empty.",
    )

    # The fingerprint of the text the sign-off form was shown with: a sign-off covers only that.
    seen = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, article, user, **kwargs):
        super().__init__(*args, **kwargs)
        reviewers = Author.objects.exclude(pk=article.author_id)
        # A reviewer who is not an editor records their own review (``sign_off_review``).
        if may_review(user) and not is_editor(user):
            reviewers = reviewers.filter(user=user)
        self.fields["reviewer"].queryset = reviewers

    def clean_publish_at(self):
        moment = self.cleaned_data["publish_at"]
        try:
            # An offset can carry the last day of the year 9999 past what Python holds.
            return moment and moment.astimezone(UTC)
        except OverflowError:
            raise ValidationError("Schedule publication within the next ten years.") from None


class ArticleImportForm(forms.Form):
    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        max_length=settings.ARTICLE_IMPORT_MAX_BYTES,
        label="Paste the article",
        help_text="The plain-text layout: title, category, intro, sections, byline.",
    )
    file = forms.FileField(required=False, label="or upload a .txt file")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        data = super().clean()
        upload, text = data.get("file"), data.get("text")
        if self.errors:
            return data
        if bool(upload) == bool(text and text.strip()):
            raise ValidationError("Paste the article or upload a file (one of the two).")
        if upload:
            if refusal := too_big(upload.size):
                raise ValidationError(refusal[0].upper() + refusal[1:])
            raw = upload.read()
        else:
            raw = text.encode()
        try:
            parsed = parse_article(raw)
        except ArticleFileError as error:
            raise ValidationError(f"Not an article in the expected layout: {error}") from None
        if Article.objects.filter(slug=parsed.slug).exists():
            raise ValidationError(
                f'An article with the slug "{parsed.slug}" already exists; edit it instead.'
            )
        if not (
            self.user.has_perm("articles.add_category")
            or Category.objects.named(parsed.category) is not None
        ):
            raise ValidationError(
                f'There is no category "{parsed.category}"; ask an editor to add it.'
            )
        data["parsed"] = parsed
        return data


MAX_POSITION = 10_000  # far more rows than an article has; well within the column's range


class PositionedForm(forms.ModelForm):
    """Positions are checked across the whole formset, so rows can swap places in one save
    (the model's own checks, the column's range among them, are left out: the form keeps
    positions from 1 to ``MAX_POSITION``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if position := self.fields.get("position"):
            position.min_value, position.max_value = 1, MAX_POSITION
            position.validators += [
                MinValueValidator(1),
                MaxValueValidator(MAX_POSITION),
            ]
            position.widget.attrs.update(min=1, max=MAX_POSITION)

    def _get_validation_exclusions(self):
        return super()._get_validation_exclusions() | {"position"}


class PositionedFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rows = self.model._meta.verbose_name_plural
        self.error_messages["too_many_forms"] = (
            f"An article has at most %(num)d {rows}: delete {rows} until it has no more."
        )

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if (
                not data
                or data.get("DELETE")
                or (form.instance.pk is None and not form.has_changed())
            ):
                continue
            position = data.get("position")
            if position in seen:
                raise ValidationError(
                    f"Two rows have position {position}: give each its own number."
                )
            seen.add(position)
        # Rows this form does not hold: saved by someone else since the page was opened.
        others = self.model.objects.filter(article=self.instance.pk).exclude(
            pk__in=[form.instance.pk for form in self.initial_forms if form.instance.pk]
        )
        if self.instance.pk and (
            taken := sorted(seen & set(others.values_list("position", flat=True)))
        ):
            rows = self.model._meta.verbose_name_plural
            raise ValidationError(
                f"Other {rows} were saved at position {taken[0]} since this page was opened: "
                "reload the page to see them (copy your changes first)."
            )
