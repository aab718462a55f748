"""Several file blocks in one form: the create and fork forms (``SnippetForm`` first, with the
snippet's title and lifetime) and the owner's edit form (``FileForm`` blocks only).

Block 1's fields keep the names the one-file form always had (``content``, ``filename``,
``lexer``, ``upload``), so every client that posts the form keeps working; block k (2, 3, …)
has them prefixed ``file<k>-``. The hidden field ``files`` says how many blocks the form has
(1 to ``SNIPPET_MAX_FILES``). The button ``add`` ("Add another file") shows the form again with
one more empty block, keeping what was typed, and stores nothing: adding a file needs no
JavaScript. A blank block is no file; "Remove this file" drops one. The files left are
checked together (``intake.check_files``: count, names, all their bytes).
"""

from dataclasses import replace

from django.conf import settings

from apps.snippets import formdata, intake
from apps.snippets.forms import FileForm
from apps.snippets.models import DETECTED, FILENAME

COUNT_FIELD = "files"
ADD_BUTTON = "add"


def prefix(index):
    """The field prefix of block ``index`` (0-based): none for the first."""
    return None if index == 0 else f"file{index + 1}"


def field_name(index, name):
    return name if index == 0 else f"{prefix(index)}-{name}"


def initial_lexer(file):
    """The language menu's value for a stored file: its lexer when a person chose it, else auto
    (a file whose text or name changes is decided again; nobody claims to have chosen it)."""
    if file.lexer_source in (FILENAME, DETECTED):
        return intake.AUTO
    return file.lexer or intake.AUTO


def initial_of(file):
    """A block's initial values for a stored ``File`` (or a one-file ``Snippet``)."""
    return {"filename": file.filename, "lexer": initial_lexer(file), "content": file.content}


class FileBlocks:
    """The file blocks of one form, bound to a request or filled with initial values."""

    def __init__(self, forms, adding=False):
        self.forms = forms
        self.adding = adding  # "Add another file" was pressed: show again, store nothing
        self.errors = []  # about the files together (too many, same name twice, too large)
        self.uploads = None

    @property
    def first(self):
        return self.forms[0]

    @property
    def count(self):
        return len(self.forms)

    @property
    def can_add(self):
        return self.count < settings.SNIPPET_MAX_FILES

    @property
    def more(self):
        """The blocks after the first, each with its number (2, 3, …)."""
        return [(index + 1, form) for index, form in enumerate(self.forms) if index > 0]

    @classmethod
    def initial(cls, first_class, files=(), first_initial=None, **options):
        """Unbound blocks: one per stored file (at least one), the first also given ``first_initial``."""
        initials = [initial_of(file) for file in files] or [{}]
        initials[0] = {**initials[0], **(first_initial or {})}
        return cls(make_forms(first_class, initials, **options))

    @classmethod
    def posted(cls, request, first_class, **options):
        """The blocks a browser posted (``formdata.keep_bytes`` ran first: ``views.strict_text``)."""
        names = [COUNT_FIELD] + [field_name(index, name)
                                 for index in range(settings.SNIPPET_MAX_FILES)
                                 for name in (first_class if index == 0 else FileForm).text_fields()]
        fields, refused = formdata.text_fields(request, names)
        count = sent_count(fields.get(COUNT_FIELD))
        forms = []
        for index in range(count):
            form_class = first_class if index == 0 else FileForm
            mine = {name: refused.pop(field_name(index, name))
                    for name in (*form_class.text_fields(), "upload") if field_name(index, name) in refused}
            forms.append(form_class(fields, request.FILES, prefix=prefix(index), undecodable=mine, **options))
        if refused:  # fields of blocks past the count: refused as any, on the first block
            forms[0].undecodable.update({"content": next(iter(refused.values()))})
        blocks = cls(forms, adding=ADD_BUTTON in request.POST)
        if blocks.adding:
            return blocks.with_one_more(first_class, **options)
        return blocks

    def with_one_more(self, first_class, **options):
        """The same blocks unbound, showing what was entered (an upload as its text when it
        could be read), and one more empty block (if the limit allows)."""
        initials = [entered(form) for form in self.forms]
        if len(initials) < settings.SNIPPET_MAX_FILES:
            initials.append({})
        return FileBlocks(make_forms(first_class, initials, **options), adding=True)

    def is_valid(self):
        """Every block valid, at least one file, and the files valid together; then ``uploads``
        holds them (``intake.Upload``s, lexers already checked)."""
        if self.adding:
            return False
        valid = [form.is_valid() for form in self.forms]
        if not all(valid):
            return False
        kept = [form.cleaned_data for form in self.forms
                if not form.cleaned_data["blank"] and not form.cleaned_data["remove"]]
        if not kept:
            try:
                intake.check_content(self.first.cleaned_data.get("content") or "")
            except intake.Refused as refused:
                self.first.add_error("content", refused.message)
            return False
        uploads = [intake.Upload(data["filename"], data["content"], data["lexer"]) for data in kept]
        if len(uploads) == 1:  # the one-file form's name, taken as it always was (the last part of a path)
            uploads = [replace(uploads[0], filename=intake.one_file_name(uploads[0].filename))]
        try:
            checked = intake.check_files(uploads)
        except intake.Refused as refused:
            self.errors.append(refused.message)
            return False
        self.uploads = checked
        return True

    def add_error(self, message):
        self.errors.append(message)

    @property
    def has_errors(self):
        return bool(self.errors) or any(form.is_bound and form.errors for form in self.forms)


def make_forms(first_class, initials, **options):
    return [(first_class if index == 0 else FileForm)(initial=initial, prefix=prefix(index), **options)
            for index, initial in enumerate(initials)]


def sent_count(value):
    """How many blocks the form says it has, within 1 and ``SNIPPET_MAX_FILES``."""
    try:
        count = int(value or 1)
    except ValueError:
        count = 1
    return min(max(count, 1), settings.SNIPPET_MAX_FILES)


def entered(form):
    """What a bound block holds, as initial values for showing it again."""
    if form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("upload", None)
        data["lexer"] = data.get("lexer") or intake.AUTO
        data.pop("blank", None)
        return data
    return {name: form.data.get(form.add_prefix(name), "") for name in form.text_fields()}
