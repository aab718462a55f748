"""``manage.py collectstatic`` for the whole site, not only the paste site.

A PaaS buildpack (Heroku's, Dokku's) runs ``python manage.py collectstatic --noinput``
during the build. Django's own command gathers the paste site's files; this one then
gathers the highlighter's, the diff viewer's and the site-wide ones beside them
(``composite.static``), so the built slug serves all three apps' static files.
"""

from django.contrib.staticfiles.management.commands.collectstatic import Command as DjangoCollectStatic

from composite import static


class Command(DjangoCollectStatic):
    help = "Collect the static files of every app of the site (the paste site's with Django's collectstatic)."

    def handle(self, **options):
        result = super().handle(**options)
        static.collect_apps()
        if options["verbosity"] >= 1:
            self.stdout.write(f"Collected the other apps' static files under {static.static_root()}.")
        return result
