"""The ``composite`` command: run the whole site in development, prepare it for deployment,
and use any composite site from a terminal.

    composite serve        the whole site on http://127.0.0.1:8000 (reloader, debugger)
    composite prepare      apply migrations and collect static files (release / build step)
    composite check        load the configuration and all three apps, report problems

    composite paste | get | edit | delete | diff    a site's HTTP API (composite.pastecommands)
"""

import argparse
import os
import sys

from apps import environment as env
from composite import pastecommands

HOST = env.Text("HOST", "127.0.0.1")  # the address `composite serve` binds (gunicorn's is in config/web.py)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="composite", description=__doc__.split("\n\n")[0].replace("\n", " "))
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the whole site for development")
    serve.add_argument("--host", help="default: $HOST, else 127.0.0.1")
    serve.add_argument("--port", type=int, help="default: $PORT, else 8000")
    serve.add_argument("--no-reload", dest="reload", action="store_false", help="no reloader/debugger")
    commands.add_parser("prepare", help="apply migrations and collect static files")
    commands.add_parser("check", help="load the configuration and every app")
    pastecommands.add_commands(commands, argparse.RawDescriptionHelpFormatter)
    args = parser.parse_args(argv)
    if args.command in pastecommands.COMMANDS:
        return pastecommands.run(args)  # a client of a site's HTTP API: nothing of the site loads

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    try:
        if args.command == "serve":
            return serve_site(args)
        if args.command == "prepare":
            prepare()
            return 0
        if args.command == "check":
            return check()
    except (ConfigurationProblem, env.ConfigError) as problem:
        print(f"composite: configuration problem: {problem}", file=sys.stderr)
        return 2
    return 0


class ConfigurationProblem(Exception):
    pass


def load_site(**overrides):
    """The whole site (``overrides``: composite settings from the command line), or a
    ConfigurationProblem naming what is wrong."""
    from django.core.exceptions import ImproperlyConfigured

    try:
        from composite.settings import CompositeSettings
        from composite.site import create_site

        return create_site(CompositeSettings.from_env(**overrides))
    except (ImproperlyConfigured, env.ConfigError) as error:
        raise ConfigurationProblem(str(error)) from None


def prepare(verbosity=1, **overrides):
    load_site(**overrides)
    from django.core.management import call_command

    from composite import static

    call_command("migrate", interactive=False, verbosity=verbosity)
    static.collect(verbosity=verbosity)


def check():
    load_site()
    from django.core.management import call_command

    call_command("check")
    print("composite: configuration and apps load fine.")
    return 0


def serve_site(args):
    import logging

    from werkzeug.serving import is_running_from_reloader, run_simple

    from composite import logs

    logging.getLogger("werkzeug").addFilter(logs.DevelopmentServerLines())
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DEBUG_ERROR_PAGES", "false")  # the site's own 404/410 pages, as production
    from apps import sitewide
    from composite.settings import PORT

    host, port = args.host or HOST.read(), args.port or PORT.read()
    if not is_running_from_reloader():
        prepare(verbosity=0, port=str(port))  # a Host naming the port we bind is allowed
    app = load_site(port=str(port))
    debug = args.reload and sitewide.DEBUG.read()
    if not is_running_from_reloader():
        shown = f"[{host}]" if ":" in host else host
        print(f"\ncomposite: the whole site is at  http://{shown}:{port}/   (Ctrl+C stops it)\n", flush=True)
    run_simple(
        host,
        port,
        app,
        use_reloader=args.reload,
        use_debugger=debug,
        threaded=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
