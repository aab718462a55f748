"""``composite paste | get | edit | delete | diff``: the site from a terminal, through its HTTP API.

    composite paste a.py b.py             prints the snippet's URL; its delete token goes to
    some-command | composite paste --name log.txt    stderr and into the token file
    composite get <id or URL> [--file NAME] [--revision N] > file      the exact bytes
    composite edit <id or URL> a.py c.py  a new revision holding these files
    composite delete <id or URL>          with the token kept when it was pasted from here
    composite diff OLD NEW                the unified diff (files or snippet URLs); --url: a link

The server is ``--server`` or ``$COMPOSITE_URL``; the diff viewer is ``<server>/diff`` unless
``--diff-url`` or ``$COMPOSITE_DIFF_URL`` say otherwise. Only composite.client (HTTP) and
composite.tokenfile are used: nothing of the site's own code runs here.
"""

import sys
from pathlib import Path

from apps import environment as env
from composite import client, tokenfile
from composite.client import Client, Failed

SERVER = env.Text("COMPOSITE_URL", "")  # the site the `composite` client commands talk to
DIFF_URL = env.Text("COMPOSITE_DIFF_URL", "")  # its diff viewer, when not at <server>/diff

EXIT_CODES = """exit codes: 0 done, 2 usage, 3 server unreachable, 4 no such snippet,
5 refused (bad input, wrong token), 6 too large, 7 too many requests, 8 server error"""


def add_commands(commands, formatter):
    def command(name, help, description):
        parser = commands.add_parser(name, help=help, description=description, epilog=EXIT_CODES,
                                     formatter_class=formatter)
        parser.add_argument("--server", help="the site's URL (default: $COMPOSITE_URL)")
        return parser

    paste = command("paste", "paste files or stdin, print the snippet's URL",
                    "Paste files (or stdin) as one snippet and print its URL on stdout. The delete token "
                    "is printed on stderr and kept in the token file (for `composite edit` and `delete`).")
    paste.add_argument("files", nargs="*", metavar="FILE", help="the files to paste (none, or '-': stdin)")
    paste.add_argument("--name", help="stdin's file name (picks the language)")
    paste.add_argument("--lexer", "-l", help="the language (default: detected from name and content)")
    paste.add_argument("--title", "-t", help="a title")
    paste.add_argument("--expires", "-e", help="1h, 1d, 1w, 1m or never (default: the site's)")
    paste.add_argument("--burn", action="store_true", help="burn after reading: one view only")

    get = command("get", "write a snippet's exact bytes to stdout",
                  "Write the exact bytes of a snippet's file to stdout (--file for one of several).")
    get.add_argument("snippet", help="its id or URL")
    get.add_argument("--file", "-f", dest="filename", help="which file (a snippet of several files needs it)")
    get.add_argument("--revision", "-r", type=int, help="which revision (default: the latest)")

    edit = command("edit", "make a new revision of a snippet pasted from here",
                   "Replace a snippet's files with FILEs (every file the new revision should hold: "
                   "leave one out to remove it); a new revision, unless nothing changed. Uses the delete "
                   "token kept when it was pasted (or --token).")
    edit.add_argument("snippet", help="its id or URL")
    edit.add_argument("files", nargs="+", metavar="FILE", help="the files of the new revision ('-': stdin)")
    edit.add_argument("--name", help="stdin's file name")
    edit.add_argument("--lexer", "-l", help="the language of every file (default: as detected)")
    edit.add_argument("--title", "-t", help="a new title")
    edit.add_argument("--token", help="the delete token (default: the one kept in the token file)")

    delete = command("delete", "delete a snippet pasted from here",
                     "Delete a snippet with the delete token kept when it was pasted (or --token).")
    delete.add_argument("snippet", help="its id or URL")
    delete.add_argument("--token", help="the delete token (default: the one kept in the token file)")

    diff = command("diff", "the unified diff of two files or snippets",
                   "Print the unified diff of OLD and NEW (local files or snippet URLs), made by the "
                   "site's diff viewer; with --url, print a link to its diff page instead.")
    diff.add_argument("old")
    diff.add_argument("new")
    diff.add_argument("--url", action="store_true",
                      help="print the diff page's link (local files are pasted first, as snippets)")
    diff.add_argument("--diff-url", help="the diff viewer's URL (default: $COMPOSITE_DIFF_URL, else <server>/diff)")


