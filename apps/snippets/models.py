"""A snippet: a piece of text someone shared, with its history (parent) and lifetime; and the
reports visitors make about snippets that break the site's rules (``Report``)."""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
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


FAMILY_COLUMNS = (
    "id, parent_id, title, filename, lexer, lexer_source, size, sha256, created_at, expires_at, burn_after_reading,"
    " declined_key, declined_notice, declined_until, removed_at, removed_reason"
)


class SnippetQuerySet(models.QuerySet):
    def alive(self, now=None):
        now = now or timezone.now()
        return self.filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now))

    def expired(self, now=None):
        return self.filter(expires_at__lte=now or timezone.now())

    def removed(self):
        return self.filter(removed_at__isnull=False)

    def removed_digest(self, sha256):
        """Whether a snippet with this content was taken down (the digest is kept for this)."""
        return self.removed().filter(sha256=sha256).exists()

    def family(self, snippet_id):
        """The snippet, its parent and its children, in one query and without content.

        Plain SQL: this runs on every page view, and building it with the ORM cost more
        than running it.
        """
        table = self.model._meta.db_table
        sql = (
            f"SELECT {FAMILY_COLUMNS} FROM {table} WHERE id = %s OR parent_id = %s"
            f" OR id = (SELECT parent_id FROM {table} WHERE id = %s)"
        )
        return self.model.objects.raw(sql, [snippet_id, snippet_id, snippet_id])

    def readable(self, snippet_id):
        """The snippet with its content (for raw and download), or None; plain SQL too."""
        table = self.model._meta.db_table
        sql = (
            f"SELECT id, content, sha256, filename, created_at, expires_at, burn_after_reading, removed_at, removed_reason"
            f" FROM {table} WHERE id = %s"
        )
        return next(iter(self.model.objects.raw(sql, [snippet_id])), None)


class Snippet(models.Model):
    id = models.CharField(primary_key=True, max_length=32, default=new_id, editable=False)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    title = models.CharField(max_length=200, blank=True)
    filename = models.CharField(max_length=255, blank=True)
    lexer = models.CharField(
        max_length=100, blank=True, help_text="Pygments lexer alias; empty: not decided yet (auto)"
    )
    # db_default: added in place (no table copy on SQLite), and rows written by code from before
    # it (a rolling deploy) are "not known" too.
    lexer_source = models.CharField(
        max_length=10, blank=True, default="", db_default="", choices=LEXER_SOURCES,
        help_text="where the language came from; empty: not known (older snippets) or not decided yet",
    )
    content = models.TextField()
    size = models.PositiveIntegerField(help_text="size of the content in bytes (UTF-8)")
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    burn_after_reading = models.BooleanField(default=False)
    delete_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    # The highlighter declined the first rendering (too slow, too large): every process shows
    # plain text at once until declined_until, for the rendering named by declined_key.
    declined_key = models.CharField(max_length=100, blank=True, editable=False)
    declined_notice = models.CharField(max_length=300, blank=True, editable=False)
    declined_until = models.DateTimeField(null=True, blank=True, editable=False)
    # Taken down for breaking the rules (``takedown``): the content, names and lexer are
    # emptied; the id, the digest (to refuse the same text again) and why and by whom stay.
    removed_at = models.DateTimeField(null=True, blank=True, editable=False)
    removed_reason = models.CharField(max_length=20, blank=True, editable=False, choices=REASONS)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SnippetQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [  # only removed snippets: a small index, asked on every create
            models.Index(fields=["sha256"], condition=models.Q(removed_at__isnull=False), name="snippet_removed_sha256"),
        ]

    def __str__(self):
        return self.title or self.filename or self.id

    def save(self, *args, **kwargs):
        if "content" in self.__dict__ and not self.is_removed:  # not deferred: keep size and digest in step
            self.measure()  # (a removed snippet keeps the digest of the text it had)
        super().save(*args, **kwargs)

    def measure(self):
        """Set size and digest from the content."""
        data = self.content.encode("utf-8")
        self.size = len(data)
        self.sha256 = hashlib.sha256(data).hexdigest()

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
