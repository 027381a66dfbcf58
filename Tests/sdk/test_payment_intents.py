"""PaymentIntents through the official Stripe SDK (stripe==16.1.0): confirmation with Stripe's test PaymentMethods
(pm_card_visa) or a UPI address, manual capture, cancelation, declines, updates, lists, idempotent replays and the
payment_intent.* events."""

import time
import uuid

import pytest
import stripe

from conftest import fresh_key


def upi(vpa):
    """`payment_method_data` for a UPI address (the sandbox's success@upi, failure@upi, pending@upi, slow@upi)."""
    return {"type": "upi", "upi": {"vpa": vpa}}


def settled(client, intent_id, seconds=30):
    """The intent once it has left `processing`, retrieved every 0.2 s for at most `seconds`."""
    deadline = time.monotonic() + seconds
    intent = client.v1.payment_intents.retrieve(intent_id)
    while intent.status == "processing" and time.monotonic() < deadline:
        time.sleep(0.2)
        intent = client.v1.payment_intents.retrieve(intent_id)
    return intent


def intent_events(client, intent_id, since, **filters):
    """The account's events about `intent_id` created since `since`, newest first, as the list returns them."""
    params = {"limit": 100, "created": {"gte": since}, **filters}
    return [e for e in client.v1.events.list(params=params).auto_paging_iter() if e.data.object.id == intent_id]


def test_create_and_confirm_a_card_payment(client):
    intent = client.v1.payment_intents.create(
        params={
            "amount": 2000,
            "currency": "inr",
            "payment_method": "pm_card_visa",
            "confirm": True,
            "description": "thali for two",
            "metadata": {"order_id": "6735"},
        }
    )
    assert isinstance(intent, stripe.PaymentIntent)
    assert intent.id.startswith("pi_") and intent.object == "payment_intent"
    assert intent.status == "succeeded"
    assert (intent.amount, intent.amount_received, intent.amount_capturable) == (2000, 2000, 0)
    assert intent.currency == "inr" and intent.capture_method == "automatic"
    assert intent.payment_method == "pm_card_visa"
    assert intent.client_secret.startswith(intent.id + "_secret_")
    assert intent.last_payment_error is None
    assert intent.metadata.to_dict() == {"order_id": "6735"}
    assert intent.latest_charge.startswith("ch_")

    fetched = client.v1.payment_intents.retrieve(intent.id, params={"expand": ["latest_charge"]})
    charge = fetched.latest_charge
    assert isinstance(charge, stripe.Charge)
    assert charge.id == intent.latest_charge
    assert charge.payment_intent == intent.id
    assert charge.status == "succeeded" and charge.captured is True
    assert (charge.amount, charge.amount_captured, charge.currency) == (2000, 2000, "inr")
    assert charge.description == "thali for two", "the charge carries the intent's description"
    assert fetched.amount_received == 2000
    assert client.v1.charges.retrieve(intent.latest_charge).payment_intent == intent.id


def test_create_then_confirm_with_a_payment_method(client):
    intent = client.v1.payment_intents.create(params={"amount": 3100, "currency": "usd"})
    assert intent.status == "requires_payment_method"
    assert intent.payment_method is None and intent.latest_charge is None
    assert intent.payment_method_types == ["card"], "UPI is for rupees only"
    with pytest.raises(stripe.InvalidRequestError) as missing:
        client.v1.payment_intents.confirm(intent.id)
    assert missing.value.http_status == 400
    assert missing.value.code == "payment_intent_unexpected_state"
    assert client.v1.payment_intents.retrieve(intent.id).status == "requires_payment_method"

    confirmed = client.v1.payment_intents.confirm(intent.id, params={"payment_method": "pm_card_mastercard"})
    assert confirmed.id == intent.id
    assert confirmed.status == "succeeded"
    assert confirmed.payment_method == "pm_card_mastercard"
    assert confirmed.amount_received == 3100
    charge = client.v1.charges.retrieve(confirmed.latest_charge)
    assert charge.payment_intent == intent.id
    assert charge.payment_method_details.card.brand == "mastercard"

    with_method = client.v1.payment_intents.create(
        params={"amount": 1200, "currency": "inr", "payment_method": "pm_card_amex"}
    )
    assert with_method.status == "requires_confirmation"
    assert with_method.latest_charge is None
    done = client.v1.payment_intents.confirm(with_method.id)
    assert done.status == "succeeded" and done.payment_method == "pm_card_amex"
    assert client.v1.charges.retrieve(done.latest_charge).payment_method_details.card.brand == "amex"


