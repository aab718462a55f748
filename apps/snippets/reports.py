"""Reports of snippets that break the rules: checked the same way from the page and the API,
stored for the admin's queue (``admin.ReportAdmin``), never touching the snippet itself.

A report reads no content: a burn-after-reading snippet can be reported without being burned.
The reporter's address is not stored, only a keyed digest (``models.reporter_digest``).
"""

from django import forms

from apps.snippets import formdata, intake
from apps.snippets.models import REASONS, REPORT_TEXT_CHARS, Report, reporter_digest


class ReportForm(forms.Form):
    reason = forms.ChoiceField(choices=REASONS, widget=forms.RadioSelect, label="What is wrong with it?")
    text = forms.CharField(
        required=False,
        max_length=REPORT_TEXT_CHARS,
        label="Details (optional; required for “something else”)",
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": REPORT_TEXT_CHARS}),
    )

    def __init__(self, *args, undecodable=None, **kwargs):
        """``undecodable``: field name -> ``intake.Refused`` for text that was not UTF-8 or held
        NUL (``formdata.text_fields``); such a form is never valid, and says only that."""
        super().__init__(*args, **kwargs)
        self.undecodable = undecodable or {}

    def clean_text(self):
        text = self.cleaned_data["text"]
        try:
            return intake.check_text("text", text)
        except intake.Refused as refused:
            raise forms.ValidationError(refused.message) from None

    def clean(self):
        cleaned = super().clean()
        if formdata.show_refused(self, self.undecodable):
            return cleaned
        if cleaned.get("reason") == "other" and not (cleaned.get("text") or "").strip():
            self.add_error("text", "Say what is wrong with it when the reason is “something else”.")
        return cleaned

    def first_error(self):
        """One sentence for the API: the first field's first error, named."""
        for name, errors in self.errors.items():
            return f"{name}: {errors[0]}" if name != "__all__" else errors[0]
        return ""


def file_report(snippet, reason, text, address):
    """Store a checked report about ``snippet`` (which must not be removed) and return it."""
    return Report.objects.create(
        snippet_id=snippet.pk, reason=reason, text=text.strip(), reporter=reporter_digest(address, snippet.pk)
    )
