"""A deployment on loopback for the acceptance tests (standard library only).

The programs as a user runs them: ordertrackd and ordertrack-poller started from their config
files on one store, the courier simulator (tests/sim/courier_sim.py) serving every tracker,
and local receivers for Slack, the RTO webhook and SMTP. Paths of the programs come from the
environment: ORDERTRACKD, ORDERTRACK_POLLER, COURIER_SIM (ctest sets them).

Storage: a SQLite file in the deployment's directory, or, with OT_TEST_MONGODB_URI set, a
database of its own on that server (dropped at the end). With OT_ACCEPTANCE_MONGO=double and
no OT_TEST_MONGODB_URI, the MongoDB wire-protocol double (FAKE_MONGOD, tests/mongo/) is
started for the run and used instead.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def env_path(name):
    value = os.environ.get(name)
    if not value or not os.path.exists(value):
        raise RuntimeError("%s must name the program (set by ctest)" % name)
    return value


E2E = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e")
sys.path.insert(0, E2E)
from openapi_harness import OpenApiProxy  # noqa: E402  (every answer checked against the spec)


class Receiver:
    """One of the end-to-end receivers (tests/e2e/receiver.py for HTTP POSTs: Slack, the RTO
    webhook; smtp_receiver.py for SMTP) on 127.0.0.1, its log read back as a list: HTTP
    {path, headers, body, json}, SMTP {from, to, data}."""

    def __init__(self, directory, name, script, scheme):
        port_file = os.path.join(directory, name + ".port")
        self.log_path = os.path.join(directory, name + ".jsonl")
        open(self.log_path, "w").close()
        self.proc = subprocess.Popen([PYTHON, os.path.join(E2E, script), port_file,
                                      self.log_path])
        deadline = time.monotonic() + 10
        while not os.path.exists(port_file):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError(script + " did not start")
            time.sleep(0.02)
        with open(port_file) as f:
            self.url = "%s://127.0.0.1:%s" % (scheme, f.read().strip())

    def all(self):
        items = []
        with open(self.log_path, encoding="utf-8") as f:
            for line in f:
                if not line.endswith("\n"):
                    break               # being written
                item = json.loads(line)
                if "body" in item:
                    try:
                        item["json"] = json.loads(item["body"])
                    except ValueError:
                        item["json"] = None
                items.append(item)
        return items

    def wait(self, predicate, timeout=10.0):
        """What satisfies `predicate`, once anything does (or [] after `timeout` s)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = [i for i in self.all() if predicate(i)]
            if got:
                return got
            time.sleep(0.05)
        return []

    def close(self):
        self.proc.terminate()
        self.proc.wait(10)


def http_receiver(directory, name):
    return Receiver(directory, name, "receiver.py", "http")


def smtp_receiver(directory, name="smtp"):
    return Receiver(directory, name, "smtp_receiver.py", "smtp")


class Simulator:
    """tests/sim/courier_sim.py with a scenario; its log of received requests."""

    def __init__(self, directory, scenario, latency_ms=0):
        path = os.path.join(directory, "scenario.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(scenario, f)
        args = [PYTHON, env_path("COURIER_SIM"), "--scenario", path]
        if latency_ms:
            args += ["--latency-ms", str(latency_ms)]
        with open(os.path.join(directory, "sim.log"), "w") as log:
            self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=log)
        self.port = int(self.proc.stdout.readline())
        self.url = "http://127.0.0.1:%d" % self.port

    def _call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read() or b"null")

    def log(self):
        return self._call("GET", "/_sim/log")

    def clear_log(self):
        self._call("POST", "/_sim/log/clear", {})

    def faults(self, rules):
        self._call("POST", "/_sim/faults", rules)

    def tracking(self, courier_path):
        """The tracking requests (not logins) whose path starts with courier_path."""
        return [e for e in self.log() if e["path"].startswith(courier_path)]

    def close(self):
        self.proc.stdin.close()
        self.proc.stdout.close()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


_double = None


