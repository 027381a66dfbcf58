"""UPI refunds are asynchronous: the SDK sees `pending`, then `succeeded`, or `failed` with the money given back.

The suite's server settles pending UPI payments and refunds after 500 ms (`--sandbox-pending-ms 500`).
"""

import time

# How often, and how many times at most, a pending refund is read again while it settles.
POLL_SECONDS = 0.25
POLLS_MAX = 80


def settled(client, refund_id):
    refund = client.v1.refunds.retrieve(refund_id)
    for _ in range(POLLS_MAX):
        if refund.status != "pending":
            break
        time.sleep(POLL_SECONDS)
        refund = client.v1.refunds.retrieve(refund_id)
    return refund


def test_a_upi_refund_is_pending_then_succeeded(client):
    charge = client.v1.charges.create(params={"amount": 3000, "currency": "inr", "source": "success@upi"})
    refund = client.v1.refunds.create(params={"charge": charge.id, "amount": 1000})
    assert refund.status == "pending"
    assert refund.failure_reason is None
    final = settled(client, refund.id)
    assert final.status == "succeeded"
    assert client.v1.charges.retrieve(charge.id).amount_refunded == 1000


def test_a_failed_upi_refund_gives_the_money_back(client):
    charge = client.v1.charges.create(params={"amount": 3000, "currency": "inr", "source": "refundfail@upi"})
    refund = client.v1.refunds.create(params={"charge": charge.id})
    assert refund.status == "pending" and refund.amount == 3000
    final = settled(client, refund.id)
    assert final.status == "failed"
    assert final.failure_reason == "declined"
    reversal = client.v1.balance_transactions.retrieve(final.failure_balance_transaction)
    assert reversal.type == "refund_failure" and reversal.amount == 3000
    restored = client.v1.charges.retrieve(charge.id)
    assert restored.amount_refunded == 0 and restored.refunded is False
