"""``{{ value|when }}``: a time as ``<time>`` with relative words and the exact UTC time (``times``)."""

from django import template

from apps.snippets import times

register = template.Library()


@register.filter
def when(moment):
    return times.when(moment) if moment else ""
