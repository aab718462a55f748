"""A real load balancer for tests: Debian's HAProxy in front of our servers, on loopback.

It does what a PaaS router or a load balancer in front of several instances does: routes
``/highlight/`` to the highlighter service and everything else round-robin to the site
instances, appends the client's address to ``X-Forwarded-For``, sets
``X-Forwarded-Proto``, gives each request an ``X-Request-ID``, and probes each server's
``/healthz`` with an IP address as ``Host``, as Kubernetes and AWS ALB probes do.
"""

import contextlib
import csv
import io
import shutil
import socket
import subprocess
from pathlib import Path

from tests.waiting import wait_until

PROBE_HOST = "10.0.0.7"  # the instance's address, as a probe sends it; not in ALLOWED_HOSTS

CONFIG = """\
global
    maxconn 512
    stats socket {stats} mode 600 level admin

defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    option forwardfor
    option httpchk
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host {probe_host}
    http-check expect status 200
    default-server check inter 300ms fall 2 rise 1

frontend public
    bind 127.0.0.1:{port}
    http-request set-header X-Forwarded-Proto http
    http-request set-header X-Request-ID %[uuid()]
    use_backend highlighter if {{ path_beg /highlight/ }}
    default_backend instances

backend instances
    balance roundrobin
{instances}

backend highlighter
{highlighter}
"""


def available():
    return shutil.which("haproxy") is not None


def config_text(port, stats, instances, highlighter=None):
    servers = "\n".join(f"    server {name} 127.0.0.1:{server_port}" for name, server_port in instances.items())
    service = f"    server highlighter 127.0.0.1:{highlighter}" if highlighter else ""
    return CONFIG.format(port=port, stats=stats, probe_host=PROBE_HOST, instances=servers, highlighter=service)


@contextlib.contextmanager
def running(folder, port, instances, highlighter=None, timeout=20):
    """HAProxy on 127.0.0.1:``port`` until every server it knows is up (its own probes say so)."""
    folder = Path(folder)
    stats = folder / "haproxy.sock"
    config = folder / "haproxy.cfg"
    config.write_text(config_text(port, stats, instances, highlighter))
    log = folder / "haproxy.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(["haproxy", "-W", "-db", "-f", str(config)], stdout=output,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        balancer = LoadBalancer(port, stats)
        balancer.wait_until_all_up(process, timeout, log)
        yield balancer
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class LoadBalancer:
    def __init__(self, port, stats):
        self.url = f"http://127.0.0.1:{port}"
        self.stats = stats

    def servers(self):
        """{(backend, server): status} from HAProxy's own view (``show stat``)."""
        with socket.socket(socket.AF_UNIX) as sock:
            sock.connect(str(self.stats))
            sock.sendall(b"show stat\n")
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        rows = csv.DictReader(io.StringIO(data.decode().lstrip("# ")))
        return {(row["pxname"], row["svname"]): row["status"] for row in rows
                if row["svname"] not in ("FRONTEND", "BACKEND")}

    def wait_until_all_up(self, process, timeout, log):
        status = {}

        def all_up():
            nonlocal status
            if process.poll() is not None:
                raise RuntimeError(f"haproxy exited: {log.read_text(errors='replace')[-2000:]}")
            with contextlib.suppress(OSError):
                status = self.servers()
            return status and all(value == "UP" for value in status.values())

        try:
            wait_until(all_up, "every server up behind HAProxy", timeout=timeout, interval=0.1)
        except AssertionError:
            raise RuntimeError(f"not every server came up behind HAProxy: {status}") from None
