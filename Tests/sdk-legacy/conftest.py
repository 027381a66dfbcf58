"""The SDK suite for older majors of the official Python SDK, in the module-level call style their integrations
use (`stripe.Charge.create`). `scripts/sdk-tests.sh` runs it once per major, each in its own venv, against the
same server as the current suite, with PAISA_BASE_URL and PAISA_KEY set."""

import os
import uuid

import pytest
import stripe


@pytest.fixture(autouse=True)
def configured():
    """The global configuration these majors use; no retries, so every answer is the server's first."""
    stripe.api_key = os.environ["PAISA_KEY"]
    stripe.api_base = os.environ["PAISA_BASE_URL"]
    stripe.max_network_retries = 0
    yield stripe


def fresh_key() -> str:
    return f"sdk-legacy-{uuid.uuid4()}"


def error_class(name):
    """`stripe.error.CardError` in these majors (the top-level names came later)."""
    return getattr(stripe, name, None) or getattr(stripe.error, name)
