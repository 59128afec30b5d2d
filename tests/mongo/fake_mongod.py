#!/usr/bin/python3
"""A MongoDB wire-protocol test double: MockupDB (MongoDB's own wire-level test server)
answering each command from a mongomock in-memory database.

It lets the MongoDB adapter run through real libmongoc over TCP where no MongoDB server can
be installed. It prints the port it listens on (127.0.0.1) as the first line of stdout and
serves until stdin closes or it gets SIGTERM. With --log FILE it appends every command it
receives, as one line of canonical extended JSON, so tests can assert the exact documents
the adapter sent.

With --ferretdb it answers where FerretDB 1.24 differs from MongoDB (docs/mongo.md,
"FerretDB"): buildInfo names `ferretdbVersion`; a TTL index (`expireAfterSeconds`) is
refused as NotImplemented (238); an upsert leaves `$setOnInsert` fields whose value is null
or [] out of the inserted document; a createIndexes naming two existing indexes fails (the
real server drops the connection). Its updates are still atomic (FerretDB's are not).

Usage: fake_mongod.py [--log FILE] [--port N] [--ferretdb]
"""
import argparse
import signal
import sys
import threading

import mockupdb
import mongomock
from bson import json_util
from pymongo.errors import DuplicateKeyError, OperationFailure

MAX_WIRE_VERSION = 13  # MongoDB 5.0: OP_MSG only
IGNORED_FIELDS = {"$db", "lsid", "$clusterTime", "$readPreference", "writeConcern",
                  "readConcern", "txnNumber", "autocommit", "startTransaction", "apiVersion",
                  "$query", "maxTimeMS", "comment", "ordered", "bypassDocumentValidation"}


