from django import forms
from django.conf import settings

from apps.snippets.models import Snippet


class SnippetForm(forms.ModelForm):
    # Not stripped: the snippet is stored exactly as given, trailing newline and all.
    content = forms.CharField(strip=False, widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false"}))

    class Meta:
        model = Snippet
        fields = ["title", "filename", "lexer", "content"]

    def clean_content(self):
        content = self.cleaned_data["content"]
        if not content.strip():
            raise forms.ValidationError("The snippet is empty.")
        if "\x00" in content:
            raise forms.ValidationError("The snippet contains NUL bytes; only text can be shared.")
        size = len(content.encode("utf-8", "surrogatepass"))
        if size > settings.SNIPPET_MAX_BYTES:
            raise forms.ValidationError(
                f"The snippet is {size:,} bytes; the limit is {settings.SNIPPET_MAX_BYTES:,} bytes."
            )
        return content
