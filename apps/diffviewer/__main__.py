"""Run the diff viewer alone: ``python -m apps.diffviewer [--host H] [--port P]``.

Serves its own static files here; inside the composite, WhiteNoise serves them.
"""

import argparse
import os
import sys

from werkzeug.serving import run_simple

from apps.diffviewer import create_app
from apps.diffviewer.settings import SettingsError


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 5002)))
    parser.add_argument("--no-reload", dest="reload", action="store_false")
    args = parser.parse_args()
    try:
        app = create_app({"debug": args.reload})
    except SettingsError as error:
        sys.exit(f"diff viewer: {error}")
    static = os.path.join(os.path.dirname(__file__), "static")
    run_simple(args.host, args.port, app, use_reloader=args.reload, static_files={"/static": static})


if __name__ == "__main__":
    main()
