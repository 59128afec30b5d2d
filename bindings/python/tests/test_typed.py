"""Point by point: the typed order views, the exception table, the lazy load of the C
library, and the package as `pip install` builds it (a wheel with py.typed)."""
import dataclasses
import datetime
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import textwrap

import pytest

import ordertrack as ot
from ordertrack import errors

HERE = pathlib.Path(__file__).resolve().parent
PACKAGE = HERE.parent
T0 = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.timezone.utc)


def lifecycle(t):
    t.init_order("o-1", store_id="store-1", customer_id="cust-1", provider="uber",
                 metadata={"channel": "app"})
    t.set_status("o-1", "store_notified")
    t.store_acknowledge("store-1", "o-1")
    t.start_picking("store-1", "o-1")
    t.add_substitution("store-1", "o-1", original_item_id="milk-1l",
                       substitute_item_id="milk-2l", reason="out of stock", price_difference=1.25)
    t.respond_substitution("o-1", original_item_id="milk-1l", approved=False,
                           reason="too big")
    t.ready("store-1", "o-1")
    t.assign_driver("o-1", driver_id="drv-7", driver_name="Asha", driver_phone="+91-1",
                    vehicle_type="bike", estimated_delivery=T0 + datetime.timedelta(hours=1))
    t.update_location("o-1", latitude=12.97, longitude=77.59, accuracy=8.5)
    return t.raise_issue("o-1", issue_type="damaged", description="bag torn", severity="high")


# --- 3. typed order objects ------------------------------------------------------------

