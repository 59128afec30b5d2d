#!/usr/bin/env python3
"""An SMTP receiver for the end-to-end tests, on 127.0.0.1 only (plain SMTP, no TLS).

smtp_receiver.py PORT_FILE LOG_FILE: listens on a free port, writes the port to PORT_FILE, and
appends one JSON line per accepted message to LOG_FILE: {"from", "to": [...], "data"} (data
as text, dot-unstuffed). Speaks EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT. Stops on SIGTERM.
"""
import json
import os
import signal
import socketserver
import sys


class Handler(socketserver.StreamRequestHandler):
    def say(self, line):
        self.wfile.write((line + "\r\n").encode())
        self.wfile.flush()

    def handle(self):
        sender, rcpt = None, []
        self.say("220 127.0.0.1 e2e SMTP")
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb = line[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.say("250 127.0.0.1")
            elif verb == "MAIL":
                sender, rcpt = line[10:].strip(), []
                self.say("250 OK")
            elif verb == "RCPT":
                rcpt.append(line[8:].strip())
                self.say("250 OK")
            elif verb == "DATA":
                self.say("354 go ahead")
                lines = []
                while True:
                    d = self.rfile.readline()
                    if not d or d in (b".\r\n", b".\n"):
                        break
                    if d.startswith(b".."):
                        d = d[1:]
                    lines.append(d)
                data = b"".join(lines).decode("utf-8", "replace")
                with open(sys.argv[2], "a", encoding="utf-8") as log:
                    log.write(json.dumps({"from": sender, "to": rcpt, "data": data}) + "\n")
                self.say("250 accepted")
            elif verb == "RSET":
                sender, rcpt = None, []
                self.say("250 OK")
            elif verb == "NOOP":
                self.say("250 OK")
            elif verb == "QUIT":
                self.say("221 bye")
                return
            else:
                self.say("502 not implemented")


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main():
    server = Server(("127.0.0.1", 0), Handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with open(sys.argv[1] + ".tmp", "w", encoding="utf-8") as f:
        f.write(str(server.server_address[1]))
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    server.serve_forever()


if __name__ == "__main__":
    main()
