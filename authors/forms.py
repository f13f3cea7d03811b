from django import forms
from django.core.exceptions import ValidationError

from symptomdb.inputs import OneValueEach

from .models import STARS, Author
from .photos import prepare_photo, store_photo


class RatingForm(OneValueEach, forms.Form):
    score = forms.TypedChoiceField(
        choices=[(stars, f"{stars} star{'s' if stars > 1 else ''}") for stars in STARS],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a rating from 1 to 5 stars.",
            "invalid_choice": "A rating is a whole number of stars from 1 to 5.",
        },
    )


class AuthorAdminForm(forms.ModelForm):
    """The admin's author form: an uploaded photo must be a real image, and is cleaned."""

    class Meta:
        model = Author
        fields = ["name", "slug", "credentials", "bio", "photo", "user"]

    stored_photo = None

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        self.prepared_photo = None
        if photo and "photo" in self.changed_data and hasattr(photo, "content_type"):
            self.prepared_photo = prepare_photo(photo)
        return photo

    def clean(self):
        cleaned = super().clean()
        # Written only once everything else is valid, so a refused form leaves no file.
        if getattr(self, "prepared_photo", None) is not None and not self.errors:
            try:
                self.stored_photo = store_photo(self.prepared_photo)
            except ValidationError as error:
                self.add_error("photo", error)
        return cleaned


class DecideRatingsForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the audit record, e.g. “Many ratings from one network in a minute”.",
    )
