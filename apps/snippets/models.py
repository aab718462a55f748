"""A snippet: a piece of text someone shared, with its history (parent) and lifetime."""

import hashlib
import hmac
import secrets

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


FAMILY_COLUMNS = (
    "id, parent_id, title, filename, lexer, size, sha256, created_at, expires_at, burn_after_reading,"
    " declined_key, declined_notice, declined_until"
)


class SnippetQuerySet(models.QuerySet):
    def alive(self, now=None):
        now = now or timezone.now()
        return self.filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now))

    def expired(self, now=None):
        return self.filter(expires_at__lte=now or timezone.now())

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
        sql = f"SELECT id, content, sha256, filename, expires_at, burn_after_reading FROM {table} WHERE id = %s"
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

    objects = SnippetQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.title or self.filename or self.id

    def save(self, *args, **kwargs):
        if "content" in self.__dict__:  # not deferred: keep size and digest in step with it
            self.measure()
        super().save(*args, **kwargs)

    def measure(self):
        """Set size and digest from the content."""
        data = self.content.encode("utf-8")
        self.size = len(data)
        self.sha256 = hashlib.sha256(data).hexdigest()

    def get_absolute_url(self):
        return reverse("snippets:detail", args=[self.id])

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
