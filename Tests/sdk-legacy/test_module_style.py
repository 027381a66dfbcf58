"""What an integration written against stripe-python 5.x or 7.x sends, module-level calls and Python booleans
(these majors encode `False` as `False` in form bodies, which Stripe accepts)."""

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import stripe

from conftest import error_class, fresh_key


def test_authorize_with_python_false_then_capture():
    charge = stripe.Charge.create(
        amount=2000, currency="inr", source="tok_visa", capture=False, idempotency_key=fresh_key())
    assert charge.captured is False
    assert charge.paid is True
    captured = stripe.Charge.capture(charge.id, amount=1500, idempotency_key=fresh_key())
    assert captured.captured is True
    assert captured.amount_captured == 1500


def test_python_true_captures():
    charge = stripe.Charge.create(
        amount=2000, currency="inr", source="tok_visa", capture=True, idempotency_key=fresh_key())
    assert charge.captured is True


def test_retrieve_expand_modify_and_list():
    charge = stripe.Charge.create(amount=2500, currency="inr", source="tok_visa", idempotency_key=fresh_key())
    fetched = stripe.Charge.retrieve(charge.id, expand=["balance_transaction"])
    assert fetched.balance_transaction.amount == 2500
    updated = stripe.Charge.modify(charge.id, metadata={"order_id": "6735"}, idempotency_key=fresh_key())
    assert updated.metadata["order_id"] == "6735"
    ids = [c.id for c in stripe.Charge.list(limit=2).auto_paging_iter()]
    assert charge.id in ids


def test_refund():
    charge = stripe.Charge.create(amount=3000, currency="inr", source="tok_visa", idempotency_key=fresh_key())
    refund = stripe.Refund.create(charge=charge.id, amount=1000, idempotency_key=fresh_key())
    assert refund.status == "succeeded"
    assert stripe.Charge.retrieve(charge.id).amount_refunded == 1000


def test_idempotent_replay_returns_the_same_charge():
    key = fresh_key()
    first = stripe.Charge.create(amount=2000, currency="inr", source="tok_visa", idempotency_key=key)
    second = stripe.Charge.create(amount=2000, currency="inr", source="tok_visa", idempotency_key=key)
    assert first.id == second.id


def test_errors_are_the_sdk_classes():
    with pytest.raises(error_class("CardError")) as declined:
        stripe.Charge.create(
            amount=2000, currency="inr", source="tok_chargeDeclined", idempotency_key=fresh_key())
    assert declined.value.code == "card_declined"
    key = fresh_key()
    stripe.Charge.create(amount=2000, currency="inr", source="tok_visa", idempotency_key=key)
    with pytest.raises(error_class("IdempotencyError")):
        stripe.Charge.create(amount=2100, currency="inr", source="tok_visa", idempotency_key=key)
    with pytest.raises(error_class("InvalidRequestError")) as connect:
        stripe.Charge.create(
            amount=2000, currency="inr", source="tok_visa", application_fee_amount=100, idempotency_key=fresh_key())
    assert "no connected accounts" in str(connect.value)


def test_customer_lifecycle_and_charge_for_a_customer():
    email = "legacy.%s@example.com" % uuid.uuid4().hex[:12]
    customer = stripe.Customer.create(
        email=email, name="Asha", metadata={"crm_id": "4411"}, idempotency_key=fresh_key())
    assert customer.id.startswith("cus_")
    assert isinstance(customer, stripe.Customer)
    modified = stripe.Customer.modify(
        customer.id, name="Asha Rao", metadata={"crm_id": ""}, idempotency_key=fresh_key())
    assert modified.name == "Asha Rao" and modified.email == email
    assert "crm_id" not in modified.metadata
    second = stripe.Customer.create(email=email, idempotency_key=fresh_key())
    listed = [c.id for c in stripe.Customer.list(email=email, limit=1).auto_paging_iter()]
    assert listed == [second.id, customer.id]

    charge = stripe.Charge.create(
        amount=2000, currency="inr", source="tok_visa", customer=customer.id, idempotency_key=fresh_key())
    assert charge.customer == customer.id
    expanded = stripe.Charge.retrieve(charge.id, expand=["customer"])
    assert expanded.customer.email == email and expanded.customer.name == "Asha Rao"
    assert [c.id for c in stripe.Charge.list(customer=customer.id).data] == [charge.id]

    deleted = stripe.Customer.delete(customer.id)
    assert deleted.deleted is True and deleted.id == customer.id
    assert stripe.Customer.retrieve(customer.id).deleted is True
    assert [c.id for c in stripe.Customer.list(email=email).data] == [second.id]
    assert stripe.Charge.retrieve(charge.id).customer == customer.id


def test_charge_for_a_deleted_customer_is_refused():
    customer = stripe.Customer.create(name="Dev", idempotency_key=fresh_key())
    stripe.Customer.delete(customer.id)
    with pytest.raises(error_class("InvalidRequestError")) as refused:
        stripe.Charge.create(
            amount=2000, currency="inr", source="tok_visa", customer=customer.id, idempotency_key=fresh_key())
    assert refused.value.param == "customer"
    assert refused.value.code == "resource_missing"
    with pytest.raises(error_class("InvalidRequestError")) as again:
        stripe.Customer.delete(customer.id)
    assert again.value.http_status == 404
    assert stripe.Charge.list(customer=customer.id).data == []


