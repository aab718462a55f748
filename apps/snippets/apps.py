from django.apps import AppConfig


class SnippetsConfig(AppConfig):
    """The paste site. Its options live here, one comment each; read them with
    ``apps.get_app_config("snippets")``. Deployment values (limits, URLs) come from
    ``config/settings.py``."""

    name = "apps.snippets"
    label = "snippets"
    verbose_name = "Snippets"
    default_auto_field = "django.db.models.BigAutoField"

    highlight_timeout = 3.0  # seconds to wait for the highlighter before showing plain text
    catalog_ttl = 300  # seconds the highlighter's lexer and style lists are reused
    catalog_retry = 30  # seconds before asking again after the highlighter did not answer
    rendering_ttl = 24 * 3600  # seconds a highlighted rendering stays in the cache (bounded in bytes too)
    declined_ttl = 600  # seconds a snippet the highlighter declined (too slow, too large) is shown plain without asking
    page_cache_bytes = 32 * 1024 * 1024  # memory per process for whole rendered snippet pages
    page_item_bytes = 2 * 1024 * 1024  # bigger pages are made again from the cached rendering on each view
    markdown_cache_bytes = 8 * 1024 * 1024  # memory per process for rendered Markdown files (renderedmarkdown)
    markdown_item_bytes = 1024 * 1024  # a file's bigger HTML is rendered again on each view (within the page budget)
    default_style = "default"  # Pygments style of a visitor who never picked one
    style_cookie = "snippets_style"  # the cookie that remembers a visitor's style
    dark_style = "monokai"  # in dark mode (site.css), the code's style while the visitor has the default one
    my_snippets_limit = 50  # how many of a visitor's snippets their session remembers
    id_attempts = 5  # fresh ids tried when one is already taken
    refuse_removed_text = True  # refuse a new snippet whose text is exactly one that was taken down (same SHA-256)
    compare_timeout = 5.0  # seconds a revision compare's patch may take (its process is killed after: 422); also its longest wait for a process (503)
    compare_workers = 1  # processes per server process that make revision patches (libgit2), started on first use
    compare_waiting = 2  # requests that may wait for a busy patch process at once; the next is told 503 at once
    compare_page_lines = 5000  # patch lines the compare page shows without a diff viewer (the rest: the .patch)

    def ready(self):
        from apps import sitewide

        sitewide.check_environment()  # a malformed SITE_NAV, HIGHLIGHTER_URL… stops start-up
        from apps.snippets.pagecache import PageCache

        self.pages = PageCache(self.page_cache_bytes, self.page_item_bytes)
        from apps.byteslru import BytesLRU

        self.markdowns = BytesLRU(self.markdown_cache_bytes, self.markdown_item_bytes)
