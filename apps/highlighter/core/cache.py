"""Cache keys for highlight results, for the web layer's cache and ETags.

A key changes whenever anything that could change the output changes: the
normalized request, the Pygments version, or this core's output contract
(``OUTPUT_VERSION``, bumped by hand when ``render`` changes its output).
Only successful results should be stored under it.
"""

import hashlib
import json

import pygments

from .request import HighlightRequest

PYGMENTS_VERSION = pygments.__version__
OUTPUT_VERSION = 4  # 2: language detection, the detection field; 3: its tokens model; 4: that model a logistic regression


def cache_key(request) -> str:
    """A stable hex SHA-256 of a HighlightRequest (or of the fields for one).

    Field mappings are validated first, so they may raise HighlightError; requests
    that mean the same (alias vs name, omitted vs default fields) get the same key.
    """
    if not isinstance(request, HighlightRequest):
        request = HighlightRequest.from_fields(request)
    fields = request.to_dict()
    code = fields.pop("code")
    del fields["output_limit"]  # bounds the work, not what the output is
    header = json.dumps(
        {"pygments": PYGMENTS_VERSION, "output": OUTPUT_VERSION, "request": fields},
        sort_keys=True, separators=(",", ":"),
    )
    digest = hashlib.sha256(header.encode())
    digest.update(b"\0")
    digest.update(code.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()
