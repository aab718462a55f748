"""The training set of the learned language model: many more projects than tune and eval, none of theirs.

bench/detect_corpus.py holds the two small sets the detector is judged on (`tune`, `eval`). The
learned model (apps/highlighter/core/tokens_model.py, trained by bench/train_detect.py) needs far
more text, from far more projects; this script builds that set, `train`, from pinned commits of
public GitHub repositories (REPOS below), at most PER_REPO files of a language per repository,
and guarantees that it shares nothing with tune or eval (`check_disjoint`):

- no repository whose owner or name is the project of a tune or eval package (names normalised:
  `python3-jinja2` -> `jinja2`, `golang-github-spf13-cobra-dev` -> `spf13`, `cobra`, ...), nor one
  of the FAMILIES that hold such a project under another name (pallets holds jinja2 and click);
- no path with such a project as a folder (a vendored copy: `.../bundled/fmt/...`);
- no file whose SHA-256 is that of a tune or eval file.

    .venv/bin/python bench/detect_train_corpus.py            # -> bench/corpus/train/<language>/<file>
    .venv/bin/python bench/detect_train_corpus.py --select   # rebuild the manifest from REPOS

The manifest, bench/detect_train_corpus.tsv, names each file (set, language, kind `git`,
owner/name, commit, path, SHA-256). Files are read from a local mirror of the repository when
there is one (MIRRORS), else fetched from GitHub at the pinned commit (`git fetch --depth 1`).
"""

import argparse
import csv
import hashlib
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import detect_corpus  # noqa: E402 - the tune and eval sets, to stay apart from

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "detect_train_corpus.tsv"
CORPUS = HERE / "corpus"
CACHE = CORPUS / ".cache" / "git"
MIRRORS = Path("/work/.mirror")
PER_REPO = 20  # files of one language taken from one repository, at most

