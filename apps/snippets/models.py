"""A snippet: files someone shared, kept as numbered revisions, with its history (parent) and
lifetime; and the reports visitors make about snippets that break the site's rules (``Report``).

``Snippet`` holds what every revision shares; ``Revision`` (1, 2, 3…) is one state of it;
``File`` is one file of a revision, and the only place a text is kept.
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import connections, models, transaction
from django.urls import reverse
from django.utils import timezone

ID_BYTES = 9  # 72 random bits, 12 URL-safe characters
TOKEN_BYTES = 24  # delete tokens: 192 random bits


def new_id():
    return secrets.token_urlsafe(ID_BYTES)


def new_delete_token():
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token):
    """Only this digest is stored: a leaked database does not let anyone delete."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


# Why a snippet may be reported, and taken down (stored value -> what a person reads).
REASONS = [
    ("spam", "Spam or advertising"),
    ("malware", "Malware or phishing"),
    ("personal", "Personal data or doxxing"),
    ("copyright", "Copyright infringement"),
    ("illegal", "Illegal content"),
    ("other", "Something else"),
]
REPORT_TEXT_CHARS = 2000  # the longest explanation a report keeps

# Where a snippet's language came from. "" is not known: a snippet from before this was
# recorded, or one whose language is not decided yet (auto, and the highlighter not asked).
CHOSEN, FILENAME, DETECTED = "chosen", "filename", "detected"
LEXER_SOURCES = [
    (CHOSEN, "Chosen by a person"),
    (FILENAME, "Decided by the file name"),
    (DETECTED, "Detected from the content"),
]


FORKS_SHOWN = 50  # the newest forks a snippet's page lists


class SnippetQuerySet(models.QuerySet):
    def alive(self, now=None):
        now = now or timezone.now()
        return self.filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now))

    def expired(self, now=None):
        return self.filter(expires_at__lte=now or timezone.now())

    def removed(self):
        return self.filter(removed_at__isnull=False)

    def removed_digest(self, sha256):
        """Whether a file with this content was taken down (its digest is kept for this)."""
        return File.objects.filter(sha256=sha256, revision__snippet__removed_at__isnull=False).exists()

    def family(self, snippet_id, forks=FORKS_SHOWN, now=None):
        """The snippet, its parent and its ``forks`` newest live children (not expired, removed
        or burn-after-reading), each with the first file of its latest revision
        (``Snippet.head``, without its text), in one query. One child more is read when there
        is one, so that the page can say the list goes on: a snippet forked ten thousand times
        costs a view what one forked ``forks + 1`` times does (the partial index on parent and
        creation time finds the live ones in order, past no burn or removed fork).

        Plain SQL: this runs on every page view, and building it with the ORM cost more
        than running it.
        """
        columns = family_columns()
        sql = (
            f"SELECT {columns} FROM {HEAD_JOIN}"
            f" WHERE s.id = %s OR s.id = (SELECT parent_id FROM {SNIPPETS} WHERE id = %s)"
            f" UNION ALL SELECT * FROM (SELECT {columns} FROM {HEAD_JOIN}"
            f" WHERE s.parent_id = %s AND s.id <> %s AND s.removed_at IS NULL AND NOT s.burn_after_reading"
            f" AND (s.expires_at IS NULL OR s.expires_at > %s) ORDER BY s.created_at DESC, s.id LIMIT %s) AS forks"
        )
        moment = connections[self.db].ops.adapt_datetimefield_value(now or timezone.now())
        params = [snippet_id, snippet_id, snippet_id, snippet_id, moment, forks + 1]
        return with_heads(self.db, sql, params, text=False)

    def readable(self, snippet_id):
        """The snippet with its head file and its text (for raw and download), or None; plain SQL too."""
        sql = f"SELECT {family_columns(text=True)} FROM {HEAD_JOIN} WHERE s.id = %s"
        return next(iter(with_heads(self.db, sql, [snippet_id], text=True)), None)


