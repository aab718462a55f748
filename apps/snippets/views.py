"""Pages of the paste site: create, view, raw text; and the app's health check."""

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from apps.snippets import highlighting
from apps.snippets.forms import SnippetForm
from apps.snippets.models import Snippet


def create(request):
    form = SnippetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        snippet = form.save()
        return redirect(snippet)
    return render(request, "snippets/create.html", {"form": form}, status=400 if form.errors else 200)


@require_safe
def detail(request, snippet_id):
    snippet = get_object_or_404(Snippet.objects.alive(), pk=snippet_id)
    rendering = highlighting.highlight(snippet, request.META)
    return render(request, "snippets/detail.html", {"snippet": snippet, "rendering": rendering})


@require_safe
def raw(request, snippet_id):
    snippet = get_object_or_404(Snippet.objects.alive(), pk=snippet_id)
    response = HttpResponse(snippet.content, content_type="text/plain; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any database failure means "not healthy", with its reason
        return JsonResponse({"status": "fail", "database": f"{type(error).__name__}: {error}"}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})
