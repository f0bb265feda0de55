"""Run with the Python of a fresh venv where pip put the package, from a directory outside the repository: the
installed package, not the source tree, must work. By `make test-python-install` (the sdist) and by
scripts/dist-smoke.sh (each wheel of dist/, aarch64 under qemu). Usage:

    python check_installed.py <repository root> [<stand-in URL>]

With a URL, a webhook is also created and listed through the client (the wheel's HTTP client and TLS stack)."""

from __future__ import annotations

import pathlib
import shutil
import sys
import tempfile
import uuid

import meetergo

root = pathlib.Path(sys.argv[1])
package = pathlib.Path(meetergo.__file__).parent
assert root / "python" not in package.parents, f"imported from the source tree: {package}"
assert (package / "py.typed").is_file(), "py.typed is installed"
assert (package / "_native.pyi").is_file(), "the native module's stub is installed"
assert meetergo.__version__ == meetergo._native.CORE_VERSION, (
    meetergo.__version__,
    meetergo._native.CORE_VERSION,
)

event = meetergo.parse_event(
    (root / "tests" / "fixtures" / "deliveries" / "booking_created_full.json").read_bytes()
)
assert isinstance(event, meetergo.BookingCreated) and event.attendees[0].email == "ada@example.com"
try:
    meetergo.validate_webhook(endpoint="http://localhost/x", event_types=["booking_created"])
except meetergo.ValidationError as e:
    assert e.field == "endpoint", e.field
else:
    raise AssertionError("validation did not run")
# The durable inbox (the core's SQLite, bundled in the wheel): stored, recognised again after a reopen, handled once.
# The folder is removed by hand at the end: on Windows, SQLite's open files would make TemporaryDirectory fail.
directory = tempfile.mkdtemp()
store = f"sqlite:{directory}/inbox.db"
body = (root / "tests" / "fixtures" / "deliveries" / "seed_curl.json").read_bytes()
assert meetergo.Inbox(store).receive(body)[0] == 200
inbox = meetergo.Inbox(store)
assert inbox.accept(body).status == "duplicate"
handled: list[str] = []
assert inbox.work_once(lambda claim: handled.append(claim.key))
assert not inbox.work_once(lambda claim: handled.append(claim.key))
assert handled == [meetergo.parse_event(body).idempotency_key], handled
del inbox
shutil.rmtree(directory, ignore_errors=True)
if len(sys.argv) > 2:
    with meetergo.Client(api_key=f"rgo-test-{uuid.uuid4()}", base_url=sys.argv[2]) as client:
        created = client.webhooks.create(
            endpoint="https://example.com/hooks/smoke", event_types=["booking_created"]
        )
        assert [w.id for w in client.webhooks.list()] == [created.id]
print(f"meetergo {meetergo.__version__} installed by pip at {package}: OK")