def test_upi_pending_settles_to_succeeded(client):
    intent = client.v1.payment_intents.create(
        params={
            "amount": 4100, "currency": "inr", "payment_method_data": upi("pending@upi"), "confirm": True,
        }
    )
    assert intent.status == "processing"
    assert intent.amount_received == 0
    assert intent.payment_method.startswith("pm_")
    assert "upi" in intent.payment_method_types
    pending = client.v1.charges.retrieve(intent.latest_charge)
    assert pending.status == "pending" and pending.payment_intent == intent.id

    after = settled(client, intent.id)
    assert after.status == "succeeded", "still processing after 30 s"
    assert after.amount_received == 4100
    assert after.latest_charge == intent.latest_charge, "the same charge settled; no second one"
    charge = client.v1.charges.retrieve(after.latest_charge)
    assert charge.status == "succeeded" and charge.paid is True


def test_upi_at_once_and_upi_refused_for_other_currencies(client):
    intent = client.v1.payment_intents.create(
        params={"amount": 900, "currency": "inr", "payment_method_data": upi("success@upi"), "confirm": True}
    )
    assert intent.status == "succeeded" and intent.amount_received == 900
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.payment_intents.create(
            params={"amount": 900, "currency": "usd", "payment_method_data": upi("success@upi"), "confirm": True}
        )


def test_manual_capture_in_full(client):
    intent = client.v1.payment_intents.create(
        params={
            "amount": 5000, "currency": "usd", "payment_method": "pm_card_visa", "capture_method": "manual",
            "confirm": True,
        }
    )
    assert intent.status == "requires_capture"
    assert intent.capture_method == "manual"
    assert (intent.amount_capturable, intent.amount_received) == (5000, 0)
    authorized = client.v1.charges.retrieve(intent.latest_charge)
    assert authorized.captured is False and authorized.status == "succeeded"

    captured = client.v1.payment_intents.capture(intent.id)
    assert captured.status == "succeeded"
    assert (captured.amount_capturable, captured.amount_received) == (0, 5000)
    assert captured.latest_charge == intent.latest_charge
    charge = client.v1.charges.retrieve(intent.latest_charge)
    assert charge.captured is True and charge.amount_captured == 5000 and charge.amount_refunded == 0

    with pytest.raises(stripe.InvalidRequestError) as again:
        client.v1.payment_intents.capture(intent.id)
    assert again.value.code == "payment_intent_unexpected_state"


def test_partial_capture_releases_the_rest(client):
    intent = client.v1.payment_intents.create(
        params={
            "amount": 5000, "currency": "inr", "payment_method": "pm_card_visa", "capture_method": "manual",
            "confirm": True,
        }
    )
    assert intent.status == "requires_capture" and intent.amount_capturable == 5000
    with pytest.raises(stripe.InvalidRequestError) as too_much:
        client.v1.payment_intents.capture(intent.id, params={"amount_to_capture": 5001})
    assert too_much.value.param == "amount_to_capture"
    still = client.v1.payment_intents.retrieve(intent.id)
    assert still.status == "requires_capture" and still.amount_capturable == 5000

    captured = client.v1.payment_intents.capture(intent.id, params={"amount_to_capture": 3500})
    assert captured.status == "succeeded"
    assert (captured.amount, captured.amount_received, captured.amount_capturable) == (5000, 3500, 0)
    fetched = client.v1.payment_intents.retrieve(intent.id, params={"expand": ["latest_charge"]})
    charge = fetched.latest_charge
    assert charge.captured is True
    assert (charge.amount, charge.amount_captured, charge.amount_refunded) == (5000, 3500, 1500)
    assert charge.payment_intent == intent.id


