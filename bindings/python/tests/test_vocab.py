"""Wire names of every vocabulary agree with the C library, both ways."""
import unittest

import ordertrack as ot
from ordertrack.vocab import KINDS, from_c, to_c


class VocabularyTest(unittest.TestCase):
    def test_every_member_round_trips_through_the_library(self):
        for cls in KINDS:
            for number, member in enumerate(cls, start=1):
                with self.subTest(cls=cls.__name__, member=member):
                    self.assertEqual(to_c(cls, member), number)
                    self.assertEqual(to_c(cls, member.value), number)
                    self.assertIs(from_c(cls, number), member)

    def test_members_are_strings_with_wire_names(self):
        self.assertEqual(ot.ShipmentStatus.IN_TRANSIT, "in transit")
        self.assertEqual(ot.ShipmentStatus.RTO_IN_TRANSIT.value, "rto in transit")
        self.assertEqual(ot.Status("driver_pickup_complete"), ot.Status.DRIVER_PICKUP_COMPLETE)

    def test_library_has_no_values_the_binding_lacks(self):
        for cls in KINDS:
            with self.subTest(cls=cls.__name__):
                with self.assertRaises(ot.InvalidArgument):
                    from_c(cls, len(cls) + 1)

    def test_unknown_name_raises_with_the_library_message(self):
        with self.assertRaises(ot.InvalidArgument) as ctx:
            to_c(ot.Status, "teleported")
        self.assertIn('"teleported"', str(ctx.exception))
        self.assertEqual(ctx.exception.code_name, "OT_EINVAL")
        self.assertEqual(ctx.exception.field, "status")

    def test_wrong_type_is_a_type_error(self):
        with self.assertRaises(TypeError):
            to_c(ot.Status, 3)

    def test_version(self):
        self.assertEqual(ot.library_version(), ot.__version__)


if __name__ == "__main__":
    unittest.main()