# Repositories (owner/name). Each gives files of every language it holds (EXTENSIONS).
REPOS = """
phoenixframework/phoenix elixir-ecto/ecto elixir-plug/plug sorentwo/oban rrrene/credo
absinthe-graphql/absinthe elixir-tesla/tesla bitwalker/timex swoosh/swoosh elixir-mint/mint
dashbitco/broadway elixir-ecto/postgrex ueberauth/ueberauth elixir-nx/nx livebook-dev/livebook
elixir-lang/gettext michalmuskala/jason dashbitco/nimble_parsec elixir-ecto/ecto_sql sneako/finch
beam-community/ex_machina thoughtbot/bamboo hexpm/hex
Alamofire/Alamofire vapor/vapor ReactiveX/RxSwift SnapKit/SnapKit onevcat/Kingfisher
apple/swift-argument-parser apple/swift-nio pointfreeco/swift-composable-architecture
SwiftyJSON/SwiftyJSON Quick/Nimble apple/swift-log apple/swift-collections
kishikawakatsumi/KeychainAccess
square/okhttp square/moshi Kotlin/kotlinx.coroutines coil-kt/coil InsertKoinIO/koin square/okio
detekt/detekt pinterest/ktlint mockk/mockk
AutoMapper/AutoMapper serilog/serilog App-vNext/Polly DapperLib/Dapper restsharp/RestSharp
FluentValidation/FluentValidation jbogard/MediatR devlooped/moq NLog/NLog Humanizr/Humanizer
autofac/Autofac castleproject/Core
google/gson apache/commons-lang jhy/jsoup square/retrofit square/javapoet junit-team/junit4
FasterXML/jackson-core apache/commons-io zxing/zxing bumptech/glide qos-ch/slf4j ReactiveX/RxJava
typeorm/typeorm vuejs/core trpc/trpc honojs/hono gcanti/fp-ts reduxjs/redux-toolkit
statelyai/xstate apollographql/apollo-client typestack/class-validator kysely-org/kysely
date-fns/date-fns
lodash/lodash caolan/async yargs/yargs nodeca/js-yaml markedjs/marked handlebars-lang/handlebars.js
mochajs/mocha chartjs/Chart.js Leaflet/Leaflet koajs/koa petkaantonov/bluebird jashkenas/underscore
jashkenas/backbone knex/knex hexojs/hexo videojs/video.js
pallets/flask psf/black pytest-dev/pytest encode/httpx tornadoweb/tornado scrapy/scrapy
celery/celery networkx/networkx fastapi/fastapi python-poetry/poetry sphinx-doc/sphinx
spf13/viper gin-gonic/gin urfave/cli go-chi/chi labstack/echo BurntSushi/toml uber-go/zap
prometheus/client_golang hashicorp/hcl gorilla/websocket google/go-cmp junegunn/fzf fsnotify/fsnotify
tokio-rs/tokio dtolnay/syn BurntSushi/ripgrep sharkdp/bat sharkdp/fd rust-lang/log hyperium/hyper
rayon-rs/rayon crossbeam-rs/crossbeam rust-bakery/nom chronotope/chrono tokio-rs/axum
alacritty/alacritty starship/starship tokio-rs/tracing rust-lang/rustlings
redis/redis jqlang/jq tmux/tmux madler/zlib DaveGamble/cJSON libuv/libuv curl/curl htop-dev/htop
facebook/zstd nginx/nginx lz4/lz4 akheron/jansson libevent/libevent
nlohmann/json catchorg/Catch2 google/googletest google/re2 google/double-conversion
open-source-parsers/jsoncpp Tencent/rapidjson ninja-build/ninja google/benchmark CLIUtils/CLI11
gabime/spdlog google/glog USCiLab/cereal erincatto/box2d SFML/SFML
laravel/framework composer/composer doctrine/dbal PHPMailer/PHPMailer sebastianbergmann/phpunit
slimphp/Slim phpseclib/phpseclib ramsey/uuid briannesbitt/Carbon dompdf/dompdf mockery/mockery
sabre-io/dav
rails/rails jekyll/jekyll faker-ruby/faker rubocop/rubocop sparklemotion/nokogiri
lostisland/faraday puma/puma jeremyevans/sequel ruby/rake rouge-ruby/rouge mikel/mail
heartcombo/devise
mojolicious/mojo moose/Moose PerlDancer/Dancer2 perl5-dbi/dbi plack/Plack abw/Template2
briandfoy/cpan-audit libwww-perl/URI Perl-Critic/Perl-Critic gflohr/qgoda mschilli/log4perl
nvm-sh/nvm ohmyzsh/ohmyzsh bats-core/bats-core dylanaraps/neofetch acmesh-official/acme.sh
rbenv/rbenv pyenv/pyenv dehydrated-io/dehydrated kward/shunit2 docker-library/official-images
flyway/flyway sqlfluff/sqlfluff postgis/postgis jOOQ/sakila datacharmer/test_db
mdn/css-examples mdn/learning-area h5bp/html5-boilerplate bradtraversy/50projects50days
PrismJS/prism codemirror/codemirror5 picocss/pico tachyons-css/tachyons kubernetes/examples
dariusk/corpora mledoze/countries SchemaStore/schemastore toml-lang/toml-test feathericons/feather
Dogfalo/materialize Semantic-Org/Semantic-UI mdn/dom-examples kognise/water.css picturepan2/spectre
milligram/milligram daneden/animate.css
theory/pgtap sqlc-dev/sqlc pgpartman/pg_partman citusdata/pg_cron apache/age lerocha/chinook-database
pgvector/pgvector HypoPG/hypopg pressly/goose
JoshClose/CsvHelper StackExchange/StackExchange.Redis nsubstitute/NSubstitute mbdavid/LiteDB quartznet/quartznet
xunit/xunit Cysharp/UniTask
JetBrains/Exposed square/kotlinpoet cashapp/sqldelight arrow-kt/arrow Kotlin/kotlinx.serialization
android/nowinandroid square/leakcanary
caddyserver/caddy jmoiron/sqlx rs/zerolog valyala/fasthttp charmbracelet/bubbletea etcd-io/bbolt golang-jwt/jwt
gofiber/fiber
Moya/Moya nicklockwood/SwiftFormat mxcl/PromiseKit kean/Nuke ReactiveCocoa/ReactiveSwift
pointfreeco/swift-snapshot-testing
libgit2/libgit2 raysan5/raylib the-tcpdump-group/tcpdump abseil/abseil-cpp ocornut/imgui microsoft/GSL
taskflow/taskflow google/flatbuffers
vitejs/vite pmndrs/zustand sindresorhus/ky google/styleguide StartBootstrap/startbootstrap-sb-admin-2
actions/starter-workflows prometheus-community/helm-charts
""".split()

