"""Customers, and charges for a customer, through the official Stripe SDK (stripe==16.1.0).

`scripts/sdk-tests.sh` sets PAISA_OTHER_ACCOUNT_KEY, a secret key of a second account, to show that one account's
customers are invisible to another.
"""

import os
import uuid

import pytest
import stripe

from conftest import fresh_key


def unique_email(name="asha") -> str:
    """An address no other test (or earlier run against the same database) uses, so the email filter sees only ours."""
    return f"{name}.{uuid.uuid4().hex[:12]}@example.com"


def events_about(client, object_id, since, **filters):
    """The account's events about `object_id` created since `since`, as the list returns them with `filters`."""
    params = {"limit": 100, "created": {"gte": since}, **filters}
    return [e for e in client.v1.events.list(params=params).auto_paging_iter() if e.data.object.id == object_id]


@pytest.fixture()
def other_client(base_url):
    return stripe.StripeClient(os.environ["PAISA_OTHER_ACCOUNT_KEY"], base_addresses={"api": base_url})


def test_create_retrieve_update_delete(client):
    email = unique_email()
    customer = client.v1.customers.create(
        params={
            "email": email,
            "name": "Asha Rao",
            "phone": "+919800000001",
            "description": "regular at the Koramangala branch",
            "metadata": {"crm_id": "4411", "tier": "gold"},
        }
    )
    assert isinstance(customer, stripe.Customer)
    assert customer.id.startswith("cus_")
    assert customer.object == "customer"
    assert (customer.email, customer.name, customer.phone) == (email, "Asha Rao", "+919800000001")
    assert customer.description == "regular at the Koramangala branch"
    assert customer.metadata.to_dict() == {"crm_id": "4411", "tier": "gold"}
    assert customer.livemode is False

    fetched = client.v1.customers.retrieve(customer.id)
    assert (fetched.id, fetched.email, fetched.name) == (customer.id, email, "Asha Rao")
    assert fetched.created == customer.created

    updated = client.v1.customers.update(
        customer.id, params={"name": "Asha R. Rao", "description": "", "metadata": {"tier": ""}}
    )
    assert updated.name == "Asha R. Rao"
    assert updated.description is None, "an empty string clears the field"
    assert updated.metadata.to_dict() == {"crm_id": "4411"}
    assert updated.email == email and updated.phone == "+919800000001", "fields not given keep their values"
    assert client.v1.customers.retrieve(customer.id).name == "Asha R. Rao"

    deleted = client.v1.customers.delete(customer.id)
    assert deleted.id == customer.id
    assert deleted.deleted is True
    after = client.v1.customers.retrieve(customer.id)
    assert after.id == customer.id and after.deleted is True
    assert "email" not in after, "a deleted customer shows only its id"
    with pytest.raises(stripe.InvalidRequestError) as again:
        client.v1.customers.delete(customer.id)
    assert again.value.http_status == 404
    assert again.value.code == "resource_missing"
    with pytest.raises(stripe.InvalidRequestError) as changed:
        client.v1.customers.update(customer.id, params={"name": "Asha"})
    assert changed.value.http_status == 404


def test_list_filters_by_email_and_pages(client):
    email = unique_email("ravi")
    ids = [client.v1.customers.create(params={"email": email, "name": f"Ravi {n}"}).id for n in range(5)]
    other = client.v1.customers.create(params={"email": unique_email("meena")}).id
    upper = client.v1.customers.create(params={"email": email.upper()}).id
    gone = client.v1.customers.create(params={"email": email}).id
    client.v1.customers.delete(gone)

    first = client.v1.customers.list(params={"email": email, "limit": 2})
    assert [c.id for c in first.data] == [ids[4], ids[3]]
    assert first.has_more is True

    seen = [c.id for c in client.v1.customers.list(params={"email": email, "limit": 2}).auto_paging_iter()]
    assert seen == list(reversed(ids)), "newest first; exact match, deleted left out"
    assert other not in seen and upper not in seen and gone not in seen

    unfiltered = [c.id for c in client.v1.customers.list(params={"limit": 3}).auto_paging_iter()]
    assert len(unfiltered) == len(set(unfiltered))
    assert {other, upper, *ids} <= set(unfiltered)
    assert gone not in unfiltered


def test_charge_for_a_customer_and_expand(client):
    email = unique_email("kiran")
    customer = client.v1.customers.create(params={"email": email, "name": "Kiran"})
    first = client.v1.charges.create(
        params={"amount": 1500, "currency": "inr", "source": "tok_visa", "customer": customer.id}
    )
    assert first.customer == customer.id
    second = client.v1.charges.create(
        params={
            "amount": 2500, "currency": "inr", "source": "tok_visa", "customer": customer.id, "expand": ["customer"],
        }
    )
    assert isinstance(second.customer, stripe.Customer)
    assert (second.customer.id, second.customer.email) == (customer.id, email)
    unrelated = client.v1.charges.create(params={"amount": 1700, "currency": "inr", "source": "tok_visa"})
    assert unrelated.customer is None

    fetched = client.v1.charges.retrieve(first.id, params={"expand": ["customer"]})
    assert isinstance(fetched.customer, stripe.Customer) and fetched.customer.name == "Kiran"
    assert client.v1.charges.retrieve(first.id).customer == customer.id

    listed = [c.id for c in client.v1.charges.list(params={"customer": customer.id, "limit": 1}).auto_paging_iter()]
    assert listed == [second.id, first.id]
    expanded = client.v1.charges.list(params={"customer": customer.id, "expand": ["data.customer"]})
    assert [c.customer.email for c in expanded.data] == [email, email]

    client.v1.customers.delete(customer.id)
    kept = client.v1.charges.retrieve(first.id)
    assert kept.customer == customer.id, "a charge keeps naming its deleted customer"
    shown = client.v1.charges.retrieve(first.id, params={"expand": ["customer"]})
    assert shown.customer.id == customer.id and shown.customer.deleted is True


