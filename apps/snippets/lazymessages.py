"""Django's messages, set up only for a request that reads or adds one.

``MessageMiddleware`` makes each request's message storage at once: a cookie storage (with
its HMAC signer) inside a fallback storage, then, on the way out, an update that looks at
both. Most requests never use it: a repeat view of a snippet page, raw text, the API. On a
cached snippet page that was 4 % of the worker's CPU (docs/performance.md, "Paste site vs
peers"). Here the storage is made the first time something touches ``request._messages`` (a
view adding a message, a template listing them), and a request that never did has nothing to
store either: its answer is left as it is.
"""

from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.utils.functional import SimpleLazyObject, empty


class LazyMessageMiddleware(MessageMiddleware):
    def process_request(self, request):
        request._messages = SimpleLazyObject(lambda: default_storage(request))  # noqa: SLF001 (Django's own attribute)

    def process_response(self, request, response):
        messages = getattr(request, "_messages", None)
        if isinstance(messages, SimpleLazyObject) and messages._wrapped is empty:  # noqa: SLF001
            return response  # never made: no message was read or added
        return super().process_response(request, response)
