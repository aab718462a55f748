"""The delete tokens of the snippets this user pasted from the command line.

``composite paste`` keeps each snippet's token here, so that ``composite delete`` (and, later,
edits) work from the same account without the token being typed again. One JSON object,
snippet page URL -> token, in ``$COMPOSITE_TOKENS``, else ``$XDG_DATA_HOME/composite/tokens.json``
(``~/.local/share/composite/tokens.json``): readable by its owner only, replaced atomically.
"""

import json
import os
import tempfile
from pathlib import Path

from apps import environment as env


TOKENS = env.Text("COMPOSITE_TOKENS", "")  # the token file, when not in the XDG data folder
DATA_HOME = env.Text("XDG_DATA_HOME", "")  # the XDG base directory for a user's data


def location():
    if TOKENS.read():
        return Path(TOKENS.read())
    return Path(DATA_HOME.read() or Path.home() / ".local" / "share") / "composite" / "tokens.json"


def load(path=None):
    path = path or location()
    try:
        tokens = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # missing, unreadable or damaged: as if empty (the next save rewrites it whole)
    return tokens if isinstance(tokens, dict) else {}


def token_for(page_url, path=None):
    return load(path).get(page_url)


def remember(page_url, token, path=None):
    path = path or location()
    tokens = load(path)
    tokens[page_url] = token
    save(tokens, path)


def forget(page_url, path=None):
    path = path or location()
    tokens = load(path)
    if tokens.pop(page_url, None) is not None:
        save(tokens, path)


def save(tokens, path):
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tokens-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:  # mkstemp made it 0600
            json.dump(tokens, out, indent=1, sort_keys=True)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
