#!/usr/bin/env python3
"""The customer tracking page in a real browser (headless Chromium over the DevTools
protocol, python3-websocket), against a real ordertrackd (SQLite, PII sealing on) behind the
validating proxy (tests/e2e/openapi_proxy.py): every answer the browser and the test get is
checked against docs/openapi.yaml.

It screenshots the page of an order in progress, out for delivery, delivered and failed, at
phone (390x844) and desktop (1280x800) sizes into OUTDIR; watches a live update arrive
without a reload (stage, driver, position, ETA, the ARIA live region); refuses a forged, an
expired and an unknown-key token with nothing of the order in the answer and accepts a link
of a rotated (older) key; checks the personal data left out, the caching headers, the
languages, the keyboard's first stop; and runs axe-core: no serious or critical violation.

Usage: tracking_page.py ORDERTRACKD OUTDIR AXE_JS"""
import base64
import datetime
import hashlib
import hmac
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import websocket

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = os.path.join(HERE, "..", "..", "docs", "openapi.yaml")
PROXY = os.path.join(HERE, "..", "e2e", "openapi_proxy.py")
ADMIN = "browser-admin-key-0123456789"
NEW_KEY = ("2026b", "new-secret-for-links-0123456789abcdef")
OLD_KEY = ("2026a", "old-secret-for-links-0123456789abcdef")
PII_HEX = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
# What the customer must never see: the customer id, the driver's phone, surname and id,
# the store, a note of the staff.
SECRETS = ["cust-secret-42", "+15550100777", "Kumarasamy", "drv-77", "store-hidden-9",
           "gate code 4321"]
VIEWPORTS = {"phone": (390, 844, True), "desktop": (1280, 800, False)}

failures = []


def check(cond, what):
    if cond:
        print("ok - %s" % what)
    else:
        print("FAIL - %s" % what)
        failures.append(what)


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_token(key, order_id, expires):
    body = b64url(("1.%s.%d.%s" % (key[0], expires, order_id)).encode())
    mac = hmac.new(key[1].encode(), body.encode(), hashlib.sha256).digest()
    return body + "." + b64url(mac)


def now_iso(offset_s=0):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset_s)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)


class Http:
    def __init__(self, base):
        self.base = base

    def call(self, method, path, body=None, headers=None, auth=True):
        h = dict(headers or {})
        if auth:
            h["Authorization"] = "Bearer " + ADMIN
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=h)
        try:
            with urllib.request.urlopen(req, timeout=20) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def ok(self, method, path, body=None, want=(200, 201)):
        status, _, data = self.call(method, path, body)
        if status not in want:
            raise SystemExit("%s %s -> %d %s" % (method, path, status, data[:300]))
        return json.loads(data) if data else None


class Cdp:
    """One browser connection; commands to a page go with its session id."""

    def __init__(self, url):
        self.ws = websocket.create_connection(url, timeout=60, suppress_origin=True)
        self.n = 0

    def call(self, method, session=None, **params):
        self.n += 1
        msg = {"id": self.n, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        self.ws.send(json.dumps(msg))
        while True:
            m = json.loads(self.ws.recv())
            if m.get("id") == self.n:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m.get("result", {})


class Page:
    def __init__(self, cdp):
        self.cdp = cdp
        target = cdp.call("Target.createTarget", url="about:blank")["targetId"]
        self.s = cdp.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        cdp.call("Page.enable", self.s)
        cdp.call("Runtime.enable", self.s)

    def eval(self, expr, wait=False):
        r = self.cdp.call("Runtime.evaluate", self.s, expression=expr, returnByValue=True,
                          awaitPromise=wait)
        if "exceptionDetails" in r:
            raise RuntimeError("%s: %s" % (expr[:80], r["exceptionDetails"]))
        return r["result"].get("value")

    def until(self, expr, what, timeout=15):
        end = time.time() + timeout
        while time.time() < end:
            try:
                if self.eval(expr):
                    return True
            except RuntimeError:
                pass
            time.sleep(0.1)
        check(False, "%s (waited %ds for %s)" % (what, timeout, expr))
        return False

    def viewport(self, name):
        w, h, mobile = VIEWPORTS[name]
        self.cdp.call("Emulation.setDeviceMetricsOverride", self.s, width=w, height=h,
                      deviceScaleFactor=1, mobile=mobile)

    def open(self, url):
        self.cdp.call("Page.navigate", self.s, url=url)
        time.sleep(0.2)
        return self.until("document.readyState === 'complete'", "load " + url)

    def screenshot(self, path):
        m = self.cdp.call("Page.getLayoutMetrics", self.s)["cssContentSize"]
        r = self.cdp.call("Page.captureScreenshot", self.s, format="png",
                          captureBeyondViewport=True,
                          clip={"x": 0, "y": 0, "width": m["width"], "height": m["height"],
                                "scale": 1})
        with open(path, "wb") as f:
            f.write(base64.b64decode(r["data"]))

    def key(self, name, code):
        for kind in ("keyDown", "keyUp"):
            self.cdp.call("Input.dispatchKeyEvent", self.s, type=kind, key=name, code=code,
                          windowsVirtualKeyCode=9)


def start(cmd, log, ready, timeout=20):
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=open(log, "w"))
    end = time.time() + timeout
    while time.time() < end:
        value = ready()
        if value:
            return proc, value
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    sys.stderr.write(open(log).read())
    raise SystemExit("did not start: %s" % cmd[0])


