"""Schemathesis hooks for Paisa's OpenAPI document (loaded through SCHEMATHESIS_HOOKS by scripts/schemathesis.sh)."""

import atexit
import collections
import datetime
import sys

import schemathesis
from hypothesis import strategies as st
import json

import jsonschema_rs
from schemathesis.specs.openapi.checks import negative_data_rejection as builtin_negative_data_rejection
from schemathesis.specs.openapi.checks import positive_data_acceptance as builtin_positive_data_acceptance
from schemathesis.checks import not_a_server_error as builtin_not_a_server_error
from schemathesis.specs.openapi.checks import use_after_free as builtin_use_after_free

# `api-version` (the Stripe-Version header, a webhook endpoint's api_version): a date from the oldest version Paisa
# answers to the newest, optionally with a release name. The document's pattern says the same; the format is
# registered because schemathesis's coverage phase draws no header value from a pattern that needs a character
# other than a letter or a digit (the dashes of a date), and would then send a schema-invalid one as valid.
OLDEST = datetime.date(2022, 8, 1)
NEWEST = datetime.date(2026, 10, 28)
schemathesis.openapi.format(
    "api-version",
    st.builds(
        lambda day, name: day.isoformat() + name,
        st.dates(min_value=OLDEST, max_value=NEWEST),
        st.one_of(st.just(""), st.from_regex(r"\A\.[a-z]{1,20}\Z")),
    ),
)

# `webhook-url`: a URL Paisa may post events to. Which URLs those are (a parsed http or https URL whose host is not a
# private, link-local or otherwise internal address) is more than a pattern can say; the document's pattern holds
# the scheme, its prose the rest. Valid ones are public https URLs.
LABEL = st.from_regex(r"\A[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?\Z")
schemathesis.openapi.format(
    "webhook-url",
    st.builds(
        lambda labels, path: "https://" + ".".join(labels) + ".example.com/" + path,
        st.lists(LABEL, min_size=1, max_size=3),
        st.from_regex(r"\A[a-zA-Z0-9_/-]{0,40}\Z"),
    ),
)


# positive_data_acceptance, knowing Stripe's 400s that depend on state rather than on the request. A schema describes
# which requests are well formed; it cannot say which objects are still capturable or which Idempotency-Key was
# already used for another request. Stripe answers those with 400 (not 409), and the SDKs read them as such, so
# Paisa does too. The built-in check is excluded in scripts/schemathesis.sh and this one runs in its place: every
# other rejection of a schema-valid request still fails it.
STATE_CODES = {
    # The Idempotency-Key was first used with another endpoint, other parameters or another API version
    # (the generated keys repeat across operations).
    "idempotency_key_reused",
    # The object the request names is no longer in a state that takes it.
    "charge_already_captured",
    "charge_already_refunded",
    "charge_expired_for_capture",
    "charge_not_capturable",
    "charge_not_refundable",
    "payment_intent_unexpected_state",
}


# Query parameters that may not come together (`starting_after` with `ending_before`, `type` with `types[]`): the
# document says so in words, as OpenAPI has no way to say it of query parameters (a body says it with `not`).
QUERY_CODES = {"parameters_exclusive"}

# Rules the document states in words because JSON Schema cannot: whether a webhook URL's host is one Paisa may post
# to (a parsed URL whose host is no private, link-local or otherwise internal address), the sandbox's rules for a
# UPI address as a charge's source (`inr` only; `capture=false` refused from API version 2023-10-16 on, a header a
# body schema cannot see), and the grammar of a search query (Stripe's search language).
RULE_CODES = {"url_invalid", "charge_invalid_parameter", "search_query_invalid"}

# Refusals of one operation that depend on what the account already holds, not on what the request says: at most
# 16 webhook endpoints per mode (the seventeenth is refused however well formed); an amount that changes a payment
# is bounded by the payment (at least its currency's minimum, 50 for all but gbp's 30, which the document gives as
# the floor; at most what was authorized, or what is left to refund).
OPERATION_STATE_CODES = {
    ("POST", "/v1/webhook_endpoints"): {"parameter_limit_exceeded"},
    ("POST", "/v1/payment_intents/{id}"): {"amount_too_small"},
    ("POST", "/v1/payment_intents/{id}/capture"): {"amount_too_small", "amount_too_large"},
    ("POST", "/v1/charges/{id}/capture"): {"amount_too_small", "amount_too_large"},
    ("POST", "/v1/refunds"): {"amount_too_large"},
}


# A search's `page` is the opaque `next_page` token of an earlier answer (a position, base64url-encoded): which
# strings are tokens is no more a schema's to say than which ids exist, and a string that is none is refused as
# an unknown cursor is.
def is_unknown_page(method, path, error):
    return method == "GET" and path.endswith("/search") and error.get("param") == "page"


@schemathesis.check
def positive_data_acceptance_in_state(ctx, response, case):
    # 402: a payment the card network or the payer's bank declined (the sandbox's declining tokens and addresses);
    # the request was well formed and its payment failed, as Stripe answers it.
    if response.status_code == 402:
        return None
    if response.status_code == 400:
        try:
            error = response.json()["error"]
            code = error["code"]
        except Exception:
            error, code = {}, None
        method = case.method.upper()
        if (
            code in STATE_CODES
            or code in RULE_CODES
            or (code in QUERY_CODES and method == "GET")
            or code in OPERATION_STATE_CODES.get((method, case.operation.path), ())
            or is_unknown_page(method, case.operation.path, error)
        ):
            return None
    return builtin_positive_data_acceptance(ctx, response, case)


