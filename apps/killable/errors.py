"""The one error killable work raises: a code, a message a person understands, an HTTP status."""

#: The pool's own codes and their statuses; a job's own errors bring their own.
STATUSES = {
    "timeout": 422,  # the job outran its time budget and its process was killed
    "busy": 503,  # every process stayed busy longer than the queue bound
    "worker_crashed": 500,  # the process died while working (or failed to start)
    "too_large": 413,  # the job ran out of memory, or its answer outgrew the reply limit
    "internal_error": 500,  # the job raised something it did not expect
}


class Failure(Exception):
    """Why a job gave no result. ``status`` is the HTTP status an app should answer with."""

    def __init__(self, code: str, message: str, status: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status if status is not None else STATUSES.get(code, 500)

    def __reduce__(self):
        return type(self), (self.code, self.message, self.status)