def read_port(log):
    try:
        for line in open(log):
            if "listening on 127.0.0.1:" in line:
                return int(line.split("listening on 127.0.0.1:")[1].split()[0])
    except OSError:
        pass
    return None


def advance(api, order_id, until, store="store-hidden-9"):
    """Take a new order through the lifecycle to `until`."""
    api.ok("POST", "/tracking/orders/%s/init" % order_id,
           {"store_id": store, "customer_id": "cust-secret-42", "delivery_provider": "uber",
            "estimated_delivery_time": now_iso(3600)})
    steps = [
        ("preparing", lambda: (
            api.ok("POST", "/tracking/store/%s/acknowledge" % store, {"order_id": order_id}),
            api.ok("POST", "/tracking/store/%s/start-picking" % store, {"order_id": order_id}))),
        ("ready", lambda: api.ok("POST", "/tracking/store/%s/ready" % store,
                                 {"order_id": order_id})),
        ("assigned", lambda: api.ok("POST", "/tracking/delivery/%s/assign" % order_id, {
            "driver": {"driver_id": "drv-77", "name": "Ravi Kumarasamy",
                       "phone": "+15550100777", "vehicle_type": "scooter",
                       "vehicle_number": "KA01AB1234"},
            "estimated_delivery_time": now_iso(2400)})),
        ("moving", lambda: [api.ok("PUT", "/tracking/delivery/%s/location" % order_id, {
            "latitude": 12.9716 + i * 0.002, "longitude": 77.5946 + i * 0.0015,
            "timestamp": now_iso(-30 + i)}) for i in range(4)]),
        ("picked_up", lambda: api.ok("POST", "/tracking/delivery/%s/pickup" % order_id)),
        ("in_transit", lambda: api.ok("PUT", "/tracking/orders/%s/status" % order_id, {
            "status": "in_transit", "updated_by": "dispatcher",
            "notes": "gate code 4321"})),
        ("delivered", lambda: api.ok("POST", "/tracking/delivery/%s/delivered" % order_id)),
    ]
    for name, step in steps:
        if until == "failed" and name == "delivered":
            api.ok("PUT", "/tracking/orders/%s/status" % order_id,
                   {"status": "failed", "updated_by": "dispatcher", "notes": "gate code 4321"})
            return
        step()
        if name == until:
            return


def link(api, order_id):
    doc = api.ok("POST", "/tracking/orders/%s/tracking-link" % order_id, {})
    return doc["token"]


def main():
    binary, outdir, axe_js = sys.argv[1:4]
    for need in (axe_js, shutil.which("chromium") or "/nonexistent/chromium"):
        if not os.path.exists(need):
            raise SystemExit("missing %s: run scripts/setup" % need)
    os.makedirs(outdir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="ot-browser-")
    procs = []
    try:
        run(binary, outdir, axe_js, tmp, procs)
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
        report = os.path.join(tmp, "openapi.jsonl")
        if os.path.exists(report):
            for line in open(report):
                check(False, "openapi: " + line.strip())
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print("%d failure(s)" % len(failures))
        sys.exit(1)
    print("all passed; screenshots in %s" % outdir)


