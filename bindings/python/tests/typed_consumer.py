"""A program using the binding as a typed caller would; `mypy --strict` checks it together
with the package (tests/bindings/run_mypy.sh), so the hints serve their readers: a wrong
use below would be an error. Not a test module: nothing here runs under pytest."""
import datetime
from typing import List, Optional

import ordertrack as ot


def deliver(t: ot.Tracker, order_id: str) -> Optional[datetime.datetime]:
    order: ot.Order = t.init_order(order_id, store_id="s-1", customer_id="c-1",
                                   provider=ot.Provider.UBER)
    status: ot.Status = order.current_status
    version: int = order["version"]  # the document's keys still read, as Any
    try:
        order = t.set_status(order_id, ot.Status.DELIVERED, if_match=version)
    except LookupError:  # ot.NotFound
        return None
    except ValueError as refused:  # ot.InvalidTransition and the other refusals
        print(status, refused)
    entries: List[ot.HistoryEntry] = t.history(order_id)
    page: ot.OrderPage = t.list_orders(store_id="s-1", limit=10)
    cursor: Optional[str] = page.next_cursor
    print(len(entries), cursor, [o.order_id for o in page.orders], order.to_dict()["version"])
    return order.actual_delivery_time


def main() -> None:
    mapping: ot.Mapping = ot.map_status("delhivery", "In Transit", type="UD")
    shipment: Optional[ot.ShipmentStatus] = mapping.shipment_status
    verdict: ot.Verdict = ot.check_transition("delivered", "in_transit", ot.Source.COURIER)
    with ot.Tracker("memory:", clock=lambda: datetime.datetime.now(datetime.timezone.utc)) as t:
        print(deliver(t, "o-1"), shipment, verdict, ot.library_version())
