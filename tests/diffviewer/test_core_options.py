"""DiffOptions: the defaults, and bad values refused when the options are built."""

import dataclasses

import pytest

from apps.diffviewer.core import WHITESPACE_MODES, DiffOptions


def test_defaults_are_three_lines_of_context_exact_whitespace_and_word_marks():
    opts = DiffOptions()
    assert (opts.context, opts.whitespace, opts.ignore_blank_lines, opts.word_diff) == (3, None, False, True)
    assert not opts.whole_file


def test_context_none_means_the_whole_file():
    assert DiffOptions(context=None).whole_file


@pytest.mark.parametrize("mode", list(WHITESPACE_MODES))
def test_every_whitespace_mode_is_accepted(mode):
    assert DiffOptions(whitespace=mode).whitespace == mode


@pytest.mark.parametrize("context", [-1, "3", 1.5, True])
def test_context_must_be_a_non_negative_int_or_none(context):
    with pytest.raises(ValueError, match="context must be a non-negative integer or None"):
        DiffOptions(context=context)


def test_unknown_whitespace_mode_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"whitespace must be one of None, 'all', 'amount', 'eol', got 'tabs'"):
        DiffOptions(whitespace="tabs")


@pytest.mark.parametrize("field", ["ignore_blank_lines", "word_diff", "moved"])
def test_flags_must_be_booleans(field):
    with pytest.raises(ValueError, match=f"{field} must be True or False"):
        DiffOptions(**{field: "yes"})


def test_options_are_frozen_and_hashable():
    """So they can be shared between requests and used as cache keys."""
    opts = DiffOptions()
    with pytest.raises(dataclasses.FrozenInstanceError):
        opts.context = 5
    assert hash(opts) == hash(DiffOptions())