def run(args):
    """Run one command; its exit code. Every failure is one line on stderr."""
    try:
        return COMMANDS[args.command](args)
    except Failed as failed:
        print(f"composite {args.command}: {failed.message}", file=sys.stderr)
        return failed.exit_code
    except OSError as error:
        print(f"composite {args.command}: {error.strerror or error}: {error.filename or ''}".rstrip(": "),
              file=sys.stderr)
        return client.USAGE


def server_of(args):
    return args.server or SERVER.read()


def read_files(paths, stdin_name):
    """[(file name, bytes)] of the named files; '-' (or none) is stdin."""
    if not paths:
        paths = ["-"]
    if paths.count("-") > 1:
        raise Failed("stdin ('-') can be read only once.", client.USAGE)
    return [(stdin_name or "", sys.stdin.buffer.read()) if path == "-" else (Path(path).name, Path(path).read_bytes())
            for path in paths]


def paste(args):
    files = read_files(args.files, args.name)
    with Client(server_of(args)) as site:
        pasted = site.paste(files, lexer=args.lexer or "", title=args.title or "",
                            expires=args.expires or "", burn=args.burn)
    tokenfile.remember(pasted.url, pasted.delete_token)
    print(pasted.url)
    print(f"delete token: {pasted.delete_token} (kept in {tokenfile.location()})", file=sys.stderr)
    return 0


def get(args):
    ref = client.reference(args.snippet, server_of(args))
    with Client(ref.server) as site:
        sys.stdout.buffer.write(site.raw(ref, filename=args.filename, revision=args.revision, burn=True))
    sys.stdout.buffer.flush()
    return 0


def edit(args):
    ref = client.reference(args.snippet, server_of(args))
    token = kept_token(args, ref)
    with Client(ref.server) as site:
        url, number = site.edit(ref, token, read_files(args.files, args.name), lexer=args.lexer or "",
                                title=args.title or "")
    if url:
        print(url)
    else:
        print(f"nothing changed: {ref.page} stays at revision {number}", file=sys.stderr)
    return 0


def kept_token(args, ref):
    token = args.token or tokenfile.token_for(ref.page)
    if not token:
        raise Failed(f"No delete token for {ref.page} in {tokenfile.location()}: pass --token.", client.USAGE)
    return token


def delete(args):
    ref = client.reference(args.snippet, server_of(args))
    token = kept_token(args, ref)
    with Client(ref.server) as site:
        site.delete(ref, token)
    tokenfile.forget(ref.page)
    print(f"deleted {ref.page}", file=sys.stderr)
    return 0


def diff(args):
    server = server_of(args)
    with Client(server or reference_server(args), diff_url=args.diff_url or DIFF_URL.read()) as site:
        if args.url:
            print(site.compare_url(as_snippet(site, args.old), as_snippet(site, args.new)))
        else:
            sys.stdout.write(site.diff_patch(side(site, args.old), side(site, args.new)))
    return 0


def reference_server(args):
    """The server a diff of two snippet URLs talks to when none is given: theirs."""
    for text in (args.old, args.new):
        if Path(text).exists():
            continue
        try:
            return client.reference(text, None).server
        except Failed:
            continue
    return ""


def is_local(text):
    return Path(text).exists() or "://" not in text


def side(site, text):
    """(name, bytes) of a local file or a snippet."""
    if is_local(text):
        return Path(text).name, Path(text).read_bytes()
    ref = client.reference(text, site.server)
    return ref.id, site.raw(ref)


def as_snippet(site, text):
    """A snippet of this server for a URL, or a local file pasted as one (said on stderr)."""
    if not is_local(text):
        ref = client.reference(text, site.server)
        if ref.server != site.server:
            raise Failed(f"{text} is not on {site.server}: the diff page reads snippets of its own site.", client.USAGE)
        return ref
    pasted = site.paste([(Path(text).name, Path(text).read_bytes())])
    tokenfile.remember(pasted.url, pasted.delete_token)
    print(f"pasted {text} as {pasted.url}", file=sys.stderr)
    return client.reference(pasted.url, site.server)


COMMANDS = {"paste": paste, "get": get, "edit": edit, "delete": delete, "diff": diff}
