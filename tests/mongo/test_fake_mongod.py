"""The MongoDB test double answers like a server: optimistic-lock updates, unique indexes,
TTL index options, and it records the exact commands it received."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

from pymongo import MongoClient
from pymongo.errors import DuplicateKeyError

HERE = os.path.dirname(os.path.abspath(__file__))


class FakeMongodTest(unittest.TestCase):
    extra = []

    def setUp(self):
        self.log = tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False).name
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "fake_mongod.py"), "--log", self.log]
            + self.extra, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        port = int(self.proc.stdout.readline())
        self.client = MongoClient(f"mongodb://127.0.0.1:{port}/?directConnection=true",
                                  serverSelectionTimeoutMS=5000)
        self.coll = self.client.ot.order_tracking

    def tearDown(self):
        self.client.close()
        self.proc.stdin.close()
        self.proc.wait(timeout=10)
        self.proc.stdout.close()
        os.unlink(self.log)

    def test_compare_and_set_update(self):
        self.coll.insert_one({"order_id": "o1", "store_id": "s1", "version": 1,
                              "status_history": []})
        ok = self.coll.update_one({"order_id": "o1", "version": 1},
                                  {"$set": {"version": 2},
                                   "$push": {"status_history": {"status": "submitted"}}})
        self.assertEqual(ok.matched_count, 1)
        stale = self.coll.update_one({"order_id": "o1", "version": 1},
                                     {"$set": {"version": 3}})
        self.assertEqual(stale.matched_count, 0)
        doc = self.coll.find_one({"order_id": "o1"}, {"_id": 0})
        self.assertEqual(doc["version"], 2)
        self.assertEqual(doc["status_history"], [{"status": "submitted"}])

    def test_unique_index_and_ttl(self):
        self.coll.create_index([("store_id", 1), ("order_id", 1)], unique=True)
        self.client.ot.idem.create_index([("expires_at", 1)], expireAfterSeconds=0)
        self.coll.insert_one({"order_id": "o1", "store_id": "s1"})
        with self.assertRaises(DuplicateKeyError):
            self.coll.insert_one({"order_id": "o1", "store_id": "s1"})
        names = {i["name"]: i for i in self.client.ot.idem.list_indexes()}
        self.assertEqual(names["expires_at_1"]["expireAfterSeconds"], 0)

    def test_commands_are_recorded(self):
        self.coll.update_one({"order_id": "o9", "version": 4}, {"$set": {"version": 5}})
        with open(self.log, encoding="utf-8") as f:
            commands = [json.loads(line) for line in f]
        updates = [c for c in commands if "update" in c]
        self.assertEqual(updates[-1]["updates"][0]["q"]["order_id"], "o9")



class FerretLikeTest(FakeMongodTest):
    """--ferretdb: where FerretDB 1.24 answers otherwise."""
    extra = ["--ferretdb"]

    def test_unique_index_and_ttl(self):
        from pymongo.errors import OperationFailure
        self.coll.create_index([("store_id", 1), ("order_id", 1)], unique=True)
        with self.assertRaises(OperationFailure) as ctx:
            self.client.ot.idem.create_index([("expires_at", 1)], expireAfterSeconds=0)
        self.assertEqual(ctx.exception.code, 238)
        self.assertIn("ferretdbVersion", self.client.admin.command("buildInfo"))

    def test_set_on_insert_drops_empty(self):
        self.coll.update_one({"order_id": "o1"},
                             {"$setOnInsert": {"a": None, "b": [], "c": 1},
                              "$set": {"d": None}}, upsert=True)
        doc = self.coll.find_one({"order_id": "o1"}, {"_id": 0})
        self.assertEqual(doc, {"order_id": "o1", "c": 1, "d": None})


if __name__ == "__main__":
    unittest.main()