# How a file's name says its language (the last match wins: `.d.ts` is TypeScript, not JSON).
EXTENSIONS = {
    "python": r"\.py$",
    "javascript": r"\.(js|mjs|cjs)$",
    "typescript": r"\.(ts|mts|cts)$",
    "go": r"\.go$",
    "rust": r"\.rs$",
    "java": r"\.java$",
    "kotlin": r"\.kts?$",
    "swift": r"\.swift$",
    "c": r"\.c$",
    "cpp": r"\.(cc|cpp|cxx|hpp|hh)$",
    "csharp": r"\.cs$",
    "php": r"\.php$",
    "ruby": r"(\.rb|\.rake|\.gemspec|/Rakefile|/Gemfile)$",
    "perl": r"\.(pm|pl|t)$",
    "shell": r"(\.sh|\.bash|\.zsh)$",
    "sql": r"\.sql$",
    "html": r"\.html?$",
    "css": r"\.css$",
    "json": r"\.json$",
    "yaml": r"\.ya?ml$",
    "toml": r"\.toml$",
    "xml": r"(\.xml|\.xsd|\.csproj|\.props|\.targets|\.svg|\.plist|/pom\.xml)$",
    "markdown": r"\.(md|markdown)$",
    "elixir": r"\.exs?$",
}
# Paths never read: generated, minified or vendored code, and templates that mix languages.
SKIPPED = re.compile(
    r"(^|/)(node_modules|vendor|vendored|third[_-]?party|bundled|dist|build|out|deps|external|extern)/"
    r"|\.min\.|\.bundle\.|-min\.|(^|/)(package-lock|yarn|composer)\.(json|lock)$|\.(html|xml)\.(erb|eex|heex)$",
    re.IGNORECASE,
)
# Organisations or projects that hold a tune or eval project under another name.
FAMILIES = {"pallets", "expressjs", "tanstack", "ionic-team", "expo", "serde-rs", "clap-rs", "rust-random",
            "servo", "twbs", "fortawesome", "jquery", "necolas", "ansible", "symfony", "guzzle",
            "seldaek", "rspec", "sinatra", "ruby-i18n", "sporkmonger", "postgres", "roundcube",
            "icinga", "rabbitmq", "elixir-lang/elixir", "git", "lua", "libexpat", "libwww-perl", "fmtlib", "jbeder",
            "google/leveldb", "jamesnk", "nunit", "highlightjs", "jgthms", "jshttp", "milesj",
            "ajv-validator", "emojibase", "phoenixframework/phoenix_live_view", "mobxjs", "immerjs",
            "tj", "websockets", "moment", "stretchr", "go-yaml", "pkg", "dtolnay/anyhow",
            "toml-rs", "rust-lang/log", "dtolnay/itoa", "dtolnay/semver", "rust-lang/hashbrown",
            "rayon-rs/either", "dtolnay/thiserror", "tokio-rs/bytes", "servo/rust-smallvec",
            "matklad/once_cell", "burntsushi/memchr", "rust-lang/regex", "libyaml", "yaml",
            "leethomason", "zeux", "google/snappy", "mono", "twigphp", "thephpleague", "nikic",
            "daneden", "animate-css", "sindresorhus/github-markdown-css", "swagger-api",
            "canonical/netplan", "polkit-org", "freedesktop"}
# Tune/eval projects that other projects copy into their own tree (a folder of that name is skipped).
VENDORED = {"fmt", "fmtlib", "lua", "expat", "leveldb", "yaml-cpp", "bzip2", "libyaml", "tinyxml2", "pugixml",
            "snappy", "jquery", "bootstrap", "bulma", "highlight.js", "normalize.css", "fontawesome",
            "animate.css", "memchr", "serde", "serde_json", "regex-syntax", "newtonsoft.json", "nunit",
            "zod", "rxjs", "axios", "express", "clap", "monolog", "twig", "mime-db", "ajv"}
FIELDS = detect_corpus.FIELDS


