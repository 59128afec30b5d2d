"""The transition validator through the binding."""
import threading
import unittest

import ordertrack as ot
from ordertrack import ShipmentStatus as S, Status as L, Verdict as V


class TransitionTest(unittest.TestCase):
    def test_lifecycle_steps(self):
        self.assertEqual(ot.check_transition("submitted", "store_notified"), V.LEGAL)
        self.assertEqual(ot.check_transition(L.IN_TRANSIT, L.DELIVERED), V.LEGAL)
        self.assertEqual(ot.check_transition(L.SUBMITTED, L.DELIVERED), V.ILLEGAL)
        self.assertEqual(ot.check_transition(L.IN_TRANSIT, L.IN_TRANSIT), V.STALE)

    def test_courier_skips_forward_but_never_back(self):
        self.assertEqual(ot.check_transition(S.PENDING, S.DELIVERED, "courier"), V.LEGAL)
        self.assertEqual(ot.check_transition(S.DELIVERED, S.IN_TRANSIT, ot.Source.COURIER),
                         V.STALE)
        self.assertEqual(ot.check_transition(S.DELIVERED, S.IN_TRANSIT), V.ILLEGAL)
        self.assertEqual(ot.check_transition("delivered", "in transit", "courier"), V.STALE)

    def test_require_raises_the_mapped_exceptions(self):
        with self.assertRaises(ot.InvalidTransition) as ctx:
            ot.require_transition(L.DELIVERED, L.CANCELLED)
        err = ctx.exception
        self.assertEqual((err.from_state, err.to_state), ("delivered", "cancelled"))
        self.assertIn("terminal", err.message)
        self.assertIsInstance(err, ot.OrderTrackError)
        with self.assertRaises(ot.StaleUpdate):
            ot.require_transition(S.NDR, S.NDR, "courier")
        self.assertIsNone(ot.require_transition(S.NDR, S.RTO))

    def test_bad_arguments(self):
        with self.assertRaises(ot.InvalidArgument):
            ot.check_transition("submitted", "teleported")
        with self.assertRaises(ot.InvalidArgument):
            ot.check_transition("submitted", "store_notified", "carrier")
        with self.assertRaises(ot.InvalidArgument):
            ot.check_transition("submitted", "in transit")  # mixed vocabularies

    def test_terminal_and_implied_status(self):
        self.assertTrue(ot.is_terminal(L.CANCELLED))
        self.assertTrue(ot.is_terminal("rto_delivered"))
        self.assertFalse(ot.is_terminal("rto in transit"))
        self.assertFalse(ot.is_terminal(L.IN_TRANSIT))
        self.assertEqual(ot.shipment_to_status(S.BOOKING_CANCELLED), L.CANCELLED)
        self.assertEqual(ot.shipment_to_status("out_for_delivery"), L.IN_TRANSIT)
        self.assertIsNone(ot.shipment_to_status(S.PENDING))

    def test_threads_share_the_library(self):
        failures = []

        def worker():
            for _ in range(2000):
                if ot.check_transition(S.PENDING, S.DELIVERED, "courier") is not V.LEGAL:
                    failures.append("legal")
                try:
                    ot.require_transition(L.DELIVERED, L.FAILED)
                    failures.append("no raise")
                except ot.InvalidTransition as e:
                    if e.from_state != "delivered":
                        failures.append(e.from_state)

        threads = [threading.Thread(target=worker) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(failures, [])


class ErrorsTest(unittest.TestCase):
    def test_one_exception_class_per_code(self):
        from ordertrack.errors import BY_CODE
        self.assertEqual(sorted(BY_CODE), list(range(-21, 0)))
        for code, cls in BY_CODE.items():
            self.assertTrue(issubclass(cls, ot.OrderTrackError))
            self.assertEqual(cls.code, code)


if __name__ == "__main__":
    unittest.main()
