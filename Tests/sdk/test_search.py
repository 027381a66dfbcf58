"""Search through the official Stripe SDK (stripe==16.1.0): `search` on charges, PaymentIntents and customers, the
`search_result` pages it reads, and `auto_paging_iter`, which follows `next_page`.

Every test tags its objects with a fresh value, since the suite's account is shared by every test of the run.
"""

import os
import uuid

import pytest
import stripe


def tag() -> str:
    return uuid.uuid4().hex[:16]


def test_charges_by_metadata_amount_and_status(client):
    run = tag()
    made = [
        client.v1.charges.create(
            params={"amount": amount, "currency": "inr", "source": "tok_visa", "metadata": {"run": run}}
        )
        for amount in (1000, 2000, 3000)
    ]
    found = client.v1.charges.search(params={"query": f'metadata["run"]:"{run}"'})
    assert isinstance(found, stripe.SearchResultObject)
    assert found.object == "search_result"
    assert found.url == "/v1/charges/search"
    assert [c.id for c in found.data] == [c.id for c in reversed(made)]
    assert found.has_more is False and found.next_page is None

    larger = client.v1.charges.search(params={"query": f"metadata['run']:\"{run}\" AND amount>1500"})
    assert [c.id for c in larger.data] == [made[2].id, made[1].id]
    either = client.v1.charges.search(
        params={"query": f'metadata["run"]:"{run}" AND -amount:2000 AND status:"succeeded"'}
    )
    assert [c.id for c in either.data] == [made[2].id, made[0].id]


def test_auto_paging_follows_next_page(client):
    run = tag()
    made = [
        client.v1.charges.create(
            params={"amount": 1100 + i, "currency": "inr", "source": "tok_visa", "metadata": {"paged": run}}
        )
        for i in range(5)
    ]
    first = client.v1.charges.search(params={"query": f'metadata["paged"]:"{run}"', "limit": 2})
    assert first.has_more is True and first.next_page
    every = [c.id for c in first.auto_paging_iter()]
    assert every == [c.id for c in reversed(made)]


def test_payment_intents_and_customers(client):
    run = tag()
    intent = client.v1.payment_intents.create(
        params={"amount": 2500, "currency": "inr", "metadata": {"cart": run}}
    )
    found = client.v1.payment_intents.search(
        params={"query": f'metadata["cart"]:"{run}" status:"requires_payment_method"'}
    )
    assert [i.id for i in found.data] == [intent.id]
    assert found.url == "/v1/payment_intents/search"

    email = f"search.{run}@example.com"
    customer = client.v1.customers.create(params={"email": email, "name": "Asha Rao"})
    assert [c.id for c in client.v1.customers.search(params={"query": f'email:"{email}"'}).data] == [customer.id]
    contains = client.v1.customers.search(params={"query": f'email~"{run.upper()}"'})
    assert [c.id for c in contains.data] == [customer.id]


def test_a_malformed_query_is_refused_with_its_position(client):
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.charges.search(params={"query": 'status="succeeded"'})
    error = refused.value
    assert error.http_status == 400
    assert error.code == "search_query_invalid"
    assert error.param == "query"
    assert "position 7" in error.user_message

    with pytest.raises(stripe.InvalidRequestError) as mixed:
        client.v1.charges.search(params={"query": 'amount>1 OR amount<5 AND status:"failed"'})
    assert "AND and OR cannot be mixed" in mixed.value.user_message


def test_another_account_finds_nothing_of_ours(client, base_url):
    run = tag()
    client.v1.charges.create(
        params={"amount": 1000, "currency": "inr", "source": "tok_visa", "metadata": {"mine": run}}
    )
    other = stripe.StripeClient(os.environ["PAISA_OTHER_ACCOUNT_KEY"], base_addresses={"api": base_url})
    assert other.v1.charges.search(params={"query": f'metadata["mine"]:"{run}"'}).data == []
    read_only = stripe.StripeClient(os.environ["PAISA_READ_ONLY_KEY"], base_addresses={"api": base_url})
    assert len(read_only.v1.charges.search(params={"query": f'metadata["mine"]:"{run}"'}).data) == 1
