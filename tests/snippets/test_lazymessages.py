"""Messages are stored for a request that adds one, and cost nothing for one that does not."""

from django.contrib import messages
from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.functional import empty

from apps.snippets.lazymessages import LazyMessageMiddleware


def through_middleware(view):
    request = RequestFactory().get("/s/abc")
    request.session = {}  # the fallback storage's second home; the cookie is enough here
    response = LazyMessageMiddleware(lambda request: view(request))(request)
    return request, response


def test_a_request_that_never_touches_messages_makes_no_storage_and_sets_no_cookie():
    request, response = through_middleware(lambda request: HttpResponse("page"))
    assert request._messages._wrapped is empty
    assert "messages" not in response.cookies


def test_a_message_added_is_stored_for_the_next_page():
    def adds(request):
        messages.success(request, "The snippet was deleted.")
        return HttpResponse("redirect")

    _, response = through_middleware(adds)
    assert "messages" in response.cookies
    follow = RequestFactory().get("/")
    follow.COOKIES["messages"] = response.cookies["messages"].value
    follow.session = {}
    LazyMessageMiddleware(lambda request: HttpResponse(""))(follow)
    assert [str(message) for message in get_messages(follow)] == ["The snippet was deleted."]


def test_reading_messages_makes_the_storage():
    request, _ = through_middleware(lambda request: HttpResponse(str(list(get_messages(request)))))
    assert request._messages._wrapped is not empty