def test_charge_for_a_deleted_or_unknown_customer_raises(client):
    customer = client.v1.customers.create(params={"email": unique_email("dev")})
    client.v1.customers.delete(customer.id)
    unknown = "cus_" + uuid.uuid4().hex[:14]
    for missing in (customer.id, unknown):
        with pytest.raises(stripe.InvalidRequestError) as raised:
            client.v1.charges.create(
                params={"amount": 2000, "currency": "inr", "source": "tok_visa", "customer": missing}
            )
        assert raised.value.param == "customer"
        assert raised.value.code == "resource_missing"
        assert missing in raised.value.user_message
        assert client.v1.charges.list(params={"customer": missing}).data == [], "no charge was made"


def test_another_accounts_customer_is_missing(client, other_client):
    email = unique_email("neha")
    customer = client.v1.customers.create(params={"email": email})
    with pytest.raises(stripe.InvalidRequestError) as retrieved:
        other_client.v1.customers.retrieve(customer.id)
    assert retrieved.value.http_status == 404
    assert retrieved.value.code == "resource_missing"
    with pytest.raises(stripe.InvalidRequestError) as updated:
        other_client.v1.customers.update(customer.id, params={"name": "Someone else"})
    assert updated.value.http_status == 404
    with pytest.raises(stripe.InvalidRequestError) as deleted:
        other_client.v1.customers.delete(customer.id)
    assert deleted.value.http_status == 404
    with pytest.raises(stripe.InvalidRequestError) as charged:
        other_client.v1.charges.create(
            params={"amount": 2000, "currency": "inr", "source": "tok_visa", "customer": customer.id}
        )
    assert charged.value.param == "customer"
    assert other_client.v1.customers.list(params={"email": email}).data == []
    unchanged = client.v1.customers.retrieve(customer.id)
    assert unchanged.email == email and unchanged.name is None and not getattr(unchanged, "deleted", False)


def test_restricted_key_without_customers_permission(client, base_url):
    customer = client.v1.customers.create(params={"email": unique_email("isha")})
    charge = client.v1.charges.create(
        params={"amount": 2000, "currency": "inr", "source": "tok_visa", "customer": customer.id}
    )
    restricted = stripe.StripeClient(os.environ["PAISA_READ_ONLY_KEY"], base_addresses={"api": base_url})
    assert restricted.v1.charges.retrieve(charge.id).customer == customer.id
    with pytest.raises(stripe.PermissionError):
        restricted.v1.customers.retrieve(customer.id)
    with pytest.raises(stripe.PermissionError):
        restricted.v1.charges.retrieve(charge.id, params={"expand": ["customer"]})


def test_idempotent_replay_of_a_customer_create(client):
    key = fresh_key()
    email = unique_email("tara")
    params = {"email": email, "name": "Tara", "metadata": {"source": "signup"}}
    first = client.v1.customers.create(params=params, options={"idempotency_key": key})
    again = client.v1.customers.create(params=params, options={"idempotency_key": key})
    assert again.id == first.id
    assert first.last_response.headers["Idempotent-Replayed"] == "false"
    assert again.last_response.headers["Idempotent-Replayed"] == "true"
    assert [c.id for c in client.v1.customers.list(params={"email": email}).data] == [first.id]
    with pytest.raises(stripe.IdempotencyError):
        client.v1.customers.create(params={**params, "name": "Tara K"}, options={"idempotency_key": key})


def test_customer_events(client):
    email = unique_email("omar")
    customer = client.v1.customers.create(params={"email": email, "name": "Omar"})
    client.v1.customers.update(customer.id, params={"name": "Omar S", "metadata": {"crm_id": "9"}})
    client.v1.customers.delete(customer.id)
    since = customer.created - 60

    everything = events_about(client, customer.id, since)
    assert [e.type for e in everything] == ["customer.deleted", "customer.updated", "customer.created"]

    created = events_about(client, customer.id, since, type="customer.created")
    assert [e.type for e in created] == ["customer.created"]
    assert created[0].data.object.email == email and created[0].data.object.name == "Omar"
    assert created[0].request.id.startswith("req_")

    updated = events_about(client, customer.id, since, type="customer.updated")
    assert len(updated) == 1
    assert updated[0].data.object.name == "Omar S"
    assert updated[0].data.object.metadata.to_dict() == {"crm_id": "9"}
    assert updated[0].data.previous_attributes.name == "Omar"

    deleted = events_about(client, customer.id, since, type="customer.deleted")
    assert len(deleted) == 1
    assert deleted[0].data.object.email == email, "the deleted event carries the whole customer"

    prefixed = events_about(client, customer.id, since, type="customer.*")
    assert [e.id for e in prefixed] == [e.id for e in everything]
    assert events_about(client, customer.id, since, type="charge.*") == []
    fetched = client.v1.events.retrieve(created[0].id)
    assert (fetched.type, fetched.data.object.id) == ("customer.created", customer.id)
