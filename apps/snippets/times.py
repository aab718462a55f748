"""Times as a person reads them: "3 minutes ago", "in 59 minutes", with the exact UTC time kept.

Every time a snippet page, its history or "My snippets" shows is written on the server as
``<time datetime="2026-12-07T06:37:00+00:00" title="2026-12-07 06:37 UTC">3 minutes ago</time>``
(``when``): relative words in the page, no script needed, and the exact time in the
``datetime`` attribute for programs and in the tooltip for people. The words come from Django's
``timesince``/``timeuntil`` cut to their largest unit. A page kept in the page cache has the
words it shows in its key (``phrase``), so a cached page never says a stale "3 minutes ago".
"""

from datetime import timezone as tz

from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince, timeuntil

EXACT = "%Y-%m-%d %H:%M UTC"
NOW = 60  # seconds either side of now that read as "just now" / "in less than a minute"


def phrase(moment, now=None):
    """``moment`` relative to ``now``: "just now", "3 minutes ago", "in 59 minutes", "in 1 day"."""
    now = now or timezone.now()
    seconds = (moment - now).total_seconds()
    if seconds > 0:
        return "in less than a minute" if seconds < NOW else f"in {timeuntil(moment, now, depth=1)}"
    return "just now" if -seconds < NOW else f"{timesince(moment, now, depth=1)} ago"


def exact(moment):
    """The UTC time to the minute, as pages have always shown it: "2026-12-07 06:37 UTC"."""
    return moment.astimezone(tz.utc).strftime(EXACT)


def when(moment, now=None):
    """The ``<time>`` element for ``moment``: relative words, the exact time kept."""
    return format_html('<time datetime="{}" title="{}">{}</time>', moment.astimezone(tz.utc).isoformat(),
                       exact(moment), phrase(moment, now))
