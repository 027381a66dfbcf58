"""Events and signed webhooks through the official Stripe SDK (stripe==16.1.0): endpoints made with the SDK, deliveries
to a receiver in this process verified with the SDK's own `construct_event`, the event list's filters, and retries.

`scripts/sdk-tests.sh` starts the server with short retry settings (first retry after 200 ms, at most 1 s apart,
polling every 50 ms), so a retried delivery arrives within seconds.
"""

import hashlib
import hmac
import json
import re
import threading
import time
from collections import namedtuple
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import stripe

from conftest import fresh_key

# How long a test waits for a delivery (or a delivered event's bookkeeping): a generous bound, not a timing check.
DELIVERY_WAIT_SECONDS = 20
CHARGE_AND_REFUND_EVENTS = ["charge.succeeded", "charge.refunded", "refund.created"]
SIGNATURE = re.compile(r"t=(\d+),v1=([0-9a-f]{64})")

# One request the receiver got: its headers (case-insensitive), the body's exact bytes, and the status it answered.
Request = namedtuple("Request", "headers body status")


def read_body(handler):
    """The request's body, by Content-Length or chunked."""
    if "chunked" in handler.headers.get("Transfer-Encoding", "").lower():
        chunks = []
        while True:
            size = int(handler.rfile.readline().split(b";")[0].strip(), 16)
            if size == 0:
                while handler.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            chunks.append(handler.rfile.read(size))
            handler.rfile.readline()
    return handler.rfile.read(int(handler.headers.get("Content-Length") or 0))


def event_id(body):
    try:
        return json.loads(body).get("id")
    except ValueError:
        return None


class Receiver:
    """A webhook receiver on 127.0.0.1 in a thread: records every request and answers 200, or 500 to the first
    `failures` attempts of each event (counted per event, so another test's late event cannot use them up)."""

    def __init__(self, failures=0):
        self.failures = failures
        self.lock = threading.Lock()
        self.received = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = read_body(self)
                with receiver.lock:
                    earlier = sum(1 for r in receiver.received if event_id(r.body) == event_id(body))
                    status = 500 if earlier < receiver.failures else 200
                    receiver.received.append(Request(self.headers, body, status))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhooks"

    def requests(self):
        with self.lock:
            return list(self.received)

    def wait_for(self, wanted, seconds=DELIVERY_WAIT_SECONDS):
        """The first request answered 200 for each (event type, data.object.id) in `wanted`, waiting up to `seconds`
        for all of them; whatever arrived by then."""
        deadline = time.monotonic() + seconds
        while True:
            found = {}
            for request in self.requests():
                event = json.loads(request.body)
                about = (event["type"], event["data"]["object"]["id"])
                if request.status == 200 and about in wanted and about not in found:
                    found[about] = request
            if len(found) == len(wanted) or time.monotonic() > deadline:
                return found
            time.sleep(0.1)

    def about(self, object_id):
        """Every request whose event is about `object_id`, in arrival order."""
        return [r for r in self.requests() if json.loads(r.body)["data"]["object"]["id"] == object_id]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def sign(body, secret, timestamp):
    """A `Stripe-Signature` header for `body`, made here the way the design says the server makes it."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def wait_until_delivered(client, event_id, seconds=DELIVERY_WAIT_SECONDS):
    """The event once no delivery of it is pending (the server records a 2xx after it got it), or as it was then."""
    deadline = time.monotonic() + seconds
    while True:
        event = client.v1.events.retrieve(event_id)
        if event.pending_webhooks == 0 or time.monotonic() > deadline:
            return event
        time.sleep(0.1)


def events_about(client, object_id, since, **filters):
    """The account's events about `object_id` created since `since`, as the list returns them with `filters`."""
    params = {"limit": 100, "created": {"gte": since}, **filters}
    return [e for e in client.v1.events.list(params=params).auto_paging_iter() if e.data.object.id == object_id]


@pytest.fixture(scope="module")
def module_client(base_url, key):
    return stripe.StripeClient(key, base_addresses={"api": base_url})


@pytest.fixture(scope="module")
def delivered(module_client):
    """An endpoint for charge and refund events on a receiver, a charge and a refund of it, and their deliveries."""
    client = module_client
    receiver = Receiver()
    try:
        endpoint = client.v1.webhook_endpoints.create(
            params={"url": receiver.url, "enabled_events": CHARGE_AND_REFUND_EVENTS, "description": "sdk suite"})
    except Exception:
        receiver.stop()
        raise
    try:
        charge = client.v1.charges.create(params={"amount": 4200, "currency": "inr", "source": "tok_visa"})
        refund = client.v1.refunds.create(params={"charge": charge.id})
        wanted = {("charge.succeeded", charge.id), ("charge.refunded", charge.id), ("refund.created", refund.id)}
        found = receiver.wait_for(wanted)
        assert set(found) == wanted, (
            f"within {DELIVERY_WAIT_SECONDS} s only {sorted(found)} arrived; the receiver got "
            f"{[(r.status, r.body[:120]) for r in receiver.requests()]}")
        yield {"endpoint": endpoint, "secret": endpoint.secret, "charge": charge, "refund": refund,
               "deliveries": found, "receiver": receiver}
    finally:
        try:
            client.v1.webhook_endpoints.delete(endpoint.id)
        finally:
            receiver.stop()