def mongo_server():
    """OT_TEST_MONGODB_URI, or the double's URI (started once), or None."""
    global _double
    if os.environ.get("OT_TEST_MONGODB_URI"):
        return os.environ["OT_TEST_MONGODB_URI"]
    if os.environ.get("OT_ACCEPTANCE_MONGO") != "double":
        return None
    if _double is None:
        _double = subprocess.Popen([PYTHON, env_path("FAKE_MONGOD")], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        _double.port = int(_double.stdout.readline())
    return "mongodb://127.0.0.1:%d" % _double.port


def mongo_storage(name, options=""):
    """A mongodb:// URI on mongo_server() with a database of its own, with the store's
    `options` ("ot.legacyOrders=true") added to the query, or None."""
    base = mongo_server()
    if not base:
        return None
    parts = urllib.parse.urlsplit(base)
    db = "ot_accept_%d_%s" % (os.getpid(), name)
    query = "&".join(q for q in (parts.query, options) if q)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/" + db, query, ""))


def mongo_client_uri(uri):
    """The URI without the store's own ot.* options, for a plain MongoDB client."""
    parts = urllib.parse.urlsplit(uri)
    query = "&".join(q for q in parts.query.split("&") if q and not q.startswith("ot."))
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def mongo_script(uri, code):
    """Run `code` with `db`, the deployment's database, in Debian's python3 (pymongo)."""
    p = subprocess.run([PYTHON, "-c", "import sys, pymongo\n"
                        "c = pymongo.MongoClient(sys.argv[1], serverSelectionTimeoutMS=5000)\n"
                        "db = c.get_default_database()\n" + code,
                        mongo_client_uri(uri)], capture_output=True, timeout=60)
    if p.returncode != 0:
        raise AssertionError("pymongo: " + p.stderr.decode("utf-8", "replace"))
    return p.stdout


def drop_database(uri):
    try:
        mongo_script(uri, "c.drop_database(db.name)\n")
    except (subprocess.SubprocessError, OSError):
        pass


class Daemon:
    """ordertrackd started from a config file; REST calls with an API key."""

    def __init__(self, directory, config, name="ordertrackd"):
        self.directory = directory
        self.config_path = os.path.join(directory, name + ".json")
        with open(self.config_path, "w", encoding="utf-8") as f:
            json.dump(config, f, indent=1)
        self.log_path = os.path.join(directory, name + ".log")
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(
                [env_path("ORDERTRACKD"), "--config", self.config_path, "--listen",
                 "127.0.0.1:0"], stdout=subprocess.DEVNULL, stderr=log)
        deadline = time.monotonic() + 15
        self.port = None
        while time.monotonic() < deadline and self.port is None:
            m = re.search(r"listening on 127\.0\.0\.1:(\d+) ", self.stderr())
            if m:
                self.port = int(m.group(1))
            elif self.proc.poll() is not None:
                break
            else:
                time.sleep(0.05)
        if self.port is None:
            raise RuntimeError("ordertrackd did not start: " + self.stderr())
        self.proxy = OpenApiProxy(directory, name, self.port)
        self.url = self.proxy.url

    def stderr(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def call(self, method, path, body=None, key="admin-key-012345", headers=None, raw=None):
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        h = {"Content-Type": "application/json"}
        if key:
            h["Authorization"] = "Bearer " + key
        h.update(headers or {})
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=h)
        try:
            with urllib.request.urlopen(req, timeout=15) as r:
                status, text = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read()
        try:
            return status, json.loads(text or b"null")
        except ValueError:
            return status, text.decode("utf-8", "replace")

    def stop(self):
        """SIGTERM; the exit status (0 expected). Raises AssertionError when an answer broke
        docs/openapi.yaml (the first call only)."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proxy.finish()
        return self.proc.returncode


class Poller:
    """ordertrack-poller from a config file: --once runs, each tracker's summary parsed."""

    def __init__(self, directory, config, name="poller"):
        self.path = os.path.join(directory, name + ".json")
        with open(self.path, "w", encoding="utf-8") as f:
            json.dump(config, f, indent=1)

    def scheduled(self, runs, during=None, timeout=120):
        """Run the poller on its schedules (every tracker runs at start-up), call `during`
        meanwhile, wait for `runs` run summaries, stop it with SIGTERM. Returns the exit
        status, the summaries and stderr."""
        out, err = self.path + ".out", self.path + ".err"
        with open(out, "w") as o, open(err, "w") as e:
            proc = subprocess.Popen([env_path("ORDERTRACK_POLLER"), "--config", self.path],
                                    stdout=o, stderr=e)
        try:
            if during:
                during()
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and proc.poll() is None:
                with open(out) as f:
                    lines = [l for l in f if l.startswith("{")]
                if len(lines) >= runs:
                    break
                time.sleep(0.05)
        finally:
            proc.terminate()
            rc = proc.wait(30)
        with open(out) as f:
            summaries = [json.loads(l) for l in f if l.startswith("{")]
        with open(err) as f:
            return rc, summaries, f.read()

    def once(self, tracker=None, timeout=120):
        args = [env_path("ORDERTRACK_POLLER"), "--config", self.path, "--once"]
        if tracker:
            args += ["--tracker", tracker]
        p = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
        summaries = {}
        for line in p.stdout.splitlines():
            if line.startswith("{"):
                doc = json.loads(line)
                summaries[doc["tracker"]] = doc
        return p.returncode, summaries, p.stderr


def write_key_file(directory, hex_key):
    """A PII key file readable by its owner only, as both programs require."""
    path = os.path.join(directory, "pii.key")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(hex_key + "\n")
    return path


def new_directory(prefix):
    return tempfile.mkdtemp(prefix=prefix)
