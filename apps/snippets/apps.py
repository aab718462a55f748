from django.apps import AppConfig


class SnippetsConfig(AppConfig):
    name = "apps.snippets"
    label = "snippets"
    verbose_name = "Snippets"
    default_auto_field = "django.db.models.BigAutoField"