@pytest.fixture()
def endpoints(client):
    """Makes endpoints for one test and deletes whichever the test left."""
    made = []

    def make(url, enabled_events):
        endpoint = client.v1.webhook_endpoints.create(params={"url": url, "enabled_events": enabled_events})
        made.append(endpoint.id)
        return endpoint

    yield make
    for endpoint_id in made:
        try:
            client.v1.webhook_endpoints.delete(endpoint_id)
        except stripe.InvalidRequestError:
            pass  # the test deleted it


def test_endpoint_secret_only_in_the_answer_to_create(client, endpoints):
    receiver = Receiver()
    try:
        endpoint = endpoints(receiver.url, ["charge.succeeded", "refund.created"])
        assert isinstance(endpoint, stripe.WebhookEndpoint)
        assert endpoint.object == "webhook_endpoint" and endpoint.id.startswith("we_")
        assert endpoint.secret.startswith("whsec_")
        assert endpoint.url == receiver.url
        assert list(endpoint.enabled_events) == ["charge.succeeded", "refund.created"]
        assert endpoint.status == "enabled" and endpoint.livemode is False
        fetched = client.v1.webhook_endpoints.retrieve(endpoint.id)
        assert fetched.id == endpoint.id and fetched.url == receiver.url
        assert "secret" not in fetched
        listed = [e for e in client.v1.webhook_endpoints.list(params={"limit": 100}).auto_paging_iter()
                  if e.id == endpoint.id]
        assert len(listed) == 1 and "secret" not in listed[0]
        updated = client.v1.webhook_endpoints.update(endpoint.id, params={"description": "orders service"})
        assert updated.description == "orders service" and "secret" not in updated
    finally:
        receiver.stop()


def test_private_address_is_refused_in_test_mode(client):
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.webhook_endpoints.create(
            params={"url": "http://10.1.2.3/webhooks", "enabled_events": ["charge.succeeded"]})
    assert refused.value.http_status == 400
    assert refused.value.code == "url_invalid" and refused.value.param == "url"


def test_deliveries_verify_with_the_sdk(delivered, client):
    secret, charge, refund = delivered["secret"], delivered["charge"], delivered["refund"]
    for (kind, object_id), request in sorted(delivered["deliveries"].items()):
        header = request.headers["Stripe-Signature"]
        assert SIGNATURE.fullmatch(header), header
        assert request.headers["Content-Type"].startswith("application/json")
        assert request.headers["User-Agent"] == "Paisa/1.0 (+webhooks)"
        for event in (stripe.Webhook.construct_event(request.body, header, secret),
                      client.construct_event(request.body, header, secret)):
            assert isinstance(event, stripe.Event)
            assert event.object == "event" and event.id.startswith("evt_")
            assert event.type == kind
            assert event.data.object.id == object_id
            assert event.livemode is False
            if kind == "refund.created":
                assert object_id == refund.id and event.data.object.charge == charge.id
            else:
                assert object_id == charge.id
            if kind == "charge.succeeded":
                assert "previous_attributes" not in event.data
            stored = client.v1.events.retrieve(event.id)
            assert (stored.id, stored.type) == (event.id, event.type)
            assert stored.data.object.id == object_id


def test_delivered_events_have_no_pending_webhooks(delivered, client):
    for request in delivered["deliveries"].values():
        event = wait_until_delivered(client, json.loads(request.body)["id"])
        assert event.pending_webhooks == 0


def test_tampered_body_is_refused(delivered, client):
    request = delivered["deliveries"][("charge.succeeded", delivered["charge"].id)]
    header, body = request.headers["Stripe-Signature"], request.body
    # One byte of the event's id changed (still valid UTF-8 and JSON).
    at = body.index(b"evt_") + 4
    tampered = body[:at] + (b"0" if body[at:at + 1] != b"0" else b"1") + body[at + 1:]
    assert len(tampered) == len(body) and tampered != body
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(tampered, header, delivered["secret"])
    with pytest.raises(stripe.SignatureVerificationError):
        client.construct_event(tampered, header, delivered["secret"])
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(body, header, "whsec_" + "0" * 32)


def test_stale_timestamp_is_refused(delivered, client):
    request = delivered["deliveries"][("charge.refunded", delivered["charge"].id)]
    secret, body = delivered["secret"], request.body
    # The server's header and one signed here now agree on the scheme: both verify.
    stripe.Webhook.construct_event(body, request.headers["Stripe-Signature"], secret)
    stripe.Webhook.construct_event(body, sign(body, secret, int(time.time())), secret)
    stale = sign(body, secret, int(time.time()) - 600)
    # Correctly signed, but 10 minutes old: past the SDK's default tolerance of 300 s.
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(body, stale, secret)
    with pytest.raises(stripe.SignatureVerificationError):
        client.construct_event(body, stale, secret)
    # The same header passes when the tolerance allows it, so it was refused for its age alone.
    client.construct_event(body, stale, secret, tolerance=3600)


