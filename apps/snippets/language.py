"""Where a snippet's language came from: chosen by a person, named by the file, or detected.

A person chooses it by naming a lexer (in the form, the API, or the owner's correction). With
``auto``, the highlighter decides: from the file name when a lexer's pattern matches it
(``*.py``), else from the content. Only the last is "detected", a guess that may be wrong,
and the page says so ("Python (detected)") so that the owner can correct it (``relabel``).
When the highlighter says what decided (its ``detection.rule``), that is taken; otherwise
the file name is matched against the chosen lexer's patterns, as Pygments matches them.
"""

from apps.snippets.models import CHOSEN, DETECTED, FILENAME


def settle(snippet, rendering, known):
    """Record on an unsaved snippet the language its first rendering used, and why.

    A named lexer is the person's choice. For auto, the rendering's lexer is kept when the
    highlighter decided one; when it could not be asked, or declined (``rendering`` None or
    with a notice), the language stays undecided (``""``) and each view decides it again.
    """
    if snippet.lexer:
        snippet.lexer_source = CHOSEN
    elif rendering is not None and not rendering.notice and rendering.lexer_alias:
        snippet.lexer = rendering.lexer_alias[:100]
        snippet.lexer_source = source_of(snippet.filename, rendering, known)
    else:
        snippet.lexer_source = ""


def source_of(filename, rendering, known):
    """FILENAME or DETECTED: how the highlighter chose the lexer of ``rendering`` for auto."""
    if rendering.lexer_rule:
        return FILENAME if rendering.lexer_rule == "filename" else DETECTED
    return FILENAME if filename and known.names_file(rendering.lexer_alias, filename) else DETECTED


def label(name, detected):
    """A language as pages name it: "Python", or "Python (detected)" when the site guessed it."""
    return f"{name} (detected)" if detected else name


def detected(snippet, rendering, known):
    """Whether the page should say that the language it shows was detected, not chosen.

    A plain-text fallback (the rendering has a notice) claims nothing; a snippet whose
    language is still undecided was just detected by this very rendering (or named by its file).
    """
    if rendering.notice:
        return False
    if snippet.lexer:
        return snippet.lexer_source == DETECTED
    return source_of(snippet.filename, rendering, known) == DETECTED
