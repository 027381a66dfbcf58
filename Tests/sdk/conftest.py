"""Shared set-up for the SDK suite: a running Paisa server and keys, given by the environment.

`scripts/sdk-tests.sh` (run by `make test`) starts the server and sets PAISA_BASE_URL, PAISA_KEY (a secret test
key of a fresh account) and PAISA_READ_ONLY_KEY (a restricted key of that account with charges:read only).
"""

import os
import uuid

import pytest
import stripe


@pytest.fixture(scope="session")
def base_url() -> str:
    return os.environ["PAISA_BASE_URL"]


@pytest.fixture(scope="session")
def key() -> str:
    return os.environ["PAISA_KEY"]


@pytest.fixture()
def client(base_url: str, key: str) -> stripe.StripeClient:
    """The official client pointed at Paisa; no retries, so every answer is the server's first."""
    return stripe.StripeClient(key, base_addresses={"api": base_url})


@pytest.fixture()
def global_api(base_url: str, key: str):
    """The global `stripe.api_base` style, restored afterwards."""
    saved = (stripe.api_key, stripe.api_base)
    stripe.api_key, stripe.api_base = key, base_url
    yield stripe
    stripe.api_key, stripe.api_base = saved


def fresh_key() -> str:
    return f"sdk-{uuid.uuid4()}"