# negative_data_rejection, knowing how Paisa reads a JSON body: as it reads a form body, every scalar as its text
# (a number or a boolean as written, null as empty), so `{"name": false}` names the customer "false", as
# `name=false` does. Schemathesis already forgives such type changes in form bodies, where the wire has only text;
# this forgives them in JSON bodies too, and only them: a body that still breaks its schema once its scalars are
# read as text must still be refused. The built-in check is excluded in scripts/schemathesis.sh.
def _resolve(root, schema):
    while isinstance(schema, dict) and "$ref" in schema:
        target = root
        for token in schema["$ref"].lstrip("#/").split("/"):
            target = target[token.replace("~1", "/").replace("~0", "~")]
        schema = target
    return schema if isinstance(schema, dict) else {}


def _alternative(root, schema, kind):
    """The schema itself, or the first of its anyOf/oneOf alternatives of JSON type `kind` (metadata is an object or
    the empty string that clears it)."""
    for alternative in [schema, *schema.get("anyOf", []), *schema.get("oneOf", [])]:
        alternative = _resolve(root, alternative)
        types = alternative.get("type")
        if types == kind or (isinstance(types, list) and kind in types):
            return alternative
    return schema


def _read_as_text(value, schema, root):
    schema = _resolve(root, schema)
    if isinstance(value, dict):
        schema = _alternative(root, schema, "object")
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties", {})
        extra = extra if isinstance(extra, dict) else {}
        return {key: _read_as_text(item, properties.get(key, extra), root) for key, item in value.items()}
    if isinstance(value, list):
        return [_read_as_text(item, _alternative(root, schema, "array").get("items", {}), root) for item in value]
    types = _alternative(root, schema, "string").get("type")
    if (types == "string" or (isinstance(types, list) and "string" in types)) and (
        value is None or isinstance(value, (bool, int, float))
    ):
        if value is None:
            return ""
        return "true" if value is True else "false" if value is False else json.dumps(value)
    return value


def _json_body_read_as_text_is_valid(case):
    if case.media_type != "application/json" or not isinstance(case.body, dict):
        return False
    root = case.operation.schema.raw_schema
    body = _resolve(root, case.operation.definition.raw.get("requestBody", {}))
    schema = _resolve(root, body.get("content", {}).get("application/json", {}).get("schema", {}))
    read = _read_as_text(case.body, schema, root)
    if read == case.body:
        return False
    return jsonschema_rs.Draft202012Validator({**schema, "components": root.get("components", {})}).is_valid(read)


@schemathesis.check
def negative_data_rejection_as_read(ctx, response, case):
    if 200 <= response.status_code < 300 and _json_body_read_as_text_is_valid(case):
        return None
    return builtin_negative_data_rejection(ctx, response, case)



# A deleted customer is read back as Stripe answers it: 200 with its tombstone, `{"id", "object": "customer",
# "deleted": true}` (the document's `deleted_customer`), so that charges that name it still resolve. Any other read of
# a deleted object that succeeds is still a use after free.
@schemathesis.check
def use_after_free_except_tombstones(ctx, response, case):
    if response.status_code == 200:
        try:
            body = json.loads(response.content)
        except ValueError:
            body = None
        if isinstance(body, dict) and body.get("deleted") is True:
            return None
    return builtin_use_after_free(ctx, response, case)


# A 503 that says the request could not be finished within its 2-second budget (`deadline_exceeded`) or was shed
# because the server was full (`overloaded`) is the contract's answer to a machine that was too slow at that moment,
# not to the request: it depends on the machine's noise, which no test here may judge (speed is shown by the
# benchmarks). Such an answer must still be the documented error object (the schema checks still run on it), and
# every other 5xx still fails. What is not noise is an operation that mostly times out (a lock never let go, a query
# that cannot finish): once an operation has had BUDGET_ANSWERS_MIN such answers and they are more than half of its
# answers, the next one fails. How many there were is printed at the end.
BUDGET_CODES = {"deadline_exceeded", "overloaded"}
BUDGET_ANSWERS_MIN = 10
answers = collections.Counter()
budget_answers = collections.Counter()


@schemathesis.check
def not_a_server_error_within_budget(ctx, response, case):
    operation = f"{case.method.upper()} {case.operation.path}"
    answers[operation] += 1
    if response.status_code == 503:
        try:
            code = response.json()["error"]["code"]
        except Exception:
            code = None
        if code in BUDGET_CODES:
            budget_answers[operation] += 1
            count = budget_answers[operation]
            if count < BUDGET_ANSWERS_MIN or count * 2 <= answers[operation]:
                return None
    return builtin_not_a_server_error(ctx, response, case)


@atexit.register
def _report_budget_answers():
    if budget_answers:
        print(
            f"schemathesis: {sum(budget_answers.values())} answers were 503s for the time budget, not judged: "
            + "; ".join(f"{operation} {count} of {answers[operation]}" for operation, count in budget_answers.items()),
            file=sys.stderr,
        )