def test_cancel_of_an_authorized_intent_releases_it(client):
    intent = client.v1.payment_intents.create(
        params={
            "amount": 4200, "currency": "usd", "payment_method": "pm_card_visa", "capture_method": "manual",
            "confirm": True,
        }
    )
    assert intent.status == "requires_capture"
    canceled = client.v1.payment_intents.cancel(
        intent.id, params={"cancellation_reason": "fraudulent", "expand": ["latest_charge"]}
    )
    assert canceled.status == "canceled" and canceled.amount_capturable == 0
    charge = canceled.latest_charge
    assert charge.id == intent.latest_charge
    assert (charge.captured, charge.refunded, charge.amount_refunded) == (False, True, 4200)
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.payment_intents.capture(intent.id)
    assert refused.value.code == "payment_intent_unexpected_state"
    assert refused.value.error.payment_intent.status == "canceled"


def test_cancel_with_a_reason_then_confirm_is_refused(client):
    intent = client.v1.payment_intents.create(
        params={"amount": 2500, "currency": "inr", "payment_method": "pm_card_visa"}
    )
    assert intent.status == "requires_confirmation"
    canceled = client.v1.payment_intents.cancel(intent.id, params={"cancellation_reason": "requested_by_customer"})
    assert canceled.status == "canceled"
    assert canceled.cancellation_reason == "requested_by_customer"
    assert canceled.canceled_at is not None and canceled.canceled_at >= intent.created

    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.payment_intents.confirm(intent.id)
    assert refused.value.http_status == 400
    assert refused.value.code == "payment_intent_unexpected_state"
    assert refused.value.error.payment_intent.status == "canceled"
    with pytest.raises(stripe.InvalidRequestError) as twice:
        client.v1.payment_intents.cancel(intent.id)
    assert twice.value.code == "payment_intent_unexpected_state"

    after = client.v1.payment_intents.retrieve(intent.id)
    assert after.status == "canceled" and after.latest_charge is None, "no charge was made"
    assert after.cancellation_reason == "requested_by_customer"

    with pytest.raises(stripe.InvalidRequestError) as unknown_reason:
        client.v1.payment_intents.cancel(
            client.v1.payment_intents.create(params={"amount": 2500, "currency": "inr"}).id,
            params={"cancellation_reason": "bored"},
        )
    assert unknown_reason.value.param == "cancellation_reason"


def test_decline_then_success_on_the_same_intent(client):
    with pytest.raises(stripe.CardError) as raised:
        client.v1.payment_intents.create(
            params={
                "amount": 2000, "currency": "inr", "payment_method": "pm_card_chargeDeclined", "confirm": True,
            }
        )
    error = raised.value
    assert error.http_status == 402
    assert error.code == "card_declined"
    assert error.error.decline_code == "generic_decline"
    declined_charge = error.error.charge
    assert declined_charge.startswith("ch_")
    intent = error.error.payment_intent
    assert intent.id.startswith("pi_")
    assert intent.status == "requires_payment_method"
    assert intent.payment_method is None, "a declined payment method is let go"
    assert intent.last_payment_error.code == "card_declined"
    assert intent.last_payment_error.charge == declined_charge
    assert intent.latest_charge == declined_charge

    fetched = client.v1.payment_intents.retrieve(intent.id)
    assert fetched.status == "requires_payment_method"
    assert fetched.last_payment_error.decline_code == "generic_decline"
    failed = client.v1.charges.retrieve(declined_charge)
    assert failed.status == "failed" and failed.payment_intent == intent.id

    confirmed = client.v1.payment_intents.confirm(intent.id, params={"payment_method": "pm_card_visa"})
    assert confirmed.id == intent.id
    assert confirmed.status == "succeeded"
    assert confirmed.last_payment_error is None
    assert confirmed.amount_received == 2000
    assert confirmed.latest_charge != declined_charge
    assert client.v1.charges.retrieve(confirmed.latest_charge).payment_intent == intent.id