def test_events_list_filters(client):
    charge = client.v1.charges.create(params={"amount": 3100, "currency": "usd", "source": "tok_visa"})
    refund = client.v1.refunds.create(params={"charge": charge.id, "amount": 1000})
    since = charge.created - 60
    ours = {charge.id, refund.id}

    def listed(**filters):
        params = {"limit": 100, "created": {"gte": since}, **filters}
        return list(client.v1.events.list(params=params).auto_paging_iter())

    def about(events):
        return sorted((e.type, e.data.object.id) for e in events if e.data.object.id in ours)

    everything = listed()
    assert about(everything) == sorted(
        [("charge.succeeded", charge.id), ("charge.refunded", charge.id), ("refund.created", refund.id)])
    created = [e.created for e in everything]
    assert created == sorted(created, reverse=True), "newest first"

    refunded = listed(type="charge.refunded")
    assert {e.type for e in refunded} == {"charge.refunded"}
    assert about(refunded) == [("charge.refunded", charge.id)]

    chosen = listed(types=["charge.succeeded", "refund.created"])
    assert {e.type for e in chosen} <= {"charge.succeeded", "refund.created"}
    assert about(chosen) == sorted([("charge.succeeded", charge.id), ("refund.created", refund.id)])

    prefixed = listed(type="charge.*")
    assert all(e.type.startswith("charge.") for e in prefixed)
    assert about(prefixed) == [("charge.refunded", charge.id), ("charge.succeeded", charge.id)]

    with pytest.raises(stripe.InvalidRequestError) as both:
        listed(type="charge.succeeded", types=["refund.created"])
    assert both.value.http_status == 400

    event = [e for e in everything if e.type == "refund.created" and e.data.object.id == refund.id][0]
    fetched = client.v1.events.retrieve(event.id)
    assert (fetched.id, fetched.type, fetched.data.object.id) == (event.id, "refund.created", refund.id)
    assert fetched.data.object.charge == charge.id


def test_idempotent_replay_writes_no_second_event(client):
    key = fresh_key()
    params = {"amount": 2300, "currency": "inr", "source": "tok_visa"}
    first = client.v1.charges.create(params=params, options={"idempotency_key": key})
    again = client.v1.charges.create(params=params, options={"idempotency_key": key})
    assert again.id == first.id
    assert again.last_response.headers["Idempotent-Replayed"] == "true"
    succeeded = events_about(client, first.id, first.created - 60, type="charge.succeeded")
    assert len(succeeded) == 1
    assert succeeded[0].request.idempotency_key == key
    assert succeeded[0].request.id.startswith("req_")
    assert [e.type for e in events_about(client, first.id, first.created - 60)] == ["charge.succeeded"]


def test_failed_attempts_are_retried(client, endpoints):
    receiver = Receiver(failures=2)
    try:
        endpoint = endpoints(receiver.url, ["charge.succeeded"])
        charge = client.v1.charges.create(params={"amount": 2600, "currency": "inr", "source": "tok_visa"})
        found = receiver.wait_for({("charge.succeeded", charge.id)})
        attempts = receiver.about(charge.id)
        assert found, f"no attempt answered 200 within {DELIVERY_WAIT_SECONDS} s: {[r.status for r in attempts]}"
        assert len(attempts) >= 3
        assert [r.status for r in attempts[:3]] == [500, 500, 200]
        assert len({event_id(r.body) for r in attempts}) == 1, "every attempt carries the same event"
        request = found[("charge.succeeded", charge.id)]
        event = client.construct_event(request.body, request.headers["Stripe-Signature"], endpoint.secret)
        assert event.type == "charge.succeeded" and event.data.object.id == charge.id
        assert wait_until_delivered(client, event.id).pending_webhooks == 0
    finally:
        receiver.stop()


def test_delete_endpoint(client, endpoints):
    endpoint = endpoints("http://127.0.0.1:9/webhooks", ["charge.succeeded"])
    deleted = client.v1.webhook_endpoints.delete(endpoint.id)
    assert deleted.id == endpoint.id and deleted.deleted is True
    with pytest.raises(stripe.InvalidRequestError) as again:
        client.v1.webhook_endpoints.delete(endpoint.id)
    assert again.value.http_status == 404
    with pytest.raises(stripe.InvalidRequestError) as gone:
        client.v1.webhook_endpoints.retrieve(endpoint.id)
    assert gone.value.http_status == 404
    listed = client.v1.webhook_endpoints.list(params={"limit": 100}).auto_paging_iter()
    assert endpoint.id not in {e.id for e in listed}
