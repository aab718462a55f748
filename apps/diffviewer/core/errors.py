"""The diff core's own refusal: an answer that would be larger than the caller allows.

Like every error a job raises, it carries a ``code``, a ``message`` a person understands and
an HTTP ``status``, so ``apps.killable`` passes it to the web layer unchanged.
"""


class OutputTooLarge(Exception):
    """The diff's answer is (or would certainly be) over ``limit`` bytes."""

    code = "output_too_large"
    status = 413

    def __init__(self, size: int, limit: int, certain_before: bool = False):
        self.size, self.limit = size, limit
        how = "would be at least" if certain_before else "grew past"
        self.message = (
            f"The answer {how} {size:,} bytes; the limit is {limit:,}. "
            "Compare smaller texts, fewer lines of context, or ask for the patch (format=patch)."
        )
        super().__init__(self.message)

    def __reduce__(self):
        return type(self), (self.size, self.limit)
