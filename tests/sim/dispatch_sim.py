"""Uber Direct and DoorDash Drive for the courier simulator (standard library only).

Partner endpoints (docs/couriers-dispatch.md lists the sources):

  POST /oauth/v2/token   form: client_id, client_secret, grant_type=client_credentials,
                         scope=eats.deliveries -> {access_token, expires_in, token_type, scope}
  POST /v1/customers/{customer_id}/delivery_quotes           Authorization: Bearer <token>
  POST /v1/customers/{customer_id}/deliveries                (idempotency_key honoured)
  GET  /v1/customers/{customer_id}/deliveries/{delivery_id}
  POST /v1/customers/{customer_id}/deliveries/{delivery_id}/cancel
  POST /drive/v2/quotes                                      Authorization: Bearer <JWT>
  POST /drive/v2/deliveries          (a used external_delivery_id: 409 duplicate)
  GET  /drive/v2/deliveries/{external_delivery_id}
  PUT  /drive/v2/deliveries/{external_delivery_id}/cancel

Uber answers an unknown or expired token with 401 {"code": "unauthorized"}; DoorDash a JWT
that fails its checks (HS256 over the decoded signing secret, header dd-ver DD-JWT-V1, aud
"doordash", iss the developer id, kid the key id, iat not in the future, exp after now and at
most 1800 s after iat) with 401 {"code": "authentication_error"}.

Control (no authentication):
  POST /_sim/dispatch/script   {"uber": ["no_driver", "ok"], "doordash": [...]}: the outcomes
                               of the next creates, in order (then "ok")
  POST /_sim/dispatch/webhook  {"provider": "uber"|"doordash", "id": delivery id or external
                               id, "status": "pickup"|..., "courier": {...}}: the simulator
                               sends that status webhook to the configured target
  POST /_sim/dispatch/config   {"webhook_url": ..., "uber_signing_key": ...,
                               "doordash_authorization": ..., "uber_token_ttl_s": N,
                               "doordash_refuse_next": N (the next N JWTs refused, 401)}
  POST /_sim/dispatch/tokens/expire   every Uber token stops working
  GET  /_sim/dispatch/state    {"deliveries": {...}, "tokens_issued": N}
Faults (5xx, time-outs, slow answers) are the simulator's path faults (/_sim/faults).
"""

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
import urllib.request
from urllib.parse import parse_qs

