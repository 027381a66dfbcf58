"""The official Stripe SDK (stripe==16.1.0), unmodified, against Paisa."""

import pytest
import stripe

from conftest import fresh_key


def test_create_retrieve_update(client):
    charge = client.v1.charges.create(
        params={"amount": 2000, "currency": "inr", "source": "tok_visa", "metadata": {"order_id": "6735"}}
    )
    assert isinstance(charge, stripe.Charge)
    assert charge.id.startswith("ch_")
    assert charge.status == "succeeded" and charge.paid and charge.captured
    assert charge.metadata["order_id"] == "6735"
    fetched = client.v1.charges.retrieve(charge.id)
    assert fetched.id == charge.id and fetched.amount == 2000
    updated = client.v1.charges.update(charge.id, params={"description": "thali for two", "metadata": {"order_id": ""}})
    assert updated.description == "thali for two"
    assert "order_id" not in updated.metadata


def test_expand_balance_transaction(client):
    charge = client.v1.charges.create(
        params={"amount": 10000, "currency": "usd", "source": "tok_visa", "expand": ["balance_transaction"]}
    )
    assert isinstance(charge.balance_transaction, stripe.BalanceTransaction)
    assert charge.balance_transaction.fee == 290
    assert charge.balance_transaction.net == 9710


def test_list_with_auto_pagination(client):
    ids = [
        client.v1.charges.create(params={"amount": 1000 + n, "currency": "inr", "source": "tok_visa"}).id
        for n in range(7)
    ]
    seen = [c.id for c in client.v1.charges.list(params={"limit": 3}).auto_paging_iter()]
    newest_first = list(reversed(ids))
    assert seen[: len(ids)] == newest_first
    assert len(seen) == len(set(seen))


def test_capture_and_refund(client):
    charge = client.v1.charges.create(params={"amount": 5000, "currency": "usd", "source": "tok_mastercard", "capture": False})
    assert charge.captured is False
    captured = client.v1.charges.capture(charge.id, params={"amount": 4000})
    assert captured.captured and captured.amount_captured == 4000 and captured.amount_refunded == 1000
    refund = client.v1.refunds.create(params={"charge": charge.id, "amount": 1500, "reason": "requested_by_customer"})
    assert isinstance(refund, stripe.Refund) and refund.status == "succeeded" and refund.amount == 1500
    assert client.v1.refunds.retrieve(refund.id).charge == charge.id
    rest = client.v1.refunds.create(params={"charge": charge.id})
    assert rest.amount == 2500
    assert client.v1.charges.retrieve(charge.id).refunded is True
    listed = client.v1.refunds.list(params={"charge": charge.id})
    assert {r.id for r in listed.data} == {refund.id, rest.id}
    updated = client.v1.refunds.update(refund.id, params={"metadata": {"ticket": "77"}})
    assert updated.metadata["ticket"] == "77"


def test_balance_and_balance_transactions(client):
    before = client.v1.balance.retrieve()
    client.v1.charges.create(params={"amount": 3000, "currency": "usd", "source": "tok_bypassPending"})
    after = client.v1.balance.retrieve()

    def usd(balance, field):
        return sum(entry.amount for entry in getattr(balance, field) if entry.currency == "usd")

    assert usd(after, "available") - usd(before, "available") == 3000 - 87
    transactions = client.v1.balance_transactions.list(params={"limit": 5})
    assert transactions.data[0].net == 2913
    assert client.v1.balance_transactions.retrieve(transactions.data[0].id).id == transactions.data[0].id


def test_decline_raises_card_error(client):
    with pytest.raises(stripe.CardError) as raised:
        client.v1.charges.create(
            params={"amount": 2000, "currency": "usd", "source": "tok_chargeDeclinedInsufficientFunds"}
        )
    error = raised.value
    assert error.http_status == 402
    assert error.code == "card_declined"
    assert error.error.decline_code == "insufficient_funds"
    assert error.error.charge.startswith("ch_")
    assert error.request_id.startswith("req_")
    assert client.v1.charges.retrieve(error.error.charge).status == "failed"


def test_idempotent_replay(client):
    key = fresh_key()
    params = {"amount": 2200, "currency": "inr", "source": "success@upi"}
    first = client.v1.charges.create(params=params, options={"idempotency_key": key})
    again = client.v1.charges.create(params=params, options={"idempotency_key": key})
    assert again.id == first.id
    assert again.last_response.headers["Idempotent-Replayed"] == "true"
    assert first.last_response.headers["Idempotent-Replayed"] == "false"


def test_key_reused_with_other_parameters_raises_idempotency_error(client):
    key = fresh_key()
    client.v1.charges.create(params={"amount": 2000, "currency": "inr", "source": "tok_visa"}, options={"idempotency_key": key})
    with pytest.raises(stripe.IdempotencyError):
        client.v1.charges.create(params={"amount": 2001, "currency": "inr", "source": "tok_visa"}, options={"idempotency_key": key})


def test_unknown_parameter_raises_invalid_request_error(client):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        client.v1.charges.create(params={"amount": 2000, "currency": "inr", "source": "tok_visa", "colour": "red"})
    assert raised.value.param == "colour"
    assert raised.value.code == "parameter_unknown"


def test_bad_key_raises_authentication_error(base_url):
    bad = stripe.StripeClient("sk_test_" + "x" * 32, base_addresses={"api": base_url})
    with pytest.raises(stripe.AuthenticationError):
        bad.v1.charges.list()


def test_restricted_key_without_permission_raises_permission_error(base_url):
    import os

    restricted = stripe.StripeClient(os.environ["PAISA_READ_ONLY_KEY"], base_addresses={"api": base_url})
    restricted.v1.charges.list()
    with pytest.raises(stripe.PermissionError):
        restricted.v1.charges.create(params={"amount": 2000, "currency": "inr", "source": "tok_visa"})


def test_global_api_base_style(global_api):
    charge = global_api.Charge.create(amount=2500, currency="inr", source="tok_visa", idempotency_key=fresh_key())
    assert global_api.Charge.retrieve(charge.id).amount == 2500
    listed = global_api.Charge.list(limit=2)
    assert len(listed.data) == 2
    captured = global_api.Charge.create(amount=3000, currency="usd", source="tok_visa", capture=False)
    assert global_api.Charge.capture(captured.id).captured is True
    assert global_api.Refund.create(charge=captured.id, amount=100).amount == 100
    assert global_api.Balance.retrieve().object == "balance"


def test_global_api_retries_keep_one_charge(global_api, key, base_url):
    """The global API retries on its own (two retries by default) with one key: Paisa counts one charge."""
    before = {c.id for c in global_api.Charge.list(limit=100).data}
    charge = global_api.Charge.create(amount=4100, currency="inr", source="pending@upi")
    after = {c.id for c in global_api.Charge.list(limit=100).data}
    assert after - before == {charge.id}
    assert charge.status == "pending"