class Snippet(models.Model):
    """What stays the same across revisions: the id, title, lifetime, delete token, parent and
    removal. The text lives in ``File`` rows, one per file of each ``Revision``.

    A one-file snippet still reads as before: ``content``, ``filename``, ``lexer``,
    ``lexer_source``, ``size``, ``sha256`` and the ``declined_*`` notes are those of its
    ``head``, the first file of its latest revision (set on a new snippet, they make its
    revision 1 when it is saved: ``Snippet.objects.create(content="x")`` works). Code that
    handles several files asks ``revisions`` and ``files`` (``apps.snippets.revisions``).
    """

    id = models.CharField(primary_key=True, max_length=32, default=new_id, editable=False)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    title = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    burn_after_reading = models.BooleanField(default=False)
    delete_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    # Taken down for breaking the rules (``takedown``): every file's text, name and lexer are
    # emptied; the id, the digests (to refuse the same text again) and why and by whom stay.
    removed_at = models.DateTimeField(null=True, blank=True, editable=False)
    removed_reason = models.CharField(max_length=20, blank=True, editable=False, choices=REASONS)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SnippetQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        # The live forks only (``family``): burn-after-reading and removed ones, which anyone can make
        # by the thousand, are not in it, so that they are not read past on every view of the parent.
        indexes = [models.Index(fields=["parent", "-created_at"], name="snippet_live_forks_newest",
                                condition=models.Q(burn_after_reading=False, removed_at__isnull=True))]

    def __str__(self):
        return self.title or self.filename or self.id

    @property
    def head(self):
        """The first file of the latest revision (for a new snippet: the one it is being made with)."""
        head = self.__dict__.get("_head")
        if head is None:
            if self._state.adding:
                head = File(position=0)
            else:
                head = File.objects.latest_of(self.pk).defer("content").first() or File(position=0)
            self.__dict__["_head"] = head
        return head

    def save(self, *args, **kwargs):
        """Save; a new snippet given a text through ``content`` is saved with it as revision 1.

        Of an existing snippet's head file, what may change in place is saved too: its language
        and the highlighter's decline note (``HEAD_MUTABLE``). Its name and bytes belong to a
        revision, which never changes: a new one is made by ``revisions.revise``."""
        head = self.__dict__.get("_head")
        first = self._state.adding and head is not None and head.pk is None
        with transaction.atomic():
            super().save(*args, **kwargs)
            if first:
                revision = Revision.objects.create(snippet=self, number=1, created_at=self.created_at)
                head.revision = revision
                head.save()
            elif head is not None and head.pk is not None and not kwargs.get("update_fields"):
                head.save(update_fields=HEAD_MUTABLE)

    def measure(self):
        self.head.measure()

    def get_absolute_url(self):
        return reverse("snippets:detail", args=[self.id])

    @property
    def is_removed(self):
        return self.removed_at is not None

    @property
    def lexer_detected(self):
        """Whether the site guessed the language from the content (no person, no file name chose it)."""
        return self.lexer_source == DETECTED

    @property
    def is_expired(self):
        return self.expires_at is not None and self.expires_at <= timezone.now()

    def set_delete_token(self):
        """Give the snippet a new delete token; returns it (the only time it is known)."""
        token = new_delete_token()
        self.delete_token_hash = hash_token(token)
        return token

    def accepts_delete_token(self, token):
        if not token or not self.delete_token_hash:
            return False
        return hmac.compare_digest(hash_token(token), self.delete_token_hash)


def head_field(name):
    """A property of ``Snippet`` that reads and writes the field ``name`` of its head file."""
    return property(lambda self: getattr(self.head, name), lambda self, value: setattr(self.head, name, value),
                    doc=f"The {name} of the first file of the latest revision.")


HEAD_FIELDS = ("filename", "lexer", "lexer_source", "content", "size", "sha256",
               "declined_key", "declined_notice", "declined_until")
HEAD_MUTABLE = ["lexer", "lexer_source", "declined_key", "declined_notice", "declined_until"]
for _name in HEAD_FIELDS:
    setattr(Snippet, _name, head_field(_name))


class Revision(models.Model):
    """One state of a snippet, numbered 1, 2, 3… per snippet; never changed once made."""

    snippet = models.ForeignKey(Snippet, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["snippet", "number"], name="revision_number_once")]

    def __str__(self):
        return f"{self.snippet_id} revision {self.number}"

    def get_absolute_url(self):
        return reverse("snippets:revision", args=[self.snippet_id, self.number])


class FileQuerySet(models.QuerySet):
    def latest_of(self, snippet_id):
        """The files of a snippet's latest revision, in order."""
        latest = Revision.objects.filter(snippet_id=snippet_id).order_by("-number").values("pk")[:1]
        return self.filter(revision=models.Subquery(latest)).order_by("position")


class File(models.Model):
    """One file of a revision: its name (unique in the revision; empty only for the one file
    of a revision that has no other), its language and its text — the one place a text is kept.

    ``declined_*``: the highlighter declined this file's first rendering (too slow, too large):
    every process shows plain text at once until ``declined_until``, for the rendering named
    by ``declined_key``.
    """

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="files")
    position = models.PositiveSmallIntegerField(default=0, help_text="0, 1, 2… in the order the files were given")
    filename = models.CharField(max_length=255, blank=True)
    lexer = models.CharField(
        max_length=100, blank=True, help_text="Pygments lexer alias; empty: not decided yet (auto)"
    )
    lexer_source = models.CharField(
        max_length=10, blank=True, default="", choices=LEXER_SOURCES,
        help_text="where the language came from; empty: not known (older snippets) or not decided yet",
    )
    content = models.TextField()
    size = models.PositiveIntegerField(help_text="size of the content in bytes (UTF-8)")
    sha256 = models.CharField(max_length=64, db_index=True)  # asked on every create (``removed_digest``)
    declined_key = models.CharField(max_length=100, blank=True, editable=False)
    declined_notice = models.CharField(max_length=300, blank=True, editable=False)
    declined_until = models.DateTimeField(null=True, blank=True, editable=False)

    objects = FileQuerySet.as_manager()

    class Meta:
        ordering = ["revision", "position"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "position"], name="file_position_once"),
            models.UniqueConstraint(fields=["revision", "filename"], name="file_name_once"),
        ]

    def __str__(self):
        return self.filename or f"file {self.position + 1}"

    def save(self, *args, **kwargs):
        if self._state.adding:
            self.measure()
        super().save(*args, **kwargs)

    def measure(self):
        """Set size and digest from the content."""
        data = self.content.encode("utf-8")
        self.size = len(data)
        self.sha256 = hashlib.sha256(data).hexdigest()

    @property
    def snippet_id(self):
        return self.__dict__.get("_snippet_id") or self.revision.snippet_id

    @property
    def lexer_detected(self):
        return self.lexer_source == DETECTED


