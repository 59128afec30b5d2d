"""Run tests/e2e/openapi_proxy.py in front of an ordertrackd for a Python test (standard
library only: the proxy runs in Debian's python3, with PyYAML and jsonschema).

    proxy = OpenApiProxy(directory, "name", daemon_port)   # then talk to proxy.port / .url
    ...
    proxy.finish()   # stops it; AssertionError naming every answer that broke the spec
"""
import json
import os
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = os.path.join(HERE, "..", "..", "docs", "openapi.yaml")
PYTHON = "/usr/bin/python3"


class OpenApiProxy:
    def __init__(self, directory, name, upstream_port, spec=SPEC):
        port_file = os.path.join(directory, name + ".openapi.port")
        self.report = os.path.join(directory, name + ".openapi.jsonl")
        self.log = os.path.join(directory, name + ".openapi.log")
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen(
                [PYTHON, os.path.join(HERE, "openapi_proxy.py"), "--spec", spec,
                 "--upstream", "127.0.0.1:%d" % upstream_port, "--port-file", port_file,
                 "--report", self.report], stderr=log)
        deadline = time.monotonic() + 15
        while not os.path.exists(port_file):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("openapi_proxy.py did not start: " + self.stderr())
            time.sleep(0.02)
        with open(port_file) as f:
            self.port = int(f.read())
        self.url = "http://127.0.0.1:%d" % self.port
        self.finished = False

    def stderr(self):
        with open(self.log, encoding="utf-8", errors="replace") as f:
            return f.read()

    def violations(self):
        """Stop the proxy (once); the violations it recorded, a list of strings."""
        if not self.finished:
            self.finished = True
            self.proc.terminate()
            self.proc.wait(30)
        if not os.path.exists(self.report):
            return []
        with open(self.report, encoding="utf-8") as f:
            return [json.loads(line)["violation"] for line in f if line.strip()]

    def finish(self):
        """Stop the proxy; AssertionError when an answer broke the spec or it failed."""
        already = self.finished
        found = self.violations()
        if not already and (found or self.proc.returncode != 0):
            raise AssertionError("answers that break docs/openapi.yaml (proxy exit %s):\n%s"
                                 % (self.proc.returncode, "\n".join(found[:50])))
