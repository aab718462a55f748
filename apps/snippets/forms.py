"""The create, fork and edit forms' parts: a file block (paste or upload, name, language), the
snippet's own fields (title, lifetime), and the owner's language correction, which offers the same
language menu. ``fileforms`` puts several file blocks together."""

from django import forms
from django.conf import settings

from apps import textinput
from apps.snippets import creation, formdata, intake
from apps.snippets.widgets import ListedSelect


def language_menu(catalog):
    """The language menu's ``(value, label)`` choices: auto, plain text, then every lexer offered."""
    choices = ((intake.AUTO, "Auto-detect"), ("text", "Plain text"))
    if catalog is not None and catalog.known:
        choices += catalog.menu
    return choices


class FileForm(forms.Form):
    """One file block of the create, fork and edit forms (``fileforms``): a name, a language, and
    a text pasted or uploaded. A block left blank (no name, no text, no upload) is no file."""

    filename = forms.CharField(required=False, max_length=255, label="File name")
    lexer = forms.CharField(required=False, initial=intake.AUTO, label="Language")
    content = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false"}),
    )
    upload = forms.FileField(required=False, label="or upload a file")
    remove = forms.BooleanField(required=False, label="Remove this file")

    def __init__(self, *args, environ=None, catalog=None, undecodable=None, **kwargs):
        """``undecodable``: field name -> ``intake.Refused`` for text that was not UTF-8
        (``formdata.text_fields``); such a form is never valid."""
        super().__init__(*args, **kwargs)
        self.environ = environ
        self.undecodable = undecodable or {}
        self.fields["lexer"].widget = ListedSelect(choices=language_menu(catalog))
        self.fields["lexer"].help_text = "Auto: from the file name, then the content, then plain text."

    def clean_filename(self):
        return self.checked("file name", self.cleaned_data["filename"])

    def clean_lexer(self):
        try:
            return creation.lexer_choice(self.cleaned_data["lexer"], self.environ)
        except intake.Refused as refused:
            raise forms.ValidationError(refused.message) from None

    def clean_content(self):
        # Browsers send a textarea's lines with CRLF whatever the text had; a pasted shell
        # script must come back out of /raw as it went in. Uploads keep their bytes.
        return textinput.from_textarea(self.cleaned_data["content"])

    @classmethod
    def text_fields(cls):
        """The names of the fields a browser sends as text (all but the upload)."""
        return tuple(name for name, field in cls.base_fields.items() if not isinstance(field, forms.FileField))

    def clean(self):
        """The block's text (pasted, or the upload decoded), checked as one file's; ``blank``:
        nothing was entered (the block is no file; ``fileforms`` decides whether that is an error)."""
        cleaned = super().clean()
        if formdata.show_refused(self, self.undecodable):
            return cleaned
        upload = cleaned.get("upload")
        content = cleaned.get("content") or ""
        cleaned["blank"] = upload is None and not content.strip() and not cleaned.get("filename")
        if cleaned["blank"] or cleaned.get("remove"):
            return cleaned
        if upload is not None:
            if content.strip():
                self.add_error("upload", "Paste the text or upload a file, not both.")
                return cleaned
            if upload.size > settings.SNIPPET_MAX_BYTES:
                self.add_error(
                    "upload",
                    f"The file is {upload.size:,} bytes; the limit is {settings.SNIPPET_MAX_BYTES:,} bytes.",
                )
                return cleaned
            try:
                content = intake.decode_upload(upload.read())
            except intake.Refused as refused:
                self.add_error("upload", refused.message)
                return cleaned
            if not cleaned.get("filename") and "filename" not in self.errors:
                cleaned["filename"] = self.checked("file name", upload.name or "")[:255]
        try:
            cleaned["content"] = intake.check_content(content)
        except intake.Refused as refused:
            self.add_error("upload" if upload is not None else "content", refused.message)
        except forms.ValidationError as error:
            self.add_error("content", error)
        return cleaned

    @staticmethod
    def checked(name, value, check=None):
        """``value`` checked by ``check`` (by default as text, ``intake.check_text``); the
        person's message as the field's error when it is refused."""
        try:
            return check(value) if check else intake.check_text(name, value)
        except intake.Refused as refused:
            raise forms.ValidationError(refused.message) from None


class SnippetForm(FileForm):
    """The create (and fork) form's first block, with what the whole snippet has: its title,
    its lifetime, burn-after-reading, and the honeypot."""

    # The browser keeps a typed title to 200 characters; ``intake.check_title`` cuts what it keeps
    # to as many, after dropping what cannot be seen, as the API does (a max_length here would
    # count the dropped characters and refuse a title the API takes).
    title = forms.CharField(required=False, widget=forms.TextInput(attrs={"maxlength": intake.MAX_TITLE_CHARS}))
    expires = forms.ChoiceField(
        choices=list(intake.EXPIRY_LABELS.items()), initial=intake.DEFAULT_EXPIRY, required=False, label="Expires"
    )
    burn = forms.BooleanField(required=False, label="Burn after reading (shown once, then deleted)")
    # The honeypot: hidden from people by CSS, filled by bots that fill every field.
    website = forms.CharField(
        required=False,
        label="Leave this empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["content"].widget.attrs["autofocus"] = True

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError("This field must be left empty.")
        return ""

    def clean_expires(self):
        return self.cleaned_data["expires"] or intake.DEFAULT_EXPIRY

    def clean_title(self):
        return self.checked("title", self.cleaned_data["title"], intake.check_title)


class LanguageForm(forms.Form):
    """The owner's correction on a snippet's page: the paste form's language menu, one button.

    Only shown; the posted value is checked by ``relabel`` (``creation.lexer_choice``)."""

    lexer = forms.CharField(label="Language")

    def __init__(self, *args, catalog=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lexer"].widget = ListedSelect(choices=language_menu(catalog))
