"""The labelled files that language detection is measured on, fetched from package registries.

Real source files from real projects, 24 languages, in sets that share no project: `tune`
(the only set the detector's rules and threshold were tuned on), `eval` (the set the goal is
measured on) and `eval2` (built after the learned model of bench/train_detect.py was frozen, from
projects that no other set, training included, has: a second, fresh measure). Every file of
tune and eval comes from a pinned package version of Debian (binary or source package), or the
npm registry; eval2's from a pinned commit of a public GitHub repository (kind `git`, read from
a local mirror as bench/detect_train_corpus.py reads its own). `bench/detect_corpus.tsv` names
each one (set, language, kind, package, version, path inside, SHA-256), so anyone rebuilds
exactly the same set:

    .venv/bin/python bench/detect_corpus.py            # -> bench/corpus/<set>/<language>/<file>

Needs apt-get (Debian bookworm, as this machine) and npm. Source packages are fetched with a
private deb-src list kept under the cache folder; nothing in /etc is changed.
`--select` rebuilds the manifest from SOURCES below (for whoever changes the set): it keeps
files of 300 B to 300 KB that decode as UTF-8 and have at least 10 lines, and takes `count` of
them evenly spread over the sorted names. `--select --set eval2` rebuilds the rows of one set
only (a git source is pinned at its mirror's newest commit) and checks that eval2 shares no
project or file with tune, eval or the training set.
"""

import argparse
import csv
import hashlib
import io
import re
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "detect_corpus.tsv"
CORPUS = HERE / "corpus"
CACHE = CORPUS / ".cache"
FIELDS = ["set", "language", "kind", "package", "version", "path", "sha256"]


@dataclass(frozen=True)
class Source:
    set: str  # "eval", "tune" or "eval2"
    language: str
    kind: str  # "deb" (binary package), "debsrc" (source package's upstream tarball), "npm", "git"
    package: str
    version: str
    pattern: str  # regular expression searched in the path inside the archive
    count: int = 4


def _s(set_, language, kind, package, version, pattern, count=4):
    return Source(set_, language, kind, package, version, pattern, count)


PY = r"/usr/lib/python3/dist-packages/{}/.*\.py$"
GOCODE = r"/usr/share/gocode/src/.*\.go$"
CARGO = r"/usr/share/cargo/registry/[^/]+/src/.*\.rs$"
CARGO_TOML = r"/usr/share/cargo/registry/[^/]+/Cargo\.toml$"
ANSIBLE = r"ansible_collections/{}/.*\.ya?ml$"

