"""The rate limit as the SDK sees it: past the account's limit, 429 `rate_limit` becomes `stripe.RateLimitError`.

`scripts/sdk-tests.sh` starts a second server on the same database whose test mode admits one request a second of
each kind (PAISA_LIMITED_BASE_URL); the suite's main server has no limit.
"""

import os

import pytest
import stripe

from conftest import fresh_key

# Sequential requests until the limit answers: with one request a second admitted, the second or third does.
ATTEMPTS_MAX = 20


def test_past_the_limit_the_sdk_raises_rate_limit_error_and_the_key_stays_unused(key):
    limited = stripe.StripeClient(key, base_addresses={"api": os.environ["PAISA_LIMITED_BASE_URL"]}, max_network_retries=0)
    with pytest.raises(stripe.RateLimitError) as refused:
        for _ in range(ATTEMPTS_MAX):
            limited.v1.balance.retrieve()
    error = refused.value
    assert error.http_status == 429
    assert error.error.code == "rate_limit"  # RateLimitError leaves `code` unset; the error object has it
    assert int(error.headers["Retry-After"]) >= 1
    assert "test-mode" in error.user_message

    # A write refused by the limit ran nothing: its key is unused, and the unlimited server runs it fresh. Each
    # attempt has a key of its own, so the one refused is a key no request has used.
    refused_key = None
    for _ in range(ATTEMPTS_MAX):
        attempt_key = fresh_key()
        try:
            limited.v1.customers.create(params={"name": "limited"}, options={"idempotency_key": attempt_key})
        except stripe.RateLimitError:
            refused_key = attempt_key
            break
    assert refused_key is not None, "the limit never refused a write"
    unlimited = stripe.StripeClient(key, base_addresses={"api": os.environ["PAISA_BASE_URL"]})
    customer = unlimited.v1.customers.create(params={"name": "limited"}, options={"idempotency_key": refused_key})
    assert customer.last_response.headers["Idempotent-Replayed"] == "false"