DEFAULT = {
    "uber": {"client_id": "uber-client", "client_secret": "uber-secret",
             "customer_id": "cus_sim"},
    "doordash": {"developer_id": "dd-dev", "key_id": "dd-key",
                 # base64url of the 32 bytes 0x01..0x20
                 "signing_secret": base64.urlsafe_b64encode(bytes(range(1, 33)))
                 .decode().rstrip("=")},
}
NO_DRIVER = {"uber": (400, {"code": "couriers_busy", "message": "Couriers are busy"}),
             "doordash": (422, {"code": "no_available_dashers",
                                "message": "No Dashers are available"})}


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Partners:
    def __init__(self, scenario):
        self.lock = threading.Lock()
        self.creds = {k: dict(v) for k, v in DEFAULT.items()}
        for k, v in scenario.get("partners", {}).items():
            self.creds.setdefault(k, {}).update(v)
        self.config = {"uber_token_ttl_s": 2592000}
        self.config.update(scenario.get("dispatch", {}))
        self.tokens = {}         # token -> expiry (time.time())
        self.tokens_issued = 0
        self.script = {"uber": [], "doordash": []}
        self.deliveries = {}     # id -> {provider, external_id, status, body}
        self.idempotency = {}    # (provider, key) -> delivery id

    # -- authentication -------------------------------------------------------------------
    def issue_token(self, form):
        c = self.creds["uber"]
        if form.get("client_id") != c["client_id"] or \
                form.get("client_secret") != c["client_secret"] or \
                form.get("grant_type") != "client_credentials":
            return 401, {"error": "invalid_client"}
        ttl = int(self.config["uber_token_ttl_s"])
        token = "uber-" + secrets.token_hex(12)
        with self.lock:
            self.tokens[token] = time.time() + ttl
            self.tokens_issued += 1
        return 200, {"access_token": token, "expires_in": ttl, "token_type": "Bearer",
                     "scope": "eats.deliveries"}

    def uber_auth_error(self, auth):
        token = auth[7:] if auth and auth.startswith("Bearer ") else None
        with self.lock:
            expiry = self.tokens.get(token)
        if expiry is None or time.time() >= expiry:
            return {"code": "unauthorized",
                    "message": "The access token provided is expired, revoked or invalid"}
        return None

    def doordash_auth_error(self, auth):
        c = self.creds["doordash"]
        with self.lock:
            refuse = self.config.get("doordash_refuse_next", 0)
            if refuse:
                self.config["doordash_refuse_next"] = refuse - 1
        try:
            if refuse:
                raise ValueError("the key was revoked")
            if not auth or not auth.startswith("Bearer "):
                raise ValueError("no bearer token")
            head64, body64, sig64 = auth[7:].split(".")
            head = json.loads(b64url_decode(head64))
            claims = json.loads(b64url_decode(body64))
            key = b64url_decode(c["signing_secret"])
            mac = hmac.new(key, (head64 + "." + body64).encode(), hashlib.sha256).digest()
            now = time.time()
            checks = [
                (head.get("alg") == "HS256", "alg must be HS256"),
                (head.get("dd-ver") == "DD-JWT-V1", "dd-ver must be DD-JWT-V1"),
                (hmac.compare_digest(mac, b64url_decode(sig64)), "bad signature"),
                (claims.get("aud") == "doordash", "aud must be doordash"),
                (claims.get("iss") == c["developer_id"], "unknown developer"),
                (claims.get("kid") == c["key_id"], "unknown key"),
                (int(claims.get("iat", 0)) <= now + 5, "iat is in the future"),
                (int(claims.get("exp", 0)) > now, "the JWT has expired"),
                (int(claims.get("exp", 0)) - int(claims.get("iat", 0)) <= 1800,
                 "exp is more than 30 minutes after iat"),
            ]
            for ok, why in checks:
                if not ok:
                    raise ValueError(why)
        except (ValueError, TypeError, KeyError) as e:
            return {"code": "authentication_error", "message": str(e)}
        return None

    # -- deliveries -----------------------------------------------------------------------
    def next_outcome(self, provider):
        with self.lock:
            return self.script[provider].pop(0) if self.script[provider] else "ok"

    def create(self, provider, body, base):
        key = body.get("idempotency_key") if provider == "uber" else \
            body.get("external_delivery_id")
        if not key:
            return 400, {"code": "invalid_params", "message": "missing id"}
        with self.lock:
            known = self.idempotency.get((provider, key))
        if known:
            if provider == "doordash":
                return 409, {"code": "duplicate_delivery_id",
                             "message": "Delivery already exists for this external_delivery_id"}
            return 200, self.view(known, base)
        if self.next_outcome(provider) == "no_driver":
            return NO_DRIVER[provider]
        did = ("del_" + secrets.token_hex(8)) if provider == "uber" else key
        with self.lock:
            self.deliveries[did] = {"provider": provider, "key": key, "status":
                                    "pending" if provider == "uber" else "created",
                                    "external_id": body.get("external_id"), "body": body}
            self.idempotency[(provider, key)] = did
        return 200, self.view(did, base)

    def view(self, did, base):
        d = self.deliveries[did]
        if d["provider"] == "uber":
            return {"id": did, "kind": "delivery", "status": d["status"],
                    "external_id": d["external_id"], "fee": 650, "currency": "usd",
                    "tracking_url": base + "/track/" + did}
        return {"external_delivery_id": did, "delivery_status": d["status"], "fee": 700,
                "currency": "USD", "tracking_url": base + "/track/" + did}

    def get(self, did, base):
        with self.lock:
            if did not in self.deliveries:
                return 404, {"code": "not_found", "message": "no such delivery"}
        return 200, self.view(did, base)

    def cancel(self, did, base):
        with self.lock:
            d = self.deliveries.get(did)
            if not d:
                return 404, {"code": "not_found", "message": "no such delivery"}
            d["status"] = "canceled" if d["provider"] == "uber" else "cancelled"
        return 200, self.view(did, base)

    def quote(self, provider, body):
        if provider == "uber":
            return 200, {"kind": "delivery_quote", "id": "dqt_" + secrets.token_hex(6),
                         "fee": 650, "currency_type": "USD", "duration": 30}
        return 200, {"external_delivery_id": body.get("external_delivery_id"), "fee": 700,
                     "currency": "USD"}

    # -- webhooks back to the tracker ------------------------------------------------------
    def send_webhook(self, req):
        provider, did, status = req["provider"], req["id"], req["status"]
        with self.lock:
            d = self.deliveries.get(did, {"external_id": None})
            url = self.config.get("webhook_url")
        if not url:
            raise ValueError("no webhook_url configured")
        if provider == "uber":
            data = {"id": did, "status": status, "external_id": d.get("external_id")}
            if req.get("courier"):
                data["courier"] = req["courier"]
            payload = {"kind": "event.delivery_status", "id": "evt_" + secrets.token_hex(6),
                       "delivery_id": did, "status": status, "data": data,
                       "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
            body = json.dumps(payload).encode()
            key = self.config.get("uber_signing_key", "").encode()
            headers = {"x-uber-signature": hmac.new(key, body, hashlib.sha256).hexdigest()}
            target = url + "/tracking/webhooks/uber"
        else:
            payload = {"event_name": status, "external_delivery_id": did,
                       "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
            payload.update(req.get("dasher", {}))
            body = json.dumps(payload).encode()
            headers = {"Authorization": self.config.get("doordash_authorization", "")}
            target = url + "/tracking/webhooks/doordash"
        headers["Content-Type"] = "application/json"
        r = urllib.request.Request(target, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(r, timeout=10) as resp:
                return resp.status, json.loads(resp.read() or b"{}")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")


def route(handler, partners, method, path, body):
    """The partner endpoints; None when `path` is not one of them."""
    base = "http://%s:%d" % handler.server.server_address[:2]
    auth = handler.headers.get("Authorization")
    if method == "POST" and path == "/oauth/v2/token":
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        return partners.issue_token(form)
    parts = path.strip("/").split("/")
    if parts[:2] == ["v1", "customers"] and len(parts) >= 4:
        err = partners.uber_auth_error(auth)
        if err:
            return 401, err
        if parts[2] != partners.creds["uber"]["customer_id"]:
            return 404, {"code": "customer_not_found", "message": "unknown customer"}
        payload = json.loads(body) if body else {}
        rest = parts[3:]
        if method == "POST" and rest == ["delivery_quotes"]:
            return partners.quote("uber", payload)
        if method == "POST" and rest == ["deliveries"]:
            return partners.create("uber", payload, base)
        if method == "GET" and len(rest) == 2 and rest[0] == "deliveries":
            return partners.get(rest[1], base)
        if method == "POST" and len(rest) == 3 and rest[0] == "deliveries" and \
                rest[2] == "cancel":
            return partners.cancel(rest[1], base)
        return 404, {"code": "not_found", "message": "no route"}
    if parts[:2] == ["drive", "v2"]:
        err = partners.doordash_auth_error(auth)
        if err:
            return 401, err
        payload = json.loads(body) if body else {}
        rest = parts[2:]
        if method == "POST" and rest == ["quotes"]:
            return partners.quote("doordash", payload)
        if method == "POST" and rest == ["deliveries"]:
            return partners.create("doordash", payload, base)
        if method == "GET" and len(rest) == 2 and rest[0] == "deliveries":
            return partners.get(rest[1], base)
        if method == "PUT" and len(rest) == 3 and rest[0] == "deliveries" and \
                rest[2] == "cancel":
            return partners.cancel(rest[1], base)
        return 404, {"code": "not_found", "message": "no route"}
    return None


def control(partners, method, path, payload):
    """The /_sim/dispatch/ control endpoints; None when `path` is not one of them."""
    if method == "POST" and path == "/_sim/dispatch/script":
        with partners.lock:
            for provider, outcomes in (payload or {}).items():
                partners.script[provider].extend(outcomes)
        return 200, {"ok": True}
    if method == "POST" and path == "/_sim/dispatch/config":
        with partners.lock:
            partners.config.update(payload or {})
        return 200, {"ok": True}
    if method == "POST" and path == "/_sim/dispatch/tokens/expire":
        with partners.lock:
            partners.tokens = {t: 0 for t in partners.tokens}
        return 200, {"ok": True}
    if method == "POST" and path == "/_sim/dispatch/webhook":
        status, answer = partners.send_webhook(payload)
        return 200, {"status": status, "answer": answer}
    if method == "GET" and path == "/_sim/dispatch/state":
        with partners.lock:
            return 200, {"deliveries": {k: {kk: vv for kk, vv in v.items() if kk != "body"}
                                        for k, v in partners.deliveries.items()},
                         "tokens_issued": partners.tokens_issued}
    return None