SOURCES = [
    # --- evaluation set ---------------------------------------------------------------------
    _s("eval", "python", "deb", "python3-requests", "2.28.1+dfsg-1", PY.format("requests")),
    _s("eval", "python", "deb", "python3-click", "8.1.3-2", PY.format("click")),
    _s("eval", "python", "deb", "python3-jinja2", "3.1.2-1+deb12u3", PY.format("jinja2")),
    _s("eval", "javascript", "npm", "express", "5.3.0", r"^package/lib/.*\.js$"),
    _s("eval", "javascript", "npm", "axios", "1.21.1", r"^package/lib/.*\.js$"),
    _s("eval", "javascript", "npm", "jquery", "4.1.0", r"^package/src/.*\.js$"),
    _s("eval", "typescript", "npm", "zod", "4.6.7", r"^package/src/.*(?<!\.d)\.ts$"),
    _s("eval", "typescript", "npm", "rxjs", "7.8.2", r"^package/src/.*(?<!\.d)\.ts$"),
    _s("eval", "typescript", "npm", "@tanstack/query-core", "5.108.4", r"^package/src/.*(?<!\.d)\.ts$"),
    _s("eval", "go", "deb", "golang-github-spf13-cobra-dev", "1.6.1-1", GOCODE),
    _s("eval", "go", "deb", "golang-github-sirupsen-logrus-dev", "1.9.0-1", GOCODE),
    _s("eval", "go", "deb", "golang-github-gorilla-mux-dev", "1.8.0-1", GOCODE),
    _s("eval", "rust", "deb", "librust-serde-dev", "1.0.152-2", CARGO),
    _s("eval", "rust", "deb", "librust-regex-syntax-dev", "0.6.27-1", CARGO),
    _s("eval", "rust", "deb", "librust-clap-dev", "4.0.32-1", CARGO),
    _s("eval", "rust", "deb", "librust-memchr-dev", "2.5.0-1", CARGO),
    _s("eval", "java", "npm", "cordova-android", "15.1.0", r"\.java$"),
    _s("eval", "java", "npm", "@capacitor/android", "8.6.0", r"\.java$"),
    _s("eval", "java", "npm", "react-native-device-info", "15.0.2", r"\.java$"),
    _s("eval", "kotlin", "npm", "react-native-screens", "4.30.1", r"\.kt$"),
    _s("eval", "kotlin", "npm", "expo-modules-core", "58.2.1", r"\.kt$"),
    _s("eval", "kotlin", "npm", "react-native-gesture-handler", "3.5.0", r"\.kt$"),
    _s("eval", "swift", "npm", "@capacitor/ios", "8.6.0", r"\.swift$"),
    _s("eval", "swift", "npm", "expo-modules-core", "58.2.1", r"\.swift$"),
    _s("eval", "swift", "npm", "expo-file-system", "58.0.16", r"\.swift$"),
    _s("eval", "c", "debsrc", "lua5.4", "5.4.4-3+deb12u1", r"/src/.*\.c$"),
    _s("eval", "c", "debsrc", "expat", "2.5.0-1+deb12u2", r"/lib/.*\.c$"),
    _s("eval", "c", "debsrc", "git", "1:2.39.5-0+deb12u3", r"^git-[^/]+/[^/]+\.c$"),
    _s("eval", "cpp", "debsrc", "fmtlib", "9.1.0+ds1-2", r"\.(cc|cpp)$"),
    _s("eval", "cpp", "debsrc", "yaml-cpp", "0.7.0+dfsg-8", r"/src/.*\.(cc|cpp)$"),
    _s("eval", "cpp", "debsrc", "leveldb", "1.23-4", r"\.(cc|cpp)$"),
    _s("eval", "csharp", "debsrc", "newtonsoft-json", "6.0.8+dfsg-1.1", r"\.cs$"),
    _s("eval", "csharp", "debsrc", "nunit", "2.6.4+dfsg-1.1", r"\.cs$"),
    _s("eval", "csharp", "debsrc", "keepass2", "2.47+dfsg-2", r"\.cs$"),
    _s("eval", "php", "deb", "php-symfony-console", "5.4.53+dfsg-0+deb12u1", r"\.php$"),
    _s("eval", "php", "deb", "php-monolog", "2.9.1-1", r"\.php$"),
    _s("eval", "php", "deb", "php-guzzlehttp-psr7", "2.4.5-1+deb12u1", r"\.php$"),
    _s("eval", "ruby", "deb", "ruby-rack", "2.2.22-0+deb12u2", r"\.rb$"),
    _s("eval", "ruby", "deb", "ruby-thor", "1.2.1-2", r"\.rb$"),
    _s("eval", "ruby", "deb", "ruby-rspec-core", "3.12.0c0e1m1s0-1", r"\.rb$"),
    _s("eval", "perl", "deb", "libjson-perl", "4.10000-1", r"\.pm$"),
    _s("eval", "perl", "deb", "libwww-perl", "6.68-1", r"\.pm$"),
    _s("eval", "perl", "deb", "libmoo-perl", "2.005005-1", r"\.pm$"),
    _s("eval", "shell", "debsrc", "git", "1:2.39.5-0+deb12u3", r"/t/t\d+-[^/]+\.sh$"),
    _s("eval", "shell", "deb", "dracut-core", "059-4", r"\.sh$"),
    _s("eval", "shell", "debsrc", "rabbitmq-server", "3.10.8-1.1+deb12u1", r"\.sh$"),
    _s("eval", "sql", "deb", "postgresql-15", "15.20-0+deb12u1", r"/extension/[^/]+--\d[\d.]*\.sql$"),
    _s("eval", "sql", "deb", "roundcube-core", "1.6.5+dfsg-1+deb12u14", r"/SQL/[^/]+\.initial\.sql$|/SQL/postgres/.*\.sql$"),
    _s("eval", "sql", "deb", "icinga2-ido-pgsql", "2.13.6-2+deb12u2", r"\.sql$"),
    _s("eval", "html", "deb", "git-doc", "1:2.39.5-0+deb12u3", r"\.html$"),
    _s("eval", "html", "deb", "sqlite3-doc", "3.40.1-2+deb12u2", r"\.html$"),
    _s("eval", "html", "deb", "postgresql-doc-15", "15.20-0+deb12u1", r"\.html$"),
    _s("eval", "css", "npm", "bootstrap", "5.3.9", r"^package/dist/css/[^/]*(?<!\.min)(?<!rtl)\.css$"),
    _s("eval", "css", "npm", "bulma", "1.0.4", r"\.css$", 3),
    _s("eval", "css", "npm", "highlight.js", "11.12.0", r"/styles/[^/]*(?<!\.min)\.css$"),
    _s("eval", "json", "npm", "mime-db", "1.54.0", r"\.json$", 2),
    _s("eval", "json", "npm", "emojibase-data", "17.0.0", r"\.json$"),
    _s("eval", "json", "npm", "ajv", "8.20.0", r"\.json$"),
    _s("eval", "json", "npm", "spdx-license-list", "6.12.0", r"\.json$"),
    _s("eval", "yaml", "deb", "ansible", "7.7.0+dfsg-3+deb12u1", ANSIBLE.format("community/general")),
    _s("eval", "yaml", "deb", "ansible", "7.7.0+dfsg-3+deb12u1", ANSIBLE.format("amazon/aws")),
    _s("eval", "yaml", "debsrc", "git", "1:2.39.5-0+deb12u3", r"\.ya?ml$", 3),
    _s("eval", "yaml", "debsrc", "expat", "2.5.0-1+deb12u2", r"\.ya?ml$", 3),
    _s("eval", "toml", "deb", "librust-serde-dev", "1.0.152-2", CARGO_TOML, 1),
    _s("eval", "toml", "deb", "librust-regex-syntax-dev", "0.6.27-1", CARGO_TOML, 1),
    _s("eval", "toml", "deb", "librust-clap-dev", "4.0.32-1", CARGO_TOML, 1),
    _s("eval", "toml", "deb", "librust-memchr-dev", "2.5.0-1", CARGO_TOML, 1),
    _s("eval", "toml", "deb", "librust-serde-json-dev", "1.0.87-1", CARGO_TOML, 1),
    _s("eval", "toml", "deb", "librust-rand-core-dev", "0.6.3-2", CARGO_TOML, 1),
    _s("eval", "toml", "deb", "librust-bytes-dev", "1.2.1-1", CARGO_TOML, 1),
    _s("eval", "toml", "deb", "librust-smallvec-dev", "1.9.0-1", CARGO_TOML, 1),
    _s("eval", "toml", "deb", "librust-once-cell-dev", "1.17.0-1", CARGO_TOML, 1),
    _s("eval", "toml", "deb", "librust-thiserror-dev", "1.0.38-1", CARGO_TOML, 1),
    _s("eval", "xml", "deb", "fontconfig-config", "2.14.1-4", r"conf\.avail/.*\.conf$"),
    _s("eval", "xml", "deb", "gsettings-desktop-schemas", "43.0-1", r"\.xml$"),
    _s("eval", "xml", "npm", "cordova-android", "15.1.0", r"\.xml$"),
    _s("eval", "markdown", "npm", "axios", "1.21.1", r"\.md$", 3),
    _s("eval", "markdown", "npm", "express", "5.3.0", r"\.md$", 2),
    _s("eval", "markdown", "npm", "zod", "4.6.7", r"\.md$", 2),
    _s("eval", "markdown", "npm", "rxjs", "7.8.2", r"\.md$", 2),
    _s("eval", "markdown", "npm", "highlight.js", "11.12.0", r"\.md$", 2),
    _s("eval", "elixir", "debsrc", "rabbitmq-server", "3.10.8-1.1+deb12u1", r"rabbitmq_cli/lib/.*\.ex$"),
    _s("eval", "elixir", "debsrc", "rabbitmq-server", "3.10.8-1.1+deb12u1", r"deps/jose/lib/.*\.ex$"),
    _s("eval", "elixir", "debsrc", "elixir-lang", "1.14.0.dfsg-2", r"/lib/elixir/lib/.*\.ex$"),
    # --- tuning set: other projects -----------------------------------------------------------
    _s("tune", "python", "deb", "python3-attr", "22.2.0-1", r"/dist-packages/attr/.*\.py$"),
    _s("tune", "python", "deb", "python3-yaml", "6.0-3+b2", PY.format("yaml")),
    _s("tune", "python", "deb", "python3-rich", "13.3.1-1", PY.format("rich")),
    _s("tune", "javascript", "npm", "commander", "14.0.3", r"^package/lib/.*\.js$"),
    _s("tune", "javascript", "npm", "moment", "2.31.0", r"^package/src/lib/.*\.js$"),
    _s("tune", "javascript", "npm", "ws", "8.23.1", r"^package/lib/.*\.js$"),
    _s("tune", "typescript", "npm", "mobx", "7.1.3", r"^package/src/.*(?<!\.d)\.ts$"),
    _s("tune", "typescript", "npm", "immer", "11.2.14", r"^package/src/.*(?<!\.d)\.ts$"),
    _s("tune", "typescript", "npm", "phoenix_live_view", "1.2.12", r"(?<!\.d)\.ts$"),
    _s("tune", "go", "deb", "golang-github-stretchr-testify-dev", "1.8.1-1", GOCODE),
    _s("tune", "go", "deb", "golang-gopkg-yaml.v3-dev", "3.0.1-3", GOCODE),
    _s("tune", "go", "deb", "golang-github-pkg-errors-dev", "0.9.1-2", GOCODE),
    _s("tune", "rust", "deb", "librust-anyhow-dev", "1.0.69-1", CARGO),
    _s("tune", "rust", "deb", "librust-toml-dev", "0.5.11-1", CARGO),
    _s("tune", "rust", "deb", "librust-url-dev", "2.3.1-1", CARGO),
    _s("tune", "java", "npm", "react-native-fs", "2.20.0", r"\.java$"),
    _s("tune", "java", "npm", "cordova-plugin-camera", "8.0.0", r"\.java$"),
    _s("tune", "java", "npm", "@capacitor/camera", "8.2.4", r"\.java$"),
    _s("tune", "kotlin", "npm", "@react-native-async-storage/async-storage", "3.1.1", r"\.kt$"),
    _s("tune", "kotlin", "npm", "react-native-safe-area-context", "5.11.1", r"\.kt$"),
    _s("tune", "kotlin", "npm", "expo-image-picker", "58.0.10", r"\.kt$"),
    _s("tune", "swift", "npm", "@capacitor/camera", "8.2.4", r"\.swift$"),
    _s("tune", "swift", "npm", "expo-image-picker", "58.0.10", r"\.swift$"),
    _s("tune", "swift", "npm", "react-native-screens", "4.30.1", r"\.swift$"),
    _s("tune", "c", "debsrc", "bzip2", "1.0.8-5", r"\.c$"),
    _s("tune", "c", "debsrc", "libyaml", "0.2.5-1", r"\.c$"),
    _s("tune", "cpp", "debsrc", "tinyxml2", "9.0.0+dfsg-3.1", r"\.(cc|cpp)$"),
    _s("tune", "cpp", "debsrc", "pugixml", "1.13-0.2", r"\.(cc|cpp)$"),
    _s("tune", "cpp", "debsrc", "snappy", "1.1.9-3", r"\.(cc|cpp)$"),
    _s("tune", "csharp", "debsrc", "dbus-sharp", "0.8.1-2.1", r"\.cs$", 8),
    _s("tune", "php", "deb", "php-twig", "3.5.1-1+deb12u3", r"\.php$"),
    _s("tune", "php", "deb", "php-league-commonmark", "2.3.9-1+deb12u1", r"\.php$"),
    _s("tune", "php", "deb", "php-nikic-fast-route", "1.3.0-4", r"\.php$"),
    _s("tune", "ruby", "deb", "ruby-i18n", "1.10.0-2", r"\.rb$"),
    _s("tune", "ruby", "deb", "ruby-sinatra", "3.0.5-3+deb12u1", r"\.rb$"),
    _s("tune", "ruby", "deb", "ruby-addressable", "2.8.1-1", r"\.rb$"),
    _s("tune", "perl", "deb", "libtry-tiny-perl", "0.31-2", r"\.pm$", 1),
    _s("tune", "perl", "deb", "libdatetime-perl", "2:1.59-1", r"\.pm$"),
    _s("tune", "perl", "deb", "libhttp-message-perl", "6.44-1", r"\.pm$"),
    _s("tune", "shell", "deb", "bash-completion", "1:2.11-6", r"/completions/[^/]+$"),
    _s("tune", "shell", "debsrc", "leveldb", "1.23-4", r"\.sh$"),
    _s("tune", "shell", "debsrc", "elixir-lang", "1.14.0.dfsg-2", r"\.sh$|/bin/(elixir|iex|mix)$"),
    _s("tune", "sql", "deb", "phpmyadmin", "4:5.2.1+dfsg-1+deb12u1", r"\.sql$"),
    _s("tune", "sql", "deb", "postgresql-15", "15.20-0+deb12u1", r"/contrib/.*\.sql$|/[^/]+_system_views\.sql$|information_schema\.sql$|system_functions\.sql$"),
    _s("tune", "sql", "deb", "roundcube-core", "1.6.5+dfsg-1+deb12u14", r"/SQL/mysql/.*\.sql$"),
    _s("tune", "html", "deb", "python-jinja2-doc", "3.1.2-1+deb12u3", r"/html/.*\.html$"),
    _s("tune", "html", "deb", "python-requests-doc", "2.28.1+dfsg-1", r"\.html$"),
    _s("tune", "html", "deb", "apache2-doc", "2.4.71-1~deb12u1", r"/manual/en/.*\.html$|/manual/[^/]+\.html\.en$"),
    _s("tune", "css", "npm", "animate.css", "4.1.1", r"\.css$", 1),
    _s("tune", "css", "npm", "@fortawesome/fontawesome-free", "7.3.1", r"/css/[^/]*(?<!\.min)\.css$"),
    _s("tune", "css", "npm", "github-markdown-css", "5.9.0", r"\.css$", 2),
    _s("tune", "css", "npm", "normalize.css", "8.0.1", r"\.css$", 1),
    _s("tune", "json", "npm", "language-subtag-registry", "0.4.2", r"\.json$"),
    _s("tune", "json", "npm", "react-native-screens", "4.30.1", r"\.json$"),
    _s("tune", "json", "npm", "swagger-ui-dist", "5.36.0", r"\.json$"),
    _s("tune", "yaml", "deb", "netplan.io", "0.106-2+deb12u1", r"\.ya?ml$"),
    _s("tune", "yaml", "debsrc", "libyaml", "0.2.5-1", r"\.ya?ml$"),
    _s("tune", "yaml", "deb", "ansible", "7.7.0+dfsg-3+deb12u1", ANSIBLE.format("cisco/ios")),
    _s("tune", "toml", "deb", "librust-anyhow-dev", "1.0.69-1", CARGO_TOML, 1),
    _s("tune", "toml", "deb", "librust-log-dev", "0.4.17-3", CARGO_TOML, 1),
    _s("tune", "toml", "deb", "librust-itoa-dev", "1.0.1-2", CARGO_TOML, 1),
    _s("tune", "toml", "deb", "librust-toml-dev", "0.5.11-1", CARGO_TOML, 1),
    _s("tune", "toml", "deb", "librust-semver-dev", "1.0.14-1", CARGO_TOML, 1),
    _s("tune", "toml", "deb", "librust-url-dev", "2.3.1-1", CARGO_TOML, 1),
    _s("tune", "toml", "deb", "librust-hashbrown-dev", "0.12.3-1", CARGO_TOML, 1),
    _s("tune", "toml", "deb", "librust-either-dev", "1.6.1-1", CARGO_TOML, 1),
    _s("tune", "xml", "deb", "polkitd", "122-3", r"\.policy$|catalog\.xml$"),
    _s("tune", "xml", "npm", "react-native-screens", "4.30.1", r"\.xml$"),
    _s("tune", "xml", "npm", "@capacitor/android", "8.6.0", r"\.xml$"),
    _s("tune", "markdown", "npm", "commander", "14.0.3", r"\.md$", 3),
    _s("tune", "markdown", "npm", "ws", "8.23.1", r"\.md$", 2),
    _s("tune", "markdown", "npm", "mobx", "7.1.3", r"\.md$", 2),
    _s("tune", "markdown", "npm", "bootstrap", "5.3.9", r"\.md$", 2),
    _s("tune", "elixir", "debsrc", "elixir-lang", "1.14.0.dfsg-2", r"/lib/mix/lib/.*\.ex$"),
    _s("tune", "elixir", "debsrc", "elixir-lang", "1.14.0.dfsg-2", r"/lib/ex_unit/lib/.*\.ex$"),
    _s("tune", "elixir", "debsrc", "elixir-lang", "1.14.0.dfsg-2", r"/lib/iex/lib/.*\.ex$"),
    # --- second evaluation set: GitHub projects no other set (training included) has, chosen --
    # --- after the learned model was frozen; each at its mirror's newest commit (the manifest) ---
    _s("eval2", "python", "git", "marshmallow-code/marshmallow", "", r"^src/.*\.py$"),
    _s("eval2", "python", "git", "tqdm/tqdm", "", r"^tqdm/.*\.py$"),
    _s("eval2", "python", "git", "more-itertools/more-itertools", "", r"\.py$"),
    _s("eval2", "javascript", "git", "ramda/ramda", "", r"^source/.*\.js$"),
    _s("eval2", "javascript", "git", "request/request", "", r"^(lib/.*|request|index)\.js$"),
    _s("eval2", "javascript", "git", "jprichardson/node-fs-extra", "", r"^lib/.*\.js$"),
    _s("eval2", "typescript", "git", "sinclairzx81/typebox", "", r"^src/.*(?<!\.d)\.ts$"),
    _s("eval2", "typescript", "git", "unjs/h3", "", r"^src/.*(?<!\.d)\.ts$"),
    _s("eval2", "typescript", "git", "jquense/yup", "", r"^src/.*(?<!\.d)\.ts$"),
    _s("eval2", "go", "git", "go-playground/validator", "", r"\.go$"),
    _s("eval2", "go", "git", "robfig/cron", "", r"\.go$"),
    _s("eval2", "go", "git", "mitchellh/mapstructure", "", r"\.go$"),
    _s("eval2", "rust", "git", "image-rs/image", "", r"^src/.*\.rs$"),
    _s("eval2", "rust", "git", "eza-community/eza", "", r"^src/.*\.rs$"),
    _s("eval2", "rust", "git", "seanmonstar/reqwest", "", r"\.rs$"),
    _s("eval2", "java", "git", "mockito/mockito", "", r"/src/main/.*\.java$"),
    _s("eval2", "java", "git", "OpenFeign/feign", "", r"/src/main/.*\.java$"),
    _s("eval2", "java", "git", "resilience4j/resilience4j", "", r"/src/main/.*\.java$"),
    _s("eval2", "kotlin", "git", "airbnb/mavericks", "", r"\.kt$"),
    _s("eval2", "kotlin", "git", "kotest/kotest", "", r"\.kt$"),
    _s("eval2", "kotlin", "git", "skydoves/Pokedex", "", r"\.kt$"),
    _s("eval2", "swift", "git", "krzyzanowskim/CryptoSwift", "", r"^Sources/.*\.swift$"),
    _s("eval2", "swift", "git", "SwiftGen/SwiftGen", "", r"^Sources/.*\.swift$"),
    _s("eval2", "swift", "git", "airbnb/lottie-ios", "", r"^Sources/.*\.swift$"),
    _s("eval2", "c", "git", "jemalloc/jemalloc", "", r"^src/.*\.c$"),
    _s("eval2", "c", "git", "wg/wrk", "", r"^src/.*\.c$"),
    _s("eval2", "c", "git", "h2o/h2o", "", r"^lib/.*\.c$"),
    _s("eval2", "cpp", "git", "pybind/pybind11", "", r"\.cpp$"),
    _s("eval2", "cpp", "git", "simdjson/simdjson", "", r"\.cpp$"),
    _s("eval2", "cpp", "git", "ToruNiina/toml11", "", r"\.(cpp|hpp)$"),
    _s("eval2", "csharp", "git", "dotnet/BenchmarkDotNet", "", r"^src/.*\.cs$"),
    _s("eval2", "csharp", "git", "gui-cs/Terminal.Gui", "", r"\.cs$"),
    _s("eval2", "csharp", "git", "MessagePack-CSharp/MessagePack-CSharp", "", r"^src/.*\.cs$"),
    _s("eval2", "php", "git", "filp/whoops", "", r"^src/.*\.php$"),
    _s("eval2", "php", "git", "vlucas/phpdotenv", "", r"^src/.*\.php$"),
    _s("eval2", "php", "git", "PHPOffice/PhpSpreadsheet", "", r"^src/.*\.php$"),
    _s("eval2", "ruby", "git", "hanami/hanami", "", r"^lib/.*\.rb$"),
    _s("eval2", "ruby", "git", "teamcapybara/capybara", "", r"^lib/.*\.rb$"),
    _s("eval2", "ruby", "git", "ruby-grape/grape", "", r"^lib/.*\.rb$"),
    _s("eval2", "perl", "git", "perltidy/perltidy", "", r"\.(pm|pl)$"),
    _s("eval2", "perl", "git", "metacpan/metacpan-web", "", r"\.pm$"),
    _s("eval2", "perl", "git", "sqitchers/sqitch", "", r"^lib/.*\.pm$"),
    _s("eval2", "shell", "git", "Bash-it/bash-it", "", r"\.(bash|sh)$"),
    _s("eval2", "shell", "git", "jemalloc/jemalloc", "", r"\.sh$"),
    _s("eval2", "shell", "git", "zsh-users/zsh-autosuggestions", "", r"\.zsh$"),
    _s("eval2", "sql", "git", "sraoss/pg_ivm", "", r"\.sql$"),
    _s("eval2", "sql", "git", "oracle/db-sample-schemas", "", r"\.sql$"),
    _s("eval2", "sql", "git", "sqitchers/sqitch", "", r"\.sql$"),
    _s("eval2", "html", "git", "w3c/wcag", "", r"\.html$"),  # AdminLTE's HTML is all under dist/ (built)
    _s("eval2", "html", "git", "uikit/uikit", "", r"\.html$"),
    _s("eval2", "html", "git", "designmodo/Flat-UI", "", r"\.html$"),
    _s("eval2", "css", "git", "oxalorg/sakura", "", r"(?<!\.min)\.css$"),
    _s("eval2", "css", "git", "csstools/sanitize.css", "", r"(?<!\.min)\.css$"),
    _s("eval2", "css", "git", "jenil/chota", "", r"(?<!\.min)\.css$"),
    _s("eval2", "json", "git", "Fyrd/caniuse", "", r"\.json$"),
    _s("eval2", "json", "git", "jsonresume/resume-schema", "", r"\.json$"),
    _s("eval2", "json", "git", "SwiftGen/SwiftGen", "", r"\.json$"),
    _s("eval2", "yaml", "git", "docker/awesome-compose", "", r"\.ya?ml$"),
    _s("eval2", "yaml", "git", "OAI/OpenAPI-Specification", "", r"\.ya?ml$"),
    _s("eval2", "yaml", "git", "kubernetes-sigs/kustomize", "", r"\.ya?ml$"),
    _s("eval2", "toml", "git", "helix-editor/helix", "", r"\.toml$"),
    _s("eval2", "toml", "git", "eza-community/eza", "", r"\.toml$"),
    _s("eval2", "toml", "git", "jj-vcs/jj", "", r"\.toml$"),  # dokku's plugin.toml files are under 10 lines
    _s("eval2", "xml", "git", "airbnb/mavericks", "", r"\.xml$"),
    _s("eval2", "xml", "git", "OpenFeign/feign", "", r"\.xml$"),
    _s("eval2", "xml", "git", "oracle/db-sample-schemas", "", r"\.xml$"),
    _s("eval2", "markdown", "git", "kotest/kotest", "", r"\.md$"),
    _s("eval2", "markdown", "git", "OpenFeign/feign", "", r"\.md$"),
    _s("eval2", "markdown", "git", "dokku/dokku", "", r"\.md$"),
    _s("eval2", "elixir", "git", "wojtekmach/req", "", r"^lib/.*\.ex$"),
    _s("eval2", "elixir", "git", "commanded/commanded", "", r"^lib/.*\.ex$"),
    _s("eval2", "elixir", "git", "bencheeorg/benchee", "", r"^lib/.*\.ex$"),
]


