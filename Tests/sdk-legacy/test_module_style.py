"""What an integration written against stripe-python 5.x or 7.x sends, module-level calls and Python booleans
(these majors encode `False` as `False` in form bodies, which Stripe accepts)."""

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
