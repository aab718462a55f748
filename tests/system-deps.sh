#!/bin/sh
# Install the Debian programs the test suite drives (browser, patch, ruby, wrk, slowhttptest, haproxy, pastebinit, npm for axe-core),
# when they are missing and we may. Never downloads a browser of its own.
missing=""
for pair in chromium:chromium patch:patch ruby:ruby wrk:wrk slowhttptest:slowhttptest haproxy:haproxy pastebinit:pastebinit npm:npm; do
  program=${pair%%:*}; package=${pair#*:}
  command -v "$program" >/dev/null 2>&1 || missing="$missing $package"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing:$missing"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
else
  echo "not installed:$missing (tests that need them will be skipped; as root: apt-get install$missing)"
fi