def test_order_is_a_frozen_dataclass_with_typed_fields():
    with ot.Tracker(clock=lambda: T0) as t:
        order = lifecycle(t)
    assert isinstance(order, ot.Order) and dataclasses.is_dataclass(order)
    assert order.current_status is ot.Status.DRIVER_ASSIGNED
    assert order.delivery_provider is ot.Provider.UBER
    assert order.shipment_status is None and order.version == 10
    assert order.created_at == T0 and order.actual_delivery_time is None
    assert order.estimated_delivery_time == T0 + datetime.timedelta(hours=1)
    assert order.metadata == {"channel": "app"}
    assert [e.status for e in order.status_history][:2] == ["submitted", "store_notified"]
    assert isinstance(order.status_history[0], ot.HistoryEntry)
    sub = order.substitutions[0]
    assert (sub.original_item_id, sub.status, sub.price_difference) == (
        "milk-1l", ot.SubstitutionStatus.REJECTED, 1.25)
    assert order.driver_details is not None and order.driver_details.name == "Asha"
    assert order.driver_location is not None and order.driver_location.accuracy == 8.5
    assert order.location_trail[-1] == order.driver_location
    issue = order.issues[-1]
    assert (issue.issue_type, issue.severity, issue.resolved_at) == (
        "damaged", ot.Severity.HIGH, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        order.version = 99
    with pytest.raises(TypeError):
        order["version"] = 99  # read-only, as the document it views


def test_the_dict_is_still_there():
    with ot.Tracker(clock=lambda: T0) as t:
        order = lifecycle(t)
        again = t.get("o-1")
    # Callers of the dict API keep working: reading by key, `in`, len, get, comparison.
    assert order["current_status"] == "driver_assigned" and order["version"] == 10
    assert order["substitutions"][0]["status"] == "rejected"
    assert "driver_details" in order and order.get("nope") is None
    assert again == order and again == order.raw and dict(order) == order.raw
    copy = order.to_dict()
    assert isinstance(copy, dict) and copy == order.raw
    copy["metadata"]["channel"] = "changed"  # a deep copy: the view is untouched
    assert order.metadata == {"channel": "app"} and order["metadata"] == {"channel": "app"}
    assert json.loads(json.dumps(order.to_dict())) == order.raw
    assert ot.Order.from_dict(order.to_dict()) == order
    assert not re.search(r"[(, ]raw=", repr(order)) and "current_status=<Status.DRIVER_ASSIGNED" in repr(order)


def test_pages_history_and_live_location_are_typed():
    with ot.Tracker(clock=lambda: T0) as t:
        lifecycle(t)
        t.init_order("o-2", store_id="store-1", customer_id="cust-2", provider="delhivery",
                     tracking_id="AWB-2")
        page = t.list_orders(limit=1)
        assert isinstance(page, ot.OrderPage) and page.next_cursor
        assert [o.order_id for o in page.orders] == ["o-1"] and page["orders"][0]["order_id"] == "o-1"
        last = t.list_orders(cursor=page.next_cursor)
        assert last.next_cursor is None
        assert last.orders[0].shipment_status is ot.ShipmentStatus.PENDING
        assert last.orders[0].delivery_tracking_id == "AWB-2"
        assert [o.order_id for o in t.iter_orders(limit=1)] == ["o-1", "o-2"]
        history = t.history("o-1")
        assert all(isinstance(e, ot.HistoryEntry) for e in history)
        assert history[0].timestamp == T0 and history[0]["status"] == "submitted"
        live = t.live_location("o-1")
        assert isinstance(live, ot.LiveLocation) and live.current_status is ot.Status.DRIVER_ASSIGNED
        assert live.driver_location is not None and live.driver_location.latitude == 12.97


def test_sla_report_takes_the_view_or_the_dict():
    with ot.Tracker(clock=lambda: T0) as t:
        order = lifecycle(t)
    assert ot.sla_report(order, now=T0) == ot.sla_report(order.to_dict(), now=T0)


def test_a_document_that_is_not_an_object_is_refused():
    with pytest.raises(TypeError):
        ot.Order.from_dict(["not", "an", "object"])
    with pytest.raises(KeyError):
        ot.Order.from_dict({"order_id": "o-1"})


# --- 4. errors that derive from the matching built-in ------------------------------------

TABLE = [  # the table of docs/python.md: class, code, built-in (None: OrderTrackError only)
    (ot.InvalidArgument, -1, ValueError), (ot.OutOfMemory, -2, MemoryError),
    (ot.NotFound, -3, LookupError), (ot.AlreadyExists, -4, ValueError),
    (ot.InvalidTransition, -5, ValueError), (ot.StaleUpdate, -6, None),
    (ot.VersionConflict, -7, None), (ot.IdempotencyConflict, -8, ValueError),
    (ot.StorageError, -9, None), (ot.ParseError, -10, ValueError),
    (ot.UnknownStatus, -11, LookupError), (ot.AuthenticationError, -12, PermissionError),
    (ot.HTTPError, -13, ConnectionError), (ot.Timeout, -14, TimeoutError),
    (ot.UnsupportedVersion, -15, ValueError), (ot.InvalidState, -16, None),
    (ot.IOFailure, -17, OSError), (ot.LimitExceeded, -18, ValueError),
    (ot.IntegrityError, -19, None), (ot.Unavailable, -20, ConnectionError),
    (ot.Unsupported, -21, NotImplementedError),
]


@pytest.mark.parametrize("cls,code,builtin", TABLE, ids=[row[0].__name__ for row in TABLE])
def test_exception_table(cls, code, builtin):
    assert errors.BY_CODE[code] is cls and cls.code == code
    assert issubclass(cls, ot.OrderTrackError)
    if builtin is not None:
        assert issubclass(cls, builtin)
    exc = cls(code, "what and why", "field")
    assert str(exc) == "what and why" and exc.field == "field" and exc.code == code
    assert exc.code_name is not None and exc.code_name.startswith("OT_E")


def test_table_covers_every_code():
    assert sorted(errors.BY_CODE) == sorted(code for _, code, _ in TABLE)


def test_builtins_catch_the_library_errors():
    with ot.Tracker() as t:
        with pytest.raises(LookupError, match="o-9"):
            t.get("o-9")
        t.init_order("o-1", store_id="s", customer_id="c", provider="uber")
        with pytest.raises(ValueError) as refused:
            t.set_status("o-1", "delivered")
        assert isinstance(refused.value, ot.InvalidTransition)
        with pytest.raises(ValueError):
            t.set_status("o-1", "teleported")
        with pytest.raises(ValueError):
            t.pickup("o-1", time="yesterday")
    with pytest.raises(LookupError):
        ot.map_status("shiprocket", "teleported")
    with pytest.raises(ValueError):
        ot.Tracker("postgres://x")


# --- 5. the C library loaded on first use --------------------------------------------------

def run_python(code, **env):
    """Run `code` in a fresh interpreter with the package importable and `env` changed."""
    environ = dict(os.environ, PYTHONPATH=str(PACKAGE), **env)
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=environ,
                          capture_output=True, text=True, timeout=60)


