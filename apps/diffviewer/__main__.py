"""Run the diff viewer alone: ``python -m apps.diffviewer [--host H] [--port P]``.

Serves its own static files here; inside the composite, WhiteNoise serves them. Answers
the hosts in ``ALLOWED_HOSTS``, or the loopback names when it is unset.
"""

import argparse
import os
import sys

from werkzeug.serving import run_simple

from apps import sitewide
from apps.diffviewer import create_app
from apps.diffviewer.settings import SettingsError


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 5002)))
    parser.add_argument("--no-reload", dest="reload", action="store_false")
    args = parser.parse_args()
    if not sitewide.allowed_hosts():  # a development server answers the loopback names
        os.environ["ALLOWED_HOSTS"] = ",".join(sitewide.DEVELOPMENT_HOSTS)
    try:
        app = create_app({"debug": args.reload})
    except SettingsError as error:
        sys.exit(f"diff viewer: {error}")
    static = os.path.join(os.path.dirname(__file__), "static")
    run_simple(args.host, args.port, app, use_reloader=args.reload, static_files={"/static": static})


if __name__ == "__main__":
    main()