def test_update_amount_and_metadata(client):
    intent = client.v1.payment_intents.create(
        params={"amount": 1000, "currency": "inr", "metadata": {"order_id": "77", "table": "4"}}
    )
    updated = client.v1.payment_intents.update(
        intent.id,
        params={"amount": 1500, "description": "dinner", "metadata": {"table": "", "waiter": "Ravi"}},
    )
    assert updated.amount == 1500
    assert updated.description == "dinner"
    assert updated.metadata.to_dict() == {"order_id": "77", "waiter": "Ravi"}
    assert updated.status == "requires_payment_method"
    fetched = client.v1.payment_intents.retrieve(intent.id)
    assert fetched.amount == 1500 and fetched.metadata.to_dict() == {"order_id": "77", "waiter": "Ravi"}

    confirmed = client.v1.payment_intents.confirm(intent.id, params={"payment_method": "pm_card_visa"})
    assert confirmed.amount_received == 1500
    charge = client.v1.charges.retrieve(confirmed.latest_charge)
    assert charge.amount == 1500, "the charge is for the updated amount"
    assert charge.metadata.to_dict() == {"order_id": "77", "waiter": "Ravi"}

    with pytest.raises(stripe.InvalidRequestError) as too_late:
        client.v1.payment_intents.update(intent.id, params={"amount": 1700})
    assert too_late.value.code == "payment_intent_unexpected_state"
    tagged = client.v1.payment_intents.update(intent.id, params={"metadata": {"review": "5"}})
    assert tagged.metadata.to_dict() == {"order_id": "77", "waiter": "Ravi", "review": "5"}
    assert tagged.amount == 1500 and tagged.status == "succeeded"


def test_list_by_customer_and_expand_customer(client):
    email = f"priya.{uuid.uuid4().hex[:12]}@example.com"
    customer = client.v1.customers.create(params={"email": email, "name": "Priya"})
    first = client.v1.payment_intents.create(params={"amount": 1100, "currency": "inr", "customer": customer.id})
    second = client.v1.payment_intents.create(
        params={
            "amount": 1200, "currency": "inr", "customer": customer.id, "payment_method": "pm_card_visa",
            "confirm": True,
        }
    )
    other = client.v1.payment_intents.create(params={"amount": 1300, "currency": "inr"})
    assert second.customer == customer.id and other.customer is None
    assert client.v1.charges.retrieve(second.latest_charge).customer == customer.id

    listed = [
        i.id for i in client.v1.payment_intents.list(params={"customer": customer.id, "limit": 1}).auto_paging_iter()
    ]
    assert listed == [second.id, first.id], "newest first, the customer's only"
    everyone = [i.id for i in client.v1.payment_intents.list(params={"limit": 3}).auto_paging_iter()]
    assert {first.id, second.id, other.id} <= set(everyone)
    assert len(everyone) == len(set(everyone))

    expanded = client.v1.payment_intents.list(params={"customer": customer.id, "expand": ["data.customer"]})
    assert [i.customer.email for i in expanded.data] == [email, email]
    fetched = client.v1.payment_intents.retrieve(second.id, params={"expand": ["customer", "latest_charge"]})
    assert isinstance(fetched.customer, stripe.Customer) and fetched.customer.name == "Priya"
    assert isinstance(fetched.latest_charge, stripe.Charge) and fetched.latest_charge.amount == 1200

    unknown = "cus_" + uuid.uuid4().hex[:14]
    with pytest.raises(stripe.InvalidRequestError) as missing:
        client.v1.payment_intents.create(params={"amount": 1400, "currency": "inr", "customer": unknown})
    assert missing.value.param == "customer" and missing.value.code == "resource_missing"