def test_import_loads_nothing_and_a_missing_library_says_how_to_install_it(tmp_path):
    missing = str(tmp_path / "libordertrack.so.1")
    result = run_python("""
        import ordertrack as ot
        maps = open("/proc/self/maps").read()
        assert "libordertrack" not in maps, "loaded at import"
        assert ot.Status.DELIVERED == "delivered"       # the enums need no library
        assert ot.NotFound(-3, "gone").code_name is None
        for attempt in (ot.library_version, ot.Tracker):
            try:
                attempt()
            except ot.LibraryLoadError as e:
                assert isinstance(e, OSError)
                print(e)
            else:
                raise SystemExit("no error")
    """, ORDERTRACK_LIBRARY=missing)
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.splitlines()
    assert first == second  # a failed load is retried, with the same answer
    for words in (missing, "libordertrack.so.1", "ORDERTRACK_LIBRARY", "cmake --install",
                  "LD_LIBRARY_PATH"):
        assert words in first


def test_first_use_loads_the_library():
    result = run_python("""
        import ordertrack as ot
        print(ot.library_version())
        print("libordertrack.so" in open("/proc/self/maps").read())
    """)
    assert result.returncode == 0, result.stderr
    version, loaded = result.stdout.split()
    assert version.count(".") == 2 and loaded == "True"


def test_missing_adapter_names_its_library(tmp_path):
    result = run_python("""
        import ordertrack as ot
        try:
            ot.Tracker("sqlite:/tmp/never.db")
        except ot.Unsupported as e:
            print(e)
    """, ORDERTRACK_SQLITE_LIBRARY=str(tmp_path / "nope.so"),
        ORDERTRACK_LIBRARY=os.environ.get("ORDERTRACK_LIBRARY", "libordertrack.so.1"),
        LD_LIBRARY_PATH="")
    assert result.returncode == 0, result.stderr
    assert "libordertrack-sqlite.so.1" in result.stdout
    assert "ORDERTRACK_SQLITE_LIBRARY" in result.stdout


# --- 1. the package as pip builds it -------------------------------------------------------

def test_pip_builds_a_wheel_with_py_typed(tmp_path):
    source = tmp_path / "src"  # a copy: pip's in-tree build leaves build/ and egg-info behind
    shutil.copytree(PACKAGE, source, ignore=shutil.ignore_patterns(
        "__pycache__", "build", "*.egg-info", ".pytest_cache", ".mypy_cache"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = str(venv / "bin" / "python")
    # offline when scripts/setup left a wheelhouse of the build requirements
    wheels = os.environ.get("OT_PIP_WHEELS", "/opt/ordertrack-tools/wheels")
    env = dict(os.environ)
    if os.path.isdir(wheels):
        env.update(PIP_NO_INDEX="1", PIP_FIND_LINKS=wheels)
    pip = subprocess.run([python, "-m", "pip", "install", "--no-input",
                          "--disable-pip-version-check", str(source)],
                         capture_output=True, text=True, timeout=600, env=env)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    assert "Successfully installed ordertrack-1.0.0" in pip.stdout
    shown = subprocess.run([python, "-m", "pip", "show", "-f", "ordertrack"],
                           capture_output=True, text=True, check=True, timeout=60).stdout
    assert "ordertrack/py.typed" in shown and "ordertrack/order.py" in shown
    check = subprocess.run([python, "-c", textwrap.dedent("""
        import pathlib, ordertrack as ot
        here = pathlib.Path(ot.__file__).parent
        assert (here / "py.typed").is_file() and "site-packages" in str(here), here
        print(ot.library_version())
    """)], capture_output=True, text=True, timeout=60, cwd=str(tmp_path),
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert check.returncode == 0, check.stderr
    assert check.stdout.strip().count(".") == 2
