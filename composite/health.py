"""``/healthz``: one JSON answer for the whole site, built from each app's own health check.

Each app answers ``<its mount>/_health`` (the paste site runs a real database query there);
this endpoint asks all three in-process and says 200 only when every one is fine. It
answers whatever the request's Host (a load balancer probes by address) and asks the apps
as the site's own host, never the probe's.
"""

import json

import httpx

from composite.services import ENVIRON_KEY

PATH = "/healthz"


class HealthCheck:
    def __init__(self, app, mounts):
        self.app = app
        self.mounts = mounts  # app name -> mount prefix

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != PATH:
            return self.app(environ, start_response)
        report = self.check_all(environ)
        healthy = all(item["status"] == "ok" for item in report.values())
        body = json.dumps({"status": "ok" if healthy else "fail", "apps": report}).encode()
        start_response(
            "200 OK" if healthy else "503 Service Unavailable",
            [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(body))),
                ("Cache-Control", "no-store"),
            ],
        )
        return [body]

    def check_all(self, environ):
        with environ[ENVIRON_KEY](own_host=True) as client:  # set by InProcessHTTP, which wraps us
            return {name: self.check(client, prefix) for name, prefix in self.mounts.items()}

    @staticmethod
    def check(client, prefix):
        try:
            response = client.get(prefix + "/_health")
            data = response.json()
        except (httpx.HTTPError, ValueError) as error:
            return {"status": "fail", "error": f"{type(error).__name__}: {error}"}
        if not isinstance(data, dict):
            return {"status": "fail", "error": f"{response.status_code}: not a health report"}
        if response.status_code != 200:
            data.setdefault("status", "fail")
        return data