def test_idempotent_replay_of_create_and_confirm(client):
    customer = client.v1.customers.create(params={"name": "Replay"})
    key = fresh_key()
    params = {
        "amount": 2600, "currency": "inr", "payment_method": "pm_card_visa", "confirm": True, "customer": customer.id,
    }
    first = client.v1.payment_intents.create(params=params, options={"idempotency_key": key})
    again = client.v1.payment_intents.create(params=params, options={"idempotency_key": key})
    assert again.id == first.id
    assert again.latest_charge == first.latest_charge
    assert again.status == first.status == "succeeded"
    assert first.last_response.headers["Idempotent-Replayed"] == "false"
    assert again.last_response.headers["Idempotent-Replayed"] == "true"
    assert [c.id for c in client.v1.charges.list(params={"customer": customer.id}).data] == [first.latest_charge]
    assert [i.id for i in client.v1.payment_intents.list(params={"customer": customer.id}).data] == [first.id]
    with pytest.raises(stripe.IdempotencyError):
        client.v1.payment_intents.create(params={**params, "amount": 2700}, options={"idempotency_key": key})

    confirm_key = fresh_key()
    waiting = client.v1.payment_intents.create(
        params={"amount": 1800, "currency": "inr", "customer": customer.id, "payment_method": "pm_card_visa"}
    )
    once = client.v1.payment_intents.confirm(waiting.id, options={"idempotency_key": confirm_key})
    twice = client.v1.payment_intents.confirm(waiting.id, options={"idempotency_key": confirm_key})
    assert once.status == twice.status == "succeeded"
    assert twice.latest_charge == once.latest_charge
    assert twice.last_response.headers["Idempotent-Replayed"] == "true"
    charges = [c.id for c in client.v1.charges.list(params={"customer": customer.id}).data]
    assert charges == [once.latest_charge, first.latest_charge]


def test_payment_intent_events(client):
    with pytest.raises(stripe.CardError) as declined:
        client.v1.payment_intents.create(
            params={
                "amount": 3000, "currency": "inr", "capture_method": "manual", "metadata": {"order_id": "88"},
                "payment_method": "pm_card_chargeDeclined", "confirm": True,
            }
        )
    intent = declined.value.error.payment_intent
    since = intent.created - 60
    client.v1.payment_intents.confirm(intent.id, params={"payment_method": "pm_card_visa"})
    client.v1.payment_intents.update(intent.id, params={"metadata": {"order_id": "89"}})
    client.v1.payment_intents.capture(intent.id)

    everything = intent_events(client, intent.id, since)
    assert [e.type for e in everything] == [
        "payment_intent.succeeded",
        "payment_intent.amount_capturable_updated",
        "payment_intent.payment_failed",
        "payment_intent.created",
    ], "newest first; a metadata update makes none"
    succeeded, capturable, failed, created = everything
    assert created.data.object.amount == 3000 and created.data.object.metadata.to_dict() == {"order_id": "88"}
    assert failed.data.object.status == "requires_payment_method"
    assert failed.data.object.last_payment_error.code == "card_declined"
    assert capturable.data.object.status == "requires_capture"
    assert capturable.data.object.amount_capturable == 3000
    assert succeeded.data.object.status == "succeeded" and succeeded.data.object.amount_received == 3000
    assert isinstance(succeeded.data.object, stripe.PaymentIntent)
    assert [e.id for e in intent_events(client, intent.id, since, type="payment_intent.*")] == [
        e.id for e in everything
    ]
    only_failed = intent_events(client, intent.id, since, type="payment_intent.payment_failed")
    assert [e.id for e in only_failed] == [failed.id]
    fetched = client.v1.events.retrieve(created.id)
    assert (fetched.type, fetched.data.object.id) == ("payment_intent.created", intent.id)

    upi_intent = client.v1.payment_intents.create(
        params={"amount": 1500, "currency": "inr", "payment_method_data": upi("pending@upi"), "confirm": True}
    )
    assert settled(client, upi_intent.id).status == "succeeded", "still processing after 30 s"
    assert [e.type for e in intent_events(client, upi_intent.id, since)] == [
        "payment_intent.succeeded",
        "payment_intent.processing",
        "payment_intent.created",
    ]

    dropped = client.v1.payment_intents.create(params={"amount": 700, "currency": "inr"})
    client.v1.payment_intents.cancel(dropped.id, params={"cancellation_reason": "abandoned"})
    canceled = intent_events(client, dropped.id, since)
    assert [e.type for e in canceled] == ["payment_intent.canceled", "payment_intent.created"]
    assert canceled[0].data.object.cancellation_reason == "abandoned"
