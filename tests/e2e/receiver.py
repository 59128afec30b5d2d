#!/usr/bin/env python3
"""A webhook receiver for the ordertrackd end-to-end tests, on 127.0.0.1 only.

receiver.py PORT_FILE LOG_FILE: listens on a free port, writes the port to PORT_FILE, and
appends one JSON line per POST to LOG_FILE: {"path", "headers", "body"} (body as text).
Answers 200 {"ok": true}, or 500 for paths under /fail/. Stops on SIGTERM.
"""
import http.server
import os
import json
import signal
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace")
        with open(sys.argv[2], "a", encoding="utf-8") as log:
            log.write(json.dumps({"path": self.path, "headers": dict(self.headers.items()),
                                  "body": body}) + "\n")
        status = 500 if self.path.startswith("/fail/") else 200
        out = b'{"ok": true}'
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, fmt, *args):
        pass


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with open(sys.argv[1] + ".tmp", "w", encoding="utf-8") as f:
        f.write(str(server.server_address[1]))

    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    server.serve_forever()


if __name__ == "__main__":
    main()