def project_keys(package):
    """The names a tune or eval package's project goes by: `python3-jinja2` -> {jinja2}; for a
    GitHub repository (eval2's `owner/name`), the repository, its owner and its name."""
    name = package.lower()
    keys = set()
    if "/" in name and not name.startswith("@"):
        owner, name = name.split("/", 1)
        keys |= {package.lower(), owner}
    if name.startswith("@"):
        scope, name = name[1:].split("/", 1)
        keys.add(scope)
    name = re.sub(r"^(python3?-|ruby-|php-|node-|librust-|lib(?=.*-perl$))", "", name)
    name = re.sub(r"(-dev|-perl|-java|-doc|-core|-config|-common|-server)+$", "", name)
    go = re.match(r"golang-(?:github|gopkg)-(.+)$", name)
    if go:
        keys.update(go.group(1).split("-", 1))
    keys.add(name)
    keys.add(re.sub(r"[\d.]+$", "", name) or name)  # lua5.4 -> lua, postgresql-15 -> postgresql-
    keys.add(name.rstrip("-"))
    return {key.strip("-.") for key in keys if key.strip("-.")}


def held_apart():
    """(project keys, SHA-256 digests) of every tune and eval file: what train must not share."""
    keys = set(FAMILIES)
    for source in detect_corpus.SOURCES:
        keys |= project_keys(source.package)
    digests = set()
    with detect_corpus.MANIFEST.open() as manifest:
        for row in csv.DictReader(manifest, delimiter="\t"):
            digests.add(row["sha256"])
            keys |= project_keys(row["package"])
    return keys, digests


def clashes(repo, keys):
    """The tune/eval project a repository is, or belongs to, if any."""
    owner, name = repo.lower().split("/")
    for candidate in (repo.lower(), owner, name, re.sub(r"[.-](js|rs|css|py)$", "", name)):
        if candidate in keys:
            return candidate
    return None


def vendored(path, whole=False):
    """True when a folder of the path is named after a tune or eval project (a vendored copy); with
    `whole`, also a file so named (`css/normalize.css`)."""
    parts = path.lower().split("/")
    return any(part in VENDORED for part in (parts if whole else parts[:-1]))


def check_disjoint(rows):
    """Raise SystemExit unless train shares no project, no vendored folder and no file with tune/eval."""
    keys, digests = held_apart()
    for row in rows:
        clash = clashes(row["package"], keys)
        if clash:
            raise SystemExit(f"train repository {row['package']} is tune/eval project {clash!r}")
        if vendored(row["path"]):
            raise SystemExit(f"train file {row['package']} {row['path']} is inside a tune/eval project's folder")
        if row["sha256"] in digests:
            raise SystemExit(f"train file {row['package']} {row['path']} is a tune/eval file")


def check_eval2(rows):
    """Raise SystemExit unless eval2's rows share no project and no file with tune, eval or train
    (train's manifest as it is: its repositories, their owners and names, and its files)."""
    eval2 = [row for row in rows if row["set"] == "eval2"]
    keys, digests = set(FAMILIES), set()
    for source in detect_corpus.SOURCES:
        if source.set != "eval2":
            keys |= project_keys(source.package)
    for row in rows:
        if row["set"] != "eval2":
            digests.add(row["sha256"])
            keys |= project_keys(row["package"])
    with MANIFEST.open() as manifest:
        for row in csv.DictReader(manifest, delimiter="\t"):
            digests.add(row["sha256"])
            keys |= project_keys(row["package"]) | {row["package"].lower().split("/")[1]}
    for row in eval2:
        clash = clashes(row["package"], keys)
        if clash:
            raise SystemExit(f"eval2 repository {row['package']} is a tune, eval or train project ({clash!r})")
        if row["sha256"] in digests:
            raise SystemExit(f"eval2 file {row['package']} {row['path']} is a tune, eval or train file")
        if vendored(row["path"], whole=True):
            raise SystemExit(f"eval2 file {row['package']} {row['path']} is a copy of a tune or eval project")


def git_dir(repo):
    """A local git directory holding the repository's objects: a mirror, or a shallow fetch."""
    mirror = MIRRORS / repo.replace("/", "+") / "repo"
    for candidate in (mirror / ".git", mirror):
        if (candidate / "objects").exists():
            return candidate
    return CACHE / repo.replace("/", "+")


