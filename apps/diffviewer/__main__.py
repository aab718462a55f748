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
from apps.environment import ConfigError, Integer


PORT = Integer("PORT", 5002, minimum=1, maximum=65535)  # the port to bind when --port is not given


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int)
    parser.add_argument("--no-reload", dest="reload", action="store_false")
    args = parser.parse_args()
    try:
        port = PORT.read() if args.port is None else args.port
        if not sitewide.allowed_hosts():  # a development server answers the loopback names
            os.environ["ALLOWED_HOSTS"] = ",".join(sitewide.DEVELOPMENT_HOSTS)
        app = create_app({"debug": args.reload})
    except ConfigError as error:
        sys.exit(f"diff viewer: {error}")
    static = os.path.join(os.path.dirname(__file__), "static")
    run_simple(args.host, port, app, use_reloader=args.reload, static_files={"/static": static})


if __name__ == "__main__":
    main()
