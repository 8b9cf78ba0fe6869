#!/usr/bin/env bash
# Serves web/dist/ (built by scripts/build-web.sh) on http://127.0.0.1:${PORT:-8080}/ with
# the wasm MIME type browsers need for streaming compilation. Stop it with Ctrl+C.
set -euo pipefail
cd "$(dirname "$0")/../web/dist"
port="${PORT:-8080}"
echo "serve-web: http://127.0.0.1:$port/"
exec python3 -c '
import http.server, sys
handler = http.server.SimpleHTTPRequestHandler
handler.extensions_map[".wasm"] = "application/wasm"
handler.extensions_map[".js"] = "text/javascript"
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), handler).serve_forever()
' "$port"