# The family and raw queries: each snippet joined with the first file of its latest revision.
# Read with a cursor and made into instances with ``from_db``: the ORM's raw() costs more than
# the query itself on a page view (measured: 150 against 30 microseconds).
SNIPPETS, REVISIONS, FILES = "snippets_snippet", "snippets_revision", "snippets_file"
SNIPPET_FIELDS = [field for field in Snippet._meta.concrete_fields if field.attname != "removed_by_id"]
HEAD_FIELDS_READ = {  # in the model's field order, as from_db wants them
    text: [field for field in File._meta.concrete_fields
           if field.attname not in ("revision_id", "position") and (text or field.attname != "content")]
    for text in (False, True)
}
HEAD_JOIN = (
    f"{SNIPPETS} s LEFT JOIN {REVISIONS} r ON r.snippet_id = s.id"
    f" AND r.number = (SELECT MAX(number) FROM {REVISIONS} WHERE snippet_id = s.id)"
    f" LEFT JOIN {FILES} f ON f.revision_id = r.id AND f.position = 0"
)


def family_columns(text=False):
    columns = [f"s.{field.column}" for field in SNIPPET_FIELDS]
    columns += [f"f.{field.column}" for field in HEAD_FIELDS_READ[text]]
    columns += ["r.number", f"(SELECT COUNT(*) FROM {FILES} WHERE revision_id = r.id)"]
    return ", ".join(columns)


def from_database(field, value, alias):
    """A column of a plain query as the ORM would give it (SQLite's dates are text, for one)."""
    converters = CONVERTERS.get((alias, field))
    if converters is None:  # the same for every row: asked once (this runs on every page view)
        connection, column = connections[alias], field.cached_col
        converters = CONVERTERS[alias, field] = [
            (convert, column, connection)
            for convert in connection.ops.get_db_converters(column) + column.get_db_converters(connection)]
    for convert, column, connection in converters:
        value = convert(value, column, connection)
    return value


CONVERTERS = {}  # (database alias, field) -> the backend's converters for it


def with_heads(alias, sql, params, text):
    """The snippets a family or raw query finds, each with its head file (``text``: with its
    content), the number of its latest revision and how many files that has (``file_count``)."""
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    own, head_fields = len(SNIPPET_FIELDS), HEAD_FIELDS_READ[text]
    snippets = []
    for row in rows:
        snippet = instance(Snippet, alias, SNIPPET_FIELDS, row[:own])
        head_values, (revision, file_count) = row[own:-2], row[-2:]
        if head_values[0] is None:  # no revision (should not happen): an empty file
            head = File(position=0, content="", size=0, sha256="")
        else:
            head = instance(File, alias, head_fields, head_values)
        head.__dict__["_snippet_id"] = snippet.pk
        head.__dict__["revision_number"] = revision
        snippet.__dict__["_head"] = head
        snippet.__dict__["file_count"] = file_count or 0  # files in its latest revision
        snippets.append(snippet)
    return snippets


def instance(model, alias, fields, values):
    values = [from_database(field, value, alias) for field, value in zip(fields, values)]
    return model.from_db(alias, [field.attname for field in fields], values)


class Report(models.Model):
    """A visitor's report that a snippet breaks the rules, waiting in the admin's queue.

    The reporter is not stored: only ``reporter`` (an HMAC of their address and the snippet
    id, keyed by ``SECRET_KEY``), which tells apart the reports of one person and of many about
    a snippet, and cannot link a person's reports about two snippets, nor be reversed into an
    address without the key.
    """

    OPEN, DISMISSED, ACTIONED = "open", "dismissed", "actioned"
    STATUSES = [(OPEN, "Open"), (DISMISSED, "Dismissed"), (ACTIONED, "Snippet removed")]

    snippet = models.ForeignKey(Snippet, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(max_length=20, choices=REASONS)
    text = models.TextField(blank=True, max_length=REPORT_TEXT_CHARS)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.CharField(max_length=10, choices=STATUSES, default=OPEN, db_index=True)
    reporter = models.CharField(max_length=64, blank=True, editable=False)
    handled_at = models.DateTimeField(null=True, blank=True, editable=False)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.snippet_id}"


def reporter_digest(address, snippet_id):
    """Who reported, as a keyed digest that only means something for this one snippet."""
    key = settings.SECRET_KEY.encode("utf-8", "surrogatepass")
    message = f"report\0{snippet_id}\0{address or ''}".encode("utf-8", "surrogatepass")
    return hmac.new(key, message, hashlib.sha256).hexdigest()