def _run(*command, cwd, check=True):
    subprocess.run(command, cwd=cwd, check=check, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _apt_options():
    """apt-get options for a private deb-src list (bookworm, as the machine's own list)."""
    root = CACHE / "apt"
    parts = root / "parts"
    if not parts.exists():
        (root / "lists" / "partial").mkdir(parents=True)
        parts.mkdir()
        (root / "none").touch()
        (parts / "src.sources").write_text(
            "Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\n"
            "Components: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n"
            "Types: deb-src\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\n"
            "Components: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"
        )
        options = _options(root)
        _run("apt-get", *options, "update", cwd=root)
    return _options(root)


def _options(root):
    return [
        f"-o=Dir::Etc::SourceList={root / 'none'}",
        f"-o=Dir::Etc::SourceParts={root / 'parts'}",
        f"-o=Dir::State::Lists={root / 'lists'}",
    ]


def _download(kind, package, version):
    """The archive (path) holding a package's files, downloaded once into the cache; for `git`,
    the repository's commit (a GitTree)."""
    if kind == "git":
        return GitTree(package, version)
    folder = CACHE / kind / re.sub(r"[^\w.+-]", "_", f"{package}={version}")
    done = folder / ".done"
    if not done.exists():
        folder.mkdir(parents=True, exist_ok=True)
        if kind == "npm":
            _run("npm", "pack", "--silent", f"{package}@{version}", cwd=folder)
        elif kind == "deb":
            _run("apt-get", "download", f"{package}={version}", cwd=folder)
        elif kind == "debsrc":
            # Only the upstream tarball is read; a missing Debian diff (some mirrors lack it) is fine.
            _run("apt-get", *_apt_options(), "source", "--download-only", f"{package}={version}", cwd=folder, check=False)
            if not list(folder.glob("*.orig.tar.*")):
                raise SystemExit(f"no upstream tarball for {package} {version}")
        done.touch()
    if kind == "debsrc":
        return min(folder.glob("*.orig.tar.*"))
    return next(p for p in folder.iterdir() if p.suffix in {".tgz", ".deb"})


@dataclass(frozen=True)
class GitTree:
    """One commit of a GitHub repository (owner/name), read from its mirror (or a shallow fetch)."""

    repo: str
    commit: str


_OPEN = {}


def _members(archive):
    """{path inside: member} for the regular files of an archive."""
    if archive not in _OPEN:
        if isinstance(archive, GitTree):
            import detect_train_corpus as git  # imports this module: imported here, not at the top

            folder = git.ensure_commit(archive.repo, archive.commit)
            listing = subprocess.run(["git", "--git-dir", folder, "ls-tree", "-r", "-z", archive.commit],
                                     capture_output=True, text=True, check=True).stdout
            entries = (entry.split("\t", 1) for entry in listing.split("\0") if entry)
            paths = [path for meta, path in entries if meta.split()[1] == "blob"]
            _OPEN[archive] = (git.Blobs(folder), {path: path for path in paths})
            return _OPEN[archive]
        if archive.suffix == ".deb":
            data = subprocess.run(["dpkg-deb", "--fsys-tarfile", archive], capture_output=True, check=True).stdout
            tar = tarfile.open(fileobj=io.BytesIO(data))  # noqa: SIM115 - kept open for the run, read often
        else:
            tar = tarfile.open(archive)  # noqa: SIM115 - kept open for the run, read often
        _OPEN[archive] = (tar, {m.name: m for m in tar.getmembers() if m.isfile()})
    return _OPEN[archive]


def _read(archive, path):
    tar, members = _members(archive)
    if isinstance(archive, GitTree):
        return tar.read(archive.commit, path)
    return tar.extractfile(members[path]).read()


def _acceptable(data):
    if data is None or not 300 <= len(data) <= 300_000:  # None: a blob the mirror lacks (a file of 4 MiB or more)
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return text.count("\n") >= 10


def _pinned(source):
    """A git source's newest commit in its mirror (what the manifest pins); other kinds as given."""
    if source.kind != "git" or source.version:
        return source.version
    import detect_train_corpus as git

    folder = git.git_dir(source.package)
    return subprocess.run(["git", "--git-dir", folder, "rev-parse", "HEAD"], capture_output=True, text=True,
                          check=True).stdout.strip()


def select(only=None):
    rows, digests = [], set()
    kept = []
    if only:  # rebuild one set's rows, keep the others as they are
        with MANIFEST.open() as manifest:
            kept = [row for row in csv.DictReader(manifest, delimiter="\t") if row["set"] != only]
        digests = {row["sha256"] for row in kept}
    if only == "eval2":  # a file the training set also holds (an Android template's styles.xml) is skipped
        import detect_train_corpus

        with detect_train_corpus.MANIFEST.open() as manifest:
            digests |= {row["sha256"] for row in csv.DictReader(manifest, delimiter="\t")}
    for source in SOURCES:
        if only and source.set != only:
            continue
        version = _pinned(source)
        archive = _download(source.kind, source.package, version)
        _, members = _members(archive)
        pattern = re.compile(source.pattern)
        names = sorted(name for name in members if pattern.search(name))
        if source.kind == "git":  # generated, minified or vendored code is skipped, as in training
            import detect_train_corpus

            names = [name for name in names if not detect_train_corpus.SKIPPED.search(name)
                     and not detect_train_corpus.vendored(name, whole=True)]  # sakura's normalize.css
        candidates = [name for name in names if _acceptable(_read(archive, name))]
        step = max(1, len(candidates) / source.count) if candidates else 1
        chosen = sorted({candidates[int(i * step)] for i in range(min(source.count, len(candidates)))})
        if len(chosen) < source.count:
            print(f"only {len(chosen)} of {source.count}: {source}", file=sys.stderr)
        for name in chosen:
            digest = hashlib.sha256(_read(archive, name)).hexdigest()
            if digest in digests:
                continue  # the same content twice counts once
            digests.add(digest)
            rows.append([source.set, source.language, source.kind, source.package, version, name, digest])
    rows = [[row[field] for field in FIELDS] for row in kept] + rows
    if only == "eval2":
        import detect_train_corpus

        detect_train_corpus.check_eval2([dict(zip(FIELDS, row)) for row in rows])
    with MANIFEST.open("w", newline="") as out:
        writer = csv.writer(out, delimiter="\t", lineterminator="\n")
        writer.writerow(FIELDS)
        writer.writerows(rows)
    print(f"{len(rows)} files in {MANIFEST}")


def target(row):
    """Where a manifest row's file goes: corpus/<set>/<language>/<package>__<sha256 prefix>__<name>."""
    package = re.sub(r"[^\w.+-]", "_", row["package"])
    name = row["path"].rsplit("/", 1)[-1]
    return CORPUS / row["set"] / row["language"] / f"{package}__{row['sha256'][:8]}__{name}"


def fetch():
    with MANIFEST.open() as manifest:
        rows = list(csv.DictReader(manifest, delimiter="\t"))
    seen = set()
    for row in rows:
        path = target(row)
        if path in seen:
            raise SystemExit(f"two files would both be {path}")
        seen.add(path)
        if path.exists() and hashlib.sha256(path.read_bytes()).hexdigest() == row["sha256"]:
            continue
        data = _read(_download(row["kind"], row["package"], row["version"]), row["path"])
        if hashlib.sha256(data).hexdigest() != row["sha256"]:
            raise SystemExit(f"SHA-256 differs for {row['package']} {row['version']} {row['path']}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    print(f"{len(rows)} files under {CORPUS}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--select", action="store_true", help="rebuild the manifest from SOURCES")
    parser.add_argument("--set", help="with --select: rebuild only this set's rows (eval2)")
    args = parser.parse_args(argv)
    select(args.set) if args.select else fetch()


if __name__ == "__main__":
    main()