class Double:
    def __init__(self, log_path, ferretdb=False):
        self.ferretdb = ferretdb
        self.client = mongomock.MongoClient()
        self.lock = threading.Lock()
        self.log = open(log_path, "a", encoding="utf-8") if log_path else None
        self.connection_id = 0

    def record(self, doc):
        if not self.log:
            return
        clean = {k: v for k, v in doc.items() if k not in {"lsid", "$clusterTime"}}
        self.log.write(json_util.dumps(clean, json_options=json_util.CANONICAL_JSON_OPTIONS))
        self.log.write("\n")
        self.log.flush()

    def handle(self, request):
        doc = dict(request.doc)
        name = request.command_name
        if name is None:
            return request.command_err(59, "no command")
        with self.lock:
            self.record(doc)
            handler = getattr(self, "cmd_" + name.lower(), None)
            if handler is None:
                return request.command_err(59, f"no such command: '{name}'")
            try:
                reply = handler(doc, doc.get("$db", "admin"))
            except OperationFailure as exc:
                return request.command_err(exc.code or 2, str(exc))
            except (KeyError, TypeError, ValueError, NotImplementedError) as exc:
                return request.command_err(2, f"{name}: {exc}")
        return request.ok(**reply)

    # --- handshake and administration --------------------------------------------------
    def cmd_ismaster(self, doc, db):
        self.connection_id += 1
        return {"ismaster": True, "isWritablePrimary": True, "helloOk": True,
                "minWireVersion": 0, "maxWireVersion": MAX_WIRE_VERSION,
                "maxBsonObjectSize": 16 * 1024 * 1024, "maxMessageSizeBytes": 48000000,
                "maxWriteBatchSize": 100000, "connectionId": self.connection_id}

    cmd_hello = cmd_ismaster

    def cmd_ping(self, doc, db):
        return {}

    def cmd_buildinfo(self, doc, db):
        info = {"version": "5.0.0", "versionArray": [5, 0, 0, 0]}
        if self.ferretdb:
            info["ferretdbVersion"] = "v1.24.0 (double)"
        return info

    def cmd_endsessions(self, doc, db):
        return {}

    def cmd_killcursors(self, doc, db):
        return {"cursorsKilled": doc.get("cursors", [])}

    def cmd_drop(self, doc, db):
        self.client[db].drop_collection(doc["drop"])
        return {}

    def cmd_dropdatabase(self, doc, db):
        self.client.drop_database(db)
        return {}

    # --- writes --------------------------------------------------------------------------
    def cmd_insert(self, doc, db):
        coll = self.client[db][doc["insert"]]
        n, errors = 0, []
        for i, d in enumerate(doc.get("documents", [])):
            try:
                coll.insert_one(d)
                n += 1
            except DuplicateKeyError as exc:
                errors.append({"index": i, "code": 11000, "errmsg": str(exc)})
                if doc.get("ordered", True):
                    break
        return {"n": n, **({"writeErrors": errors} if errors else {})}

    def cmd_update(self, doc, db):
        coll = self.client[db][doc["update"]]
        n = modified = 0
        upserted, errors = [], []
        for i, u in enumerate(doc.get("updates", [])):
            op = coll.update_many if u.get("multi") else coll.update_one
            if self.ferretdb and u.get("upsert") and "$setOnInsert" in u["u"]:
                u["u"]["$setOnInsert"] = {k: v for k, v in u["u"]["$setOnInsert"].items()
                                          if v is not None and v != []}
            try:
                res = op(u["q"], u["u"], upsert=bool(u.get("upsert")))
            except DuplicateKeyError as exc:
                errors.append({"index": i, "code": 11000, "errmsg": str(exc)})
                break
            n += res.matched_count
            modified += res.modified_count
            if res.upserted_id is not None:
                n += 1
                upserted.append({"index": i, "_id": res.upserted_id})
        out = {"n": n, "nModified": modified}
        if upserted:
            out["upserted"] = upserted
        if errors:
            out["writeErrors"] = errors
        return out

    def cmd_delete(self, doc, db):
        coll = self.client[db][doc["delete"]]
        n = 0
        for d in doc.get("deletes", []):
            res = (coll.delete_one if d.get("limit") == 1 else coll.delete_many)(d["q"])
            n += res.deleted_count
        return {"n": n}

    def cmd_findandmodify(self, doc, db):
        coll = self.client[db][doc["findAndModify"] if "findAndModify" in doc
                               else doc["findandmodify"]]
        sort = list(doc["sort"].items()) if doc.get("sort") else None
        if doc.get("remove"):
            value = coll.find_one_and_delete(doc.get("query", {}), sort=sort,
                                             projection=doc.get("fields"))
        else:
            value = coll.find_one_and_update(
                doc.get("query", {}), doc["update"], sort=sort, projection=doc.get("fields"),
                upsert=bool(doc.get("upsert")),
                return_document=bool(doc.get("new")))
        return {"value": value, "lastErrorObject": {"n": 0 if value is None else 1}}

    # --- reads ---------------------------------------------------------------------------
    def _cursor(self, db, coll_name, docs):
        return {"cursor": {"id": 0, "ns": f"{db}.{coll_name}", "firstBatch": list(docs)}}

    def cmd_find(self, doc, db):
        name = doc["find"]
        cur = self.client[db][name].find(doc.get("filter", {}), doc.get("projection"))
        if doc.get("sort"):
            cur = cur.sort(list(doc["sort"].items()))
        if doc.get("skip"):
            cur = cur.skip(int(doc["skip"]))
        if doc.get("limit"):
            cur = cur.limit(abs(int(doc["limit"])))
        return self._cursor(db, name, cur)

    def cmd_aggregate(self, doc, db):
        name = doc["aggregate"]
        return self._cursor(db, name, self.client[db][name].aggregate(doc.get("pipeline", [])))

    def cmd_count(self, doc, db):
        return {"n": self.client[db][doc["count"]].count_documents(doc.get("query") or {})}

    # --- indexes -------------------------------------------------------------------------
    def cmd_createindexes(self, doc, db):
        coll = self.client[db][doc["createIndexes"]]
        before = len(coll.index_information())
        if self.ferretdb:
            if any("expireAfterSeconds" in spec for spec in doc.get("indexes", [])):
                raise OperationFailure(
                    'Index option "expireAfterSeconds" is not implemented yet', code=238)
            existing = set(coll.index_information())
            if sum(spec.get("name") in existing for spec in doc.get("indexes", [])) > 1:
                raise OperationFailure("two existing indexes in one createIndexes "
                                       "(FerretDB 1.24 drops the connection)", code=1)
        for spec in doc.get("indexes", []):
            options = {k: v for k, v in spec.items() if k in ("unique", "name", "sparse",
                                                               "expireAfterSeconds")}
            try:
                coll.create_index(list(spec["key"].items()), **options)
            except OperationFailure as exc:
                if "already exists with different options" in str(exc):
                    raise OperationFailure(str(exc), code=85) from exc  # IndexOptionsConflict
                raise
        return {"numIndexesBefore": before, "numIndexesAfter": len(coll.index_information()),
                "createdCollectionAutomatically": before == 0}

    def cmd_dropindexes(self, doc, db):
        coll = self.client[db][doc["dropIndexes"]]
        before = len(coll.index_information())
        coll.drop_index(doc["index"])
        return {"nIndexesWas": before}

    def cmd_listindexes(self, doc, db):
        name = doc["listIndexes"]
        info = self.client[db][name].index_information()
        specs = []
        for index_name, spec in info.items():
            out = {"v": 2, "key": dict(spec["key"]), "name": index_name}
            for k in ("unique", "expireAfterSeconds", "sparse"):
                if k in spec:
                    out[k] = spec[k]
            specs.append(out)
        return self._cursor(db, name, specs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--log")
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument("--ferretdb", action="store_true")
    args = parser.parse_args()

    double = Double(args.log, args.ferretdb)
    server = mockupdb.MockupDB(port=args.port, request_timeout=int(1e6))
    server.autoresponds(double.handle)
    port = server.run()
    print(port, flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    stop.wait()
    server.stop()


if __name__ == "__main__":
    main()
