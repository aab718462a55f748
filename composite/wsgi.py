"""The WSGI entry point of the whole site: ``gunicorn composite.wsgi:application``."""

from composite.site import create_site

application = create_site()
