#!/bin/sh
# The highlighter from the shell, with curl only.
#
#   HIGHLIGHTER_URL=http://127.0.0.1:5001 examples/shell/highlight.sh json FILE [OPTIONS_JSON]
#   examples/shell/highlight.sh html LEXER FILE     # HTML fragment (the legacy form API)
#   examples/shell/highlight.sh css STYLE           # the style's CSS for .highlight
#   examples/shell/highlight.sh lexers              # every lexer, as JSON
#
# HIGHLIGHTER_URL is the service's base URL (with the mount, e.g. http://host/highlight).
# The file is uploaded as the code field, so its name chooses the lexer in "json".
# On an error the service's JSON error is printed and the exit status is 22.
set -eu

url="${HIGHLIGHTER_URL:-http://127.0.0.1:5001}"
url="${url%/}"
curl_() { curl --silent --show-error --fail-with-body "$@"; }

case "${1:-}" in
  json)
    [ $# -ge 2 ] || { echo "usage: $0 json FILE [OPTIONS_JSON]" >&2; exit 2; }
    options="${3:-}"
    [ -n "$options" ] || options='{}'
    curl_ -F "code=@$2" --form-string "options=$options" "$url/api/highlight"
    ;;
  html)
    [ $# -eq 3 ] || { echo "usage: $0 html LEXER FILE" >&2; exit 2; }
    curl_ --data-urlencode "lang=$2" --data-urlencode "code@$3" "$url/"
    ;;
  css)
    curl_ --get --data-urlencode "selector=.highlight" "$url/styles/${2:-default}.css"
    ;;
  lexers)
    curl_ "$url/api/lexers"
    ;;
  *)
    sed -n '2,11p' "$0" >&2
    exit 2
    ;;
esac