def ensure_commit(repo, commit):
    folder = git_dir(repo)
    probe = subprocess.run(["git", "--git-dir", folder, "cat-file", "-e", f"{commit}^{{commit}}"], capture_output=True)
    if probe.returncode != 0:
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "--git-dir", folder, "init", "--bare", "-q"], check=True)
        subprocess.run(["git", "--git-dir", folder, "fetch", "-q", "--depth", "1",
                        f"https://github.com/{repo}", commit], check=True)
    return folder


class Blobs:
    """Reads many files of one commit through one `git cat-file --batch`."""

    def __init__(self, folder):
        self._process = subprocess.Popen(["git", "--git-dir", folder, "cat-file", "--batch"],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def read(self, commit, path):
        self._process.stdin.write(f"{commit}:{path}\n".encode())
        self._process.stdin.flush()
        header = self._process.stdout.readline().split()
        if len(header) < 3 or header[1] != b"blob":
            return None
        data = self._process.stdout.read(int(header[2]))
        self._process.stdout.read(1)
        return data

    def close(self):
        self._process.stdin.close()
        self._process.wait()


def language_of(path):
    found = None
    for language, pattern in EXTENSIONS.items():
        if re.search(pattern, "/" + path):
            found = language
    return found


def select():
    keys, digests = held_apart()
    rows, seen = [], set(digests)
    for repo in REPOS:
        clash = clashes(repo, keys)
        if clash:
            print(f"left out {repo}: tune/eval project {clash!r}", file=sys.stderr)
            continue
        folder = git_dir(repo)
        commit = subprocess.run(["git", "--git-dir", folder, "rev-parse", "HEAD"], capture_output=True,
                                text=True, check=True).stdout.strip()
        listing = subprocess.run(["git", "--git-dir", folder, "ls-tree", "-r", "-l", commit],
                                 capture_output=True, text=True, check=True).stdout
        by_language = {}
        for line in listing.splitlines():
            meta, path = line.split("\t", 1)
            size = meta.split()[3]
            if not size.isdigit() or not 300 <= int(size) <= 300_000 or SKIPPED.search(path) or vendored(path):
                continue
            language = language_of(path)
            if language:
                by_language.setdefault(language, []).append(path)
        blobs = Blobs(folder)
        for language, paths in sorted(by_language.items()):
            paths.sort()
            step = max(1.0, len(paths) / (2 * PER_REPO))
            taken = 0
            for index in range(min(len(paths), 2 * PER_REPO)):
                if taken == PER_REPO:
                    break
                path = paths[int(index * step)]
                data = blobs.read(commit, path)
                if data is None or not detect_corpus._acceptable(data):
                    continue
                digest = hashlib.sha256(data).hexdigest()
                if digest in seen:
                    continue
                seen.add(digest)
                rows.append({"set": "train", "language": language, "kind": "git", "package": repo,
                             "version": commit, "path": path, "sha256": digest})
                taken += 1
        blobs.close()
    check_disjoint(rows)
    with MANIFEST.open("w", newline="") as out:
        writer = csv.DictWriter(out, FIELDS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} files from {len({r['package'] for r in rows})} repositories in {MANIFEST}")


def target(row):
    """corpus/train/<language>/<owner+name>__<sha256 prefix>__<name>."""
    repo = row["package"].replace("/", "+")
    name = re.sub(r"[^\w.+-]", "_", row["path"].rsplit("/", 1)[-1])
    return CORPUS / row["set"] / row["language"] / f"{repo}__{row['sha256'][:8]}__{name}"


def fetch():
    with MANIFEST.open() as manifest:
        rows = list(csv.DictReader(manifest, delimiter="\t"))
    check_disjoint(rows)
    readers = {}
    for row in rows:
        path = target(row)
        if path.exists() and hashlib.sha256(path.read_bytes()).hexdigest() == row["sha256"]:
            continue
        if row["package"] not in readers:
            readers[row["package"]] = Blobs(ensure_commit(row["package"], row["version"]))
        data = readers[row["package"]].read(row["version"], row["path"])
        if data is None or hashlib.sha256(data).hexdigest() != row["sha256"]:
            raise SystemExit(f"SHA-256 differs for {row['package']} {row['version']} {row['path']}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for reader in readers.values():
        reader.close()
    print(f"{len(rows)} files under {CORPUS / 'train'}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--select", action="store_true", help="rebuild the manifest from REPOS")
    args = parser.parse_args(argv)
    select() if args.select else fetch()


if __name__ == "__main__":
    main()