def run(binary, outdir, axe_js, tmp, procs):
    cfg = {"listen": "127.0.0.1:0", "storage": "sqlite:%s/orders.db" % tmp,
           "api_keys": [{"id": "admin", "key": ADMIN, "role": "admin"}],
           "limits": {"location_event_ms": 200, "event_heartbeat_ms": 1000},
           "pii": {"key_id": "p1", "key_hex": PII_HEX},
           "tracking_page": {"keys": [{"id": k, "secret": s} for k, s in (NEW_KEY, OLD_KEY)],
                             "link_ttl_s": 3600,
                             "public_base_url": "https://track.example.com"}}
    with open(os.path.join(tmp, "config.json"), "w") as f:
        json.dump(cfg, f)
    log = os.path.join(tmp, "ordertrackd.log")
    daemon, port = start([binary, "--config", os.path.join(tmp, "config.json")], log,
                         lambda: read_port(log))
    procs.append(daemon)
    port_file = os.path.join(tmp, "proxy.port")
    proxy, pport = start(["/usr/bin/python3", PROXY, "--spec", SPEC, "--upstream",
                          "127.0.0.1:%d" % port, "--port-file", port_file, "--report",
                          os.path.join(tmp, "openapi.jsonl")], os.path.join(tmp, "proxy.log"),
                         lambda: os.path.exists(port_file) and open(port_file).read().strip())
    procs.append(proxy)
    base = "http://127.0.0.1:%s" % pport
    api = Http(base)

    # ---- links, refusals, caching, languages over plain HTTP --------------------------
    advance(api, "o-progress", "preparing")
    status, headers, data = api.call("POST", "/tracking/orders/o-progress/tracking-link",
                                     {"ttl_s": 600})
    doc = json.loads(data)
    check(status == 201 and doc["url"] == "https://track.example.com/t/" + doc["token"],
          "a store mints a link: 201 with url, token, expires_at")
    exp = datetime.datetime.strptime(doc["expires_at"], "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()
    check(abs(exp - (time.time() + 600)) < 30, "ttl_s sets expires_at")
    status, _, data = api.call("POST", "/tracking/orders/o-progress/tracking-link",
                               {"ttl": 5})
    check(status == 400 and b'"field":"ttl"' in data, "an unknown member is refused by name")
    status, _, _ = api.call("POST", "/tracking/orders/o-progress/tracking-link", {},
                            auth=False)
    check(status == 401, "minting needs an API key")
    token = doc["token"]
    status, headers, page = api.call("GET", "/t/" + token, auth=False)
    check(status == 200 and "max-age=5" in headers.get("Cache-Control", ""),
          "the page answers 200 with a short cache lifetime")
    check("no-referrer" in headers.get("Referrer-Policy", ""), "no Referer leaks the token")
    css = page.split(b'href="/t/static/')[1].split(b'"')[0].decode()
    status, headers, body = api.call("GET", "/t/static/" + css, auth=False)
    check(status == 200 and "immutable" in headers.get("Cache-Control", "") and
          "max-age=31536000" in headers.get("Cache-Control", "") and
          hashlib.sha256(body).hexdigest()[:12] in css,
          "assets are content-hashed and cached immutable for a year")
    check(api.call("GET", "/t/static/page.000000000000.css", auth=False)[0] == 404,
          "an unknown asset is 404")
    _, _, es = api.call("GET", "/t/" + token, headers={"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"},
                        auth=False)
    check(b'<html lang="es">' in es and "En preparación".encode() in es or
          b'<html lang="es">' in es, "Accept-Language: es answers in Spanish")
    _, _, en = api.call("GET", "/t/%s?lang=en" % token, headers={"Accept-Language": "es"},
                        auth=False)
    check(b'<html lang="en">' in en, "?lang= wins over Accept-Language")

    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BA")
    expired = make_token(NEW_KEY, "o-progress", int(time.time()) - 5)
    unknown = make_token(("2025z", "some-other-secret-0123456789abcdefgh"), "o-progress",
                         int(time.time()) + 600)
    other_order = make_token(NEW_KEY, "o-other", int(time.time()) + 900)[:-43] + \
        token.split(".")[1]
    for name, bad, words in (("forged", forged, b"not valid"), ("expired", expired, b"expired"),
                             ("unknown key", unknown, b"not valid"),
                             ("payload swapped", other_order, b"not valid")):
        status, headers, body = api.call("GET", "/t/" + bad, auth=False)
        leaked = [s for s in SECRETS + ["o-progress"] if s.encode() in body]
        check(status == 404 and words in body and not leaked and
              headers.get("Cache-Control") == "no-store",
              "a %s token is refused (404, no-store) and names nothing of the order %s" %
              (name, leaked))
        status, _, body = api.call("GET", "/t/%s/events" % bad, auth=False)
        check(status == 404 and b"o-progress" not in body, "its event stream is refused too")
    short = make_token(NEW_KEY, "o-progress", int(time.time()) + 2)
    started = time.time()
    with urllib.request.urlopen(base + "/t/%s/events" % short, timeout=10) as r:
        stream = r.read().decode()
    check(stream.startswith("event: view\n") and time.time() - started < 8 and
          "cust-secret-42" not in stream,
          "a stream sends the customer view and ends once its link expires")
    rotated = make_token(OLD_KEY, "o-progress", int(time.time()) + 600)
    check(api.call("GET", "/t/" + rotated, auth=False)[0] == 200,
          "a link of the rotated (older) key stays valid until it expires")

    # ---- the four states, screenshots, no personal data, axe --------------------------
    states = {"in-progress": "o-progress"}
    for state, until in (("out-for-delivery", "in_transit"), ("delivered", "delivered"),
                         ("failed", "failed")):
        states[state] = "o-" + state
        advance(api, states[state], until)
    user_dir = os.path.join(tmp, "chromium")
    chrome, ws_url = start(
        [shutil.which("chromium"), "--headless=new", "--no-sandbox", "--disable-gpu",
         "--disable-dev-shm-usage", "--no-first-run", "--remote-debugging-port=0",
         "--remote-allow-origins=*", "--user-data-dir=" + user_dir, "about:blank"],
        os.path.join(tmp, "chromium.log"),
        lambda: devtools_url(user_dir), timeout=60)
    procs.append(chrome)
    cdp = Cdp(ws_url)
    page = Page(cdp)
    with open(axe_js) as f:
        axe = f.read()
    expected = {"in-progress": "Being prepared", "out-for-delivery": "Out for delivery",
                "delivered": "Delivered", "failed": "Delivery failed"}
    for state, order_id in states.items():
        url = base + "/t/" + link(api, order_id)
        for vp in VIEWPORTS:
            page.viewport(vp)
            page.open(url)
            page.until("document.getElementById('stage').textContent === %s" %
                       json.dumps(expected[state]), "%s shows %r" % (state, expected[state]))
            time.sleep(0.3)
            page.screenshot(os.path.join(outdir, "tracking-page-%s-%s.png" % (state, vp)))
        html = page.eval("document.documentElement.outerHTML")
        leaked = [s for s in SECRETS if s in html]
        check(not leaked, "%s: no personal data beyond the customer's %s" % (state, leaked))
        if state == "out-for-delivery":
            check(page.eval("document.getElementById('driver-text').textContent")
                  == "Ravi \u00b7 scooter KA01AB1234",
                  "out for delivery: the driver's first name and vehicle")
            check(page.eval("!document.getElementById('where').hidden && "
                            "document.getElementById('route-line').getAttribute('points')"
                            ".split(' ').length >= 4"),
                  "out for delivery: the route and position drawn in SVG")
        if state in ("delivered", "failed"):
            check(page.eval("document.getElementById('driver').hidden && "
                            "document.getElementById('where').hidden"),
                  "%s: no driver or position once the order is over" % state)
            check(page.eval("document.getElementById('eta').hidden") == (state == "failed"),
                  "%s: an arrival time only for an order that arrives" % state)
        check_axe(page, axe, state)
    # the refused page, for the record
    page.viewport("phone")
    page.open(base + "/t/" + forged)
    check(page.eval("document.querySelector('h2').textContent") ==
          "This tracking link is not valid", "the browser shows the refusal")
    page.screenshot(os.path.join(outdir, "tracking-page-refused-phone.png"))
    check_axe(page, axe, "the refusal")
    page.open(base + "/t/%s?lang=es" % link(api, states["out-for-delivery"]))
    page.until("document.getElementById('stage').textContent === 'En reparto'",
               "?lang=es shows the Spanish catalogue")
    page.screenshot(os.path.join(outdir, "tracking-page-out-for-delivery-phone-es.png"))

    # ---- keyboard: the skip link is the first stop and moves to the order -------------
    page.open(base + "/t/" + link(api, "o-progress"))
    page.until("document.getElementById('stage').textContent !== ''", "page rendered")
    page.key("Tab", "Tab")
    check(page.eval("document.activeElement.className") == "skip",
          "Tab reaches the skip link first")

    # ---- live updates without reload ------------------------------------------------
    advance(api, "o-live", "preparing")
    page.viewport("phone")
    page.open(base + "/t/" + link(api, "o-live"))
    page.until("document.getElementById('conn').textContent.indexOf('Live') === 0",
               "the event stream opens")
    page.eval("window.__noReload = 42")
    api.ok("POST", "/tracking/store/store-hidden-9/ready", {"order_id": "o-live"})
    page.until("document.getElementById('stage').textContent === 'Ready for pickup'",
               "live: the stage changes without reload")
    check(page.eval("document.getElementById('announce').textContent").startswith(
        "Ready for pickup"), "live: the ARIA live region announces the new stage")
    advance_assign = {"driver": {"driver_id": "drv-77", "name": "Ravi Kumarasamy",
                                 "phone": "+15550100777", "vehicle_type": "scooter"},
                      "estimated_delivery_time": now_iso(1800)}
    api.ok("POST", "/tracking/delivery/o-live/assign", advance_assign)
    page.until("!document.getElementById('driver').hidden", "live: the driver appears")
    page.until("document.querySelectorAll('#eta-revisions li').length === 1",
               "live: the ETA revision is listed")
    api.ok("PUT", "/tracking/delivery/o-live/location",
           {"latitude": 12.95, "longitude": 77.6, "timestamp": now_iso(-2)})
    page.until("document.getElementById('position-text').textContent.indexOf('12.95000') > 0",
               "live: the position moves")
    check(page.eval("window.__noReload") == 42 and
          page.eval("performance.getEntriesByType('navigation').length") == 1 and
          int(page.eval("document.body.dataset.updates")) >= 3,
          "live: every update arrived without a reload")
    page.screenshot(os.path.join(outdir, "tracking-page-live-phone.png"))
    html = page.eval("document.documentElement.outerHTML")
    check(not [s for s in SECRETS if s in html], "live: no personal data arrived")
    cdp.ws.close()

    # ---- SIGHUP: the block reloads; dropping the old key ends its links ---------------
    cfg["tracking_page"]["keys"] = [{"id": NEW_KEY[0], "secret": NEW_KEY[1]}]
    with open(os.path.join(tmp, "config.json"), "w") as f:
        json.dump(cfg, f)
    daemon.send_signal(signal.SIGHUP)
    end = time.time() + 10
    while time.time() < end and "config reloaded" not in open(log).read():
        time.sleep(0.05)
    check("needs restart" not in open(log).read(), "tracking_page reloads without a restart")
    check(api.call("GET", "/t/" + rotated, auth=False)[0] == 404,
          "after the reload a link of the dropped key is refused")
    check(api.call("GET", "/t/" + token, auth=False)[0] == 200,
          "after the reload a link of the kept key still opens")


def check_axe(page, axe, what):
    """axe-core over the page open in `page`: no serious or critical violation."""
    page.eval(axe)
    found = json.loads(page.eval(
        "axe.run(document, {resultTypes: ['violations']}).then(r => JSON.stringify("
        "r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length}))))",
        wait=True))
    serious = [v for v in found if v["impact"] in ("serious", "critical")]
    check(not serious, "%s: axe-core finds no serious or critical violation %s" %
          (what, serious))


def devtools_url(user_dir):
    try:
        with open(os.path.join(user_dir, "DevToolsActivePort")) as f:
            port, path = f.read().split()[:2]
        return "ws://127.0.0.1:%s%s" % (port, path)
    except (OSError, ValueError):
        return None


if __name__ == "__main__":
    main()
