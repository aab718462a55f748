"""A <select> for long option lists whose options are rendered to HTML once, not per page.

Django renders every option through its widget templates: for the highlighter's ~600 lexers
that was ~30 ms of each create page (and normalizing the choices ~2 ms more). Here the
options' HTML is made once per list of choices, and the current value is marked
``selected`` in a copy of it.
"""

from functools import lru_cache

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class ListedSelect(forms.Select):
    """``forms.Select`` for flat ``(value, label)`` choices, its options rendered once per list."""

    @property
    def choices(self):
        return self._listed

    @choices.setter
    def choices(self, value):
        # Kept as given: Django's setter normalizes every choice, ~2 ms per form for 600.
        self._listed = tuple(value)

    def render(self, name, value, attrs=None, renderer=None):
        options = options_html(self.choices)
        for selected in self.format_value(value)[:1]:  # a single select marks its first match only
            tag = format_html('<option value="{}">', selected)
            options = options.replace(tag, tag[:-1] + " selected>", 1)
        attrs = self.build_attrs(self.attrs, attrs)
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(attrs), mark_safe(options))


@lru_cache(maxsize=8)
def options_html(choices):
    """``<option>`` tags for ``((value, label), ...)``, escaped."""
    return format_html_join("", '<option value="{}">{}</option>', choices)