def test_payment_intent_confirm_manual_capture_and_cancel():
    intent = stripe.PaymentIntent.create(
        amount=2000, currency="inr", payment_method="pm_card_visa", confirm=True, idempotency_key=fresh_key())
    assert isinstance(intent, stripe.PaymentIntent)
    assert intent.status == "succeeded" and intent.amount_received == 2000
    fetched = stripe.PaymentIntent.retrieve(intent.id, expand=["latest_charge"])
    assert fetched.latest_charge.id == intent.latest_charge
    assert fetched.latest_charge.payment_intent == intent.id and fetched.latest_charge.captured is True

    manual = stripe.PaymentIntent.create(
        amount=2000, currency="usd", payment_method="pm_card_mastercard", capture_method="manual",
        idempotency_key=fresh_key())
    assert manual.status == "requires_confirmation"
    authorized = stripe.PaymentIntent.confirm(manual.id, idempotency_key=fresh_key())
    assert authorized.status == "requires_capture"
    assert (authorized.amount_capturable, authorized.amount_received) == (2000, 0)
    captured = stripe.PaymentIntent.capture(manual.id, amount_to_capture=1500, idempotency_key=fresh_key())
    assert captured.status == "succeeded"
    assert (captured.amount_capturable, captured.amount_received) == (0, 1500)
    charge = stripe.Charge.retrieve(captured.latest_charge)
    assert (charge.amount_captured, charge.amount_refunded) == (1500, 500), "the rest is released"

    dropped = stripe.PaymentIntent.create(amount=900, currency="inr", idempotency_key=fresh_key())
    modified = stripe.PaymentIntent.modify(
        dropped.id, amount=950, metadata={"order_id": "12"}, idempotency_key=fresh_key())
    assert modified.amount == 950 and modified.metadata["order_id"] == "12"
    canceled = stripe.PaymentIntent.cancel(dropped.id, cancellation_reason="duplicate", idempotency_key=fresh_key())
    assert canceled.status == "canceled" and canceled.cancellation_reason == "duplicate"
    with pytest.raises(error_class("InvalidRequestError")) as refused:
        stripe.PaymentIntent.confirm(dropped.id, payment_method="pm_card_visa", idempotency_key=fresh_key())
    assert refused.value.code == "payment_intent_unexpected_state"
    assert stripe.PaymentIntent.retrieve(dropped.id).latest_charge is None


def test_payment_intent_decline_then_success():
    with pytest.raises(error_class("CardError")) as declined:
        stripe.PaymentIntent.create(
            amount=2000, currency="inr", payment_method="pm_card_chargeDeclined", confirm=True,
            idempotency_key=fresh_key())
    assert declined.value.http_status == 402
    assert declined.value.code == "card_declined"
    intent = declined.value.error.payment_intent
    assert intent.status == "requires_payment_method"
    assert intent.last_payment_error.code == "card_declined"
    declined_charge = declined.value.error.charge
    assert stripe.Charge.retrieve(declined_charge).payment_intent == intent.id

    confirmed = stripe.PaymentIntent.confirm(intent.id, payment_method="pm_card_visa", idempotency_key=fresh_key())
    assert confirmed.id == intent.id
    assert confirmed.status == "succeeded" and confirmed.last_payment_error is None
    assert confirmed.latest_charge != declined_charge
    assert stripe.Charge.retrieve(confirmed.latest_charge).payment_intent == intent.id


class Receiver:
    """A webhook receiver on 127.0.0.1 in a thread: records (headers, body bytes) and answers 200."""

    def __init__(self):
        self.received = []
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                received.append((self.headers, self.rfile.read(int(self.headers.get("Content-Length") or 0))))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = "http://127.0.0.1:%d/webhooks" % self.server.server_address[1]

    def wait_for(self, kind, object_id, seconds=20):
        """(headers, body) of the first delivery of a `kind` event about `object_id`, or None after `seconds`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for headers, body in list(self.received):
                event = json.loads(body)
                if event["type"] == kind and event["data"]["object"]["id"] == object_id:
                    return headers, body
            time.sleep(0.1)
        return None

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def test_webhook_endpoint_and_signed_delivery():
    receiver = Receiver()
    try:
        endpoint = stripe.WebhookEndpoint.create(
            url=receiver.url, enabled_events=["charge.succeeded"], idempotency_key=fresh_key())
        try:
            assert endpoint.secret.startswith("whsec_")
            assert "secret" not in stripe.WebhookEndpoint.retrieve(endpoint.id)
            charge = stripe.Charge.create(amount=2700, currency="inr", source="tok_visa", idempotency_key=fresh_key())
            delivery = receiver.wait_for("charge.succeeded", charge.id)
            assert delivery is not None, "no charge.succeeded delivery within 20 s"
            headers, body = delivery
            event = stripe.Webhook.construct_event(body, headers["Stripe-Signature"], endpoint.secret)
            assert event.type == "charge.succeeded" and event.data.object.id == charge.id
            assert stripe.Event.retrieve(event.id).type == "charge.succeeded"
            at = body.index(b"evt_") + 4
            tampered = body[:at] + (b"0" if body[at:at + 1] != b"0" else b"1") + body[at + 1:]
            with pytest.raises(error_class("SignatureVerificationError")):
                stripe.Webhook.construct_event(tampered, headers["Stripe-Signature"], endpoint.secret)
        finally:
            deleted = stripe.WebhookEndpoint.delete(endpoint.id)
        assert deleted.deleted is True
    finally:
        receiver.stop()
