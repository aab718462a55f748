"""Our site as a peer in ../shared/peers/bench.py, so the full suite runs on it too.

    bash ../shared/peers/setup.sh
    .venv/bin/python bench/peers_composite.py                      # dpaste, pinnwand, composite
    .venv/bin/python bench/peers_composite.py --peers pinnwand,composite --skip-stock

Every bench.py option works (``--duration``, ``--skip-hostile``, ``--json``…); ``--peers``
defaults to all three. bench.py is loaded from its path, not copied: this file adds only the
``Composite`` peer (the Procfile's ``web:`` command with ``config/gunicorn.conf.py``, a fresh
SQLite database per run, the environment of ``tests/servers.site_environment``).
"""

import importlib.util
import json
import subprocess
import sys
import urllib.parse
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEERS_BENCH = ROOT.parent / "shared" / "peers" / "bench.py"
sys.path.insert(0, str(ROOT))

from tests import servers  # noqa: E402


def load_bench():
    spec = importlib.util.spec_from_file_location("peers_bench", PEERS_BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


bench = load_bench()


class Composite(bench.Peer):
    name = "composite"

    @property
    def server_note(self):
        env = self.environment()
        return (f"Procfile web: gunicorn {env['WEB_CONCURRENCY']} workers, gthread x{env.get('WEB_THREADS', '4')} "
                "threads (config/gunicorn.conf.py), DEBUG=False, SQLite")

    def environment(self):
        return servers.site_environment(Path(self.run_dir) / "composite", HOST="127.0.0.1", PORT=str(self.port))

    def command(self):
        env = self.environment()
        servers.migrate(env)  # the Procfile's release: line, on this run's fresh database
        web = servers.procfile_command("web")
        argv = [str(ROOT / ".venv" / "bin" / "gunicorn") if word == "gunicorn" else word for word in web.split()]
        argv[argv.index("--config") + 1] = str(ROOT / "config" / "gunicorn.conf.py")
        return [*argv, "--chdir", str(ROOT)], env

    def create(self, content, lexer, filename=None, timeout=20.0):
        fields = {"content": content, "lexer": lexer}
        if filename:
            fields["filename"] = filename
        response = bench.http("POST", self.base + "/api/snippets", json.dumps(fields).encode(),
                              {"Content-Type": "application/json", "Accept": "application/json"}, timeout)
        path = None
        if response.status == 201:
            path = urllib.parse.urlsplit(json.loads(response.body)["url"]).path
        return response, path

    def raw_path(self, detail_path):
        return detail_path.rstrip("/") + "/raw"

    def versions(self):
        return "  ".join(f"{name} {version(name)}" for name in ("Django", "Flask", "Werkzeug", "Pygments", "gunicorn"))


def main():
    bench.PEERS["composite"] = Composite
    if not any(arg == "--peers" or arg.startswith("--peers=") for arg in sys.argv[1:]):
        sys.argv[1:1] = ["--peers", "dpaste,pinnwand,composite"]
    bench.main()


if __name__ == "__main__":
    main()
