#!/usr/bin/env python3
"""Fault scenarios: paisa-load traffic with retries while something breaks, then the audit.

Each scenario starts its own Paisa server(s) on free ports against a database of its own, offers payment
traffic with paisa-load (deliberate retries and concurrent duplicates, retries on timeouts, 409 and 5xx with
the same key), breaks something on purpose mid-run, and then checks the money:

  * paisa-load's audit through the API: exactly one charge per logical payment, no charge nobody asked for,
    the balance moved by exactly the successful charges;
  * the database itself: every ledger posting sums to zero per currency, GET /v1/balance equals what the charges
    and refunds themselves add up to (captured amounts less the fee schedule's fees, less refunds: computed here,
    not by the ledger's own sum), every succeeded charge has its posting, no payment the sandbox processor approved
    is without a charge (voided ones aside), and no idempotency key is left unfinished once the completer had time
    to resume it.

The `payment-intents` scenario pays through PaymentIntents and also checks that every succeeded intent has exactly
one captured charge and that no intent is left taken by a confirmation. The `webhooks` scenario also checks delivery: every event the database holds for its account reaches a receiver
that fails, stalls and goes down on purpose, correctly signed, at least once.

A scenario fails on any double, loss or unbalanced ledger; it prints its figures either way.

    scripts/scenarios.py [--short] [--only NAME ...] [--bin DIR] [--json FILE]

--short is the form `make test` runs (a few seconds of traffic each); without it, `make chaos` runs longer and
also runs the fuzz tests with many more cases. The database is the embedded cluster's `paisa_scenarios`
(`scripts/db.sh`), or DATABASE_URL's server when set; the PostgreSQL restart scenario needs the embedded one.
"""

import argparse
import hashlib
import hmac
import json
import math
import multiprocessing
import os
import random
import selectors
import signal
import socket
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from harness import (
    BUDGET_MS, ROOT, START_SECONDS_MAX, Database, Server, free_port, http_call, log, paisa_load, steady,
)

STATE = os.path.join(ROOT, ".paisa", "scenarios")
DATABASE = "paisa_scenarios"
# How long a scenario waits for the completer to finish abandoned keys after the traffic stopped.
SETTLE_SECONDS_MAX = 30
# Reads of the balance for the final check, retried on a 5xx or no answer.
BALANCE_ATTEMPTS_MAX = 5
# Payment mix of the scenarios: success, decline, UPI success, UPI pending and the slow UPI address.
MIX = "card=60,decline=10,upi=15,pending=5,slow=10"
# The sandbox's fee schedule, restated here so the balance check does not take the server's word for it: cards pay
# 290 basis points of the captured amount, rounded half up; UPI pays none.
CARD_FEE_BASIS_POINTS = 290
# A webhook whose signature's timestamp is further than this from the receiver's clock is refused, as Stripe's SDKs
# refuse one (their default tolerance).
SIGNATURE_TOLERANCE_SECONDS = 300


class Scenario:
    """What every scenario shares: an account and key of its own, servers, a paisa-load run and the checks."""

    def __init__(self, name, context):
        self.name = name
        self.context = context
        self.database = context.database
        self.figures = {}
        self.failures = []
        self.account, self.key = self.database.new_key(context.binaries, f"scenario-{name}")
        self.servers = []
        self.loads = []

    def server(self, extra=(), budget_ms=BUDGET_MS):
        server = Server(
            self.context.binaries, self.database, f"{self.name}-{len(self.servers) + 1}", STATE, extra,
            budget_ms=budget_ms)
        self.servers.append(server)
        server.start()
        return server

    def load(self, urls, schedule, mix=MIX, retry_share="0.1", duplicate_share="0.1", extra=(), background=False):
        """Runs paisa-load with `schedule` (its stage or profile flags); returns the result with its report, or a
        thread and the result it will fill."""
        arguments = [
            *schedule, "--mix", mix, "--retry-share", retry_share, "--duplicate-share", duplicate_share,
            "--attempts", "10", "--seed", str(self.context.seed), "--run-id", f"{self.name}-{int(time.time())}",
            "--threshold", "errors<5%", "--lag-limit", "10s", "--audit-timeout", "60s", *extra,
        ]
        result = {}

        def go():
            result["exit"], result["stderr"], result["report"], _ = paisa_load(
                self.context.binaries, urls, self.key, os.path.join(STATE, f"{self.name}-load.json"), arguments)

        if background:
            thread = threading.Thread(target=go)
            thread.start()
            self.loads.append(thread)
            return thread, result
        go()
        return result

    def judge_load(self, result):
        """Records paisa-load's figures and fails the scenario on a money finding or an inconclusive audit."""
        report = result.get("report")
        if report is None:
            self.failures.append(f"paisa-load wrote no report (exit {result.get('exit')}): {result.get('stderr')}")
            return
        overall, attempts, audit = report["overall"], report["attempts"], report.get("audit") or {}
        counts = audit.get("counts", {})
        self.figures.update({
            "payments": overall["scheduled"],
            "answered": audit.get("answered"),
            "errors": overall["errors"],
            "attempts": attempts["total"],
            "retries and duplicates": attempts["beyondFirst"],
            "replayed": attempts["replayed"],
            "attempt classes": attempts["classes"],
            "p99 ms": round(overall["latency"]["p99"], 1),
            "max ms": round(overall["latency"]["max"], 1),
            "charges on server": audit.get("serverCharges"),
            "unanswered but charged": audit.get("unansweredCharged"),
            "doubles": counts.get("doubled", 0),
            "losses": counts.get("lost", 0),
            "unrequested": counts.get("unrequested", 0),
            "audit": audit.get("verdict", "missing"),
        })
        if audit.get("verdict") != "passed":
            self.failures.append(f"audit {audit.get('verdict')}: counts {counts}, notes {audit.get('notes')}")
        failed_thresholds = [check for check in report.get("thresholds", []) if not check["passed"]]
        if result["exit"] not in (0, 2) or failed_thresholds:
            self.failures.append(f"paisa-load (exit {result['exit']}): " + "; ".join(report.get("reasons", [])))
        elif result["exit"] == 2:
            # The generator fell behind: its latency figures are not the server's; the audit still stands.
            log(f"  note: {'; '.join(report.get('reasons', []))}")

    def refuse_server_errors(self, result, meaning, prefix="http_5"):
        """Fails the scenario when any attempt of the run got a 5xx (or the statuses `prefix` names)."""
        classes = ((result.get("report") or {}).get("attempts") or {}).get("classes", {})
        server_errors = {name: count for name, count in classes.items() if name.startswith(prefix)}
        self.figures[prefix.replace("http_", "").ljust(3, "x") + " answers"] = sum(server_errors.values())
        if server_errors:
            self.failures.append(f"{server_errors}: {meaning}")

    def check_database(self):
        """The ledger and idempotency invariants, read from PostgreSQL itself."""
        waited = 0.0
        while True:
            unfinished = int(self.database.query(
                "SELECT count(*) FROM idempotency_keys WHERE account_id = :'account' AND recovery_point <> 'finished'",
                account=self.account)[0][0])
            if unfinished == 0 or waited >= SETTLE_SECONDS_MAX:
                break
            time.sleep(0.5)
            waited += 0.5
        self.figures["keys left unfinished"] = unfinished
        self.figures["seconds until every key finished"] = waited
        if unfinished:
            self.failures.append(f"{unfinished} idempotency keys still unfinished after {SETTLE_SECONDS_MAX} s")
        unbalanced = self.database.query(
            "SELECT posting_id, currency, sum(amount) FROM ledger_entries "
            "WHERE account_id = :'account' GROUP BY posting_id, currency HAVING sum(amount) <> 0", account=self.account)
        self.figures["unbalanced postings"] = len(unbalanced)
        if unbalanced:
            self.failures.append(f"{len(unbalanced)} ledger postings do not sum to zero, e.g. {unbalanced[0]}")
        missing = self.database.query(
            "SELECT c.id FROM charges c WHERE c.account_id = :'account' AND c.status = 'succeeded' AND NOT EXISTS "
            "(SELECT 1 FROM ledger_entries e WHERE e.account_id = c.account_id AND e.source_id = c.id)",
            account=self.account)
        self.figures["succeeded charges without a posting"] = len(missing)
        if missing:
            self.failures.append(f"{len(missing)} succeeded charges have no ledger posting, e.g. {missing[0][0]}")
        unrecorded = self.database.query(
            "SELECT p.processor_key FROM sandbox_processor_payments p WHERE p.account_id = :'account' "
            "AND p.decision = 'approved' AND p.voided_at IS NULL AND NOT EXISTS (SELECT 1 FROM charges c "
            "WHERE c.account_id = p.account_id AND c.processor_key = p.processor_key)", account=self.account)
        self.figures["approvals without a charge"] = len(unrecorded)
        if unrecorded:
            self.failures.append(f"{len(unrecorded)} approved payments have no charge, e.g. {unrecorded[0][0]}")
        expected = self.expected_balance()
        api = self.balance()
        self.figures["balance equals charges less fees and refunds"] = api == expected
        if api is None:
            self.failures.append("GET /v1/balance did not answer 200")
        elif api != expected:
            self.failures.append(f"GET /v1/balance {api} differs from the charges less fees and refunds {expected}")

    def check_intents(self):
        """PaymentIntents' invariants, read from PostgreSQL: a succeeded intent has exactly one charge that moved
        money, and it is its latest; none is left taken by a confirmation once every key has finished."""
        wrong = self.database.query(
            "SELECT i.id FROM payment_intents i WHERE i.account_id = :'account' AND i.status = 'succeeded' AND "
            "((SELECT count(*) FROM charges c WHERE c.account_id = i.account_id AND c.payment_intent_id = i.id "
            "AND c.status = 'succeeded' AND c.captured) <> 1 OR NOT EXISTS (SELECT 1 FROM charges c WHERE "
            "c.account_id = i.account_id AND c.id = i.latest_charge_id AND c.status = 'succeeded' AND c.captured))",
            account=self.account)
        self.figures["succeeded intents without exactly one captured charge"] = len(wrong)
        if wrong:
            self.failures.append(f"{len(wrong)} succeeded intents lack exactly one captured charge, e.g. {wrong[0][0]}")
        taken = self.database.query(
            "SELECT id FROM payment_intents WHERE account_id = :'account' AND confirming_processor_key IS NOT NULL",
            account=self.account)
        self.figures["intents left taken by a confirmation"] = len(taken)
        if taken:
            self.failures.append(f"{len(taken)} intents are still taken by a confirmation, e.g. {taken[0][0]}")

    def expected_balance(self):
        """What the account's balance must be, from its charges and refunds alone (not the ledger)."""
        totals = {}
        for currency, method, captured in self.database.query(
                "SELECT currency, method_type, amount_captured FROM charges WHERE account_id = :'account' "
                "AND status = 'succeeded' AND captured", account=self.account):
            captured = int(captured)
            fee = (captured * CARD_FEE_BASIS_POINTS + 5000) // 10000 if method == "card" else 0
            totals[currency] = totals.get(currency, 0) + captured - fee
        for currency, refunded in self.database.query(
                "SELECT currency, sum(amount) FROM refunds WHERE account_id = :'account' AND status <> 'failed' "
                "GROUP BY currency",
                account=self.account):
            totals[currency] = totals.get(currency, 0) - int(refunded)
        return {currency: amount for currency, amount in totals.items() if amount != 0}

    def balance(self):
        """The account's balance, available plus pending per currency; None when the server would not say."""
        url = (self.servers[0].url if self.servers and self.servers[0].process.poll() is None
               else self.server().url)
        request = urllib.request.Request(url + "/v1/balance", headers={"Authorization": f"Bearer {self.key}"})
        balance = None
        for _ in range(BALANCE_ATTEMPTS_MAX):
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    balance = json.load(response)
                break
            except OSError:
                time.sleep(0.5)
        if balance is None:
            return None
        totals = {}
        for entry in balance["available"] + balance["pending"]:
            totals[entry["currency"]] = totals.get(entry["currency"], 0) + entry["amount"]
        return {currency: amount for currency, amount in totals.items() if amount != 0}

    def api(self, url, method, path, form=()):
        """One API call with the scenario's key: (status or None when it got no answer, the JSON answer or None)."""
        data = urllib.parse.urlencode(form).encode() if method == "POST" else None
        request = urllib.request.Request(url + path, method=method, data=data, headers={
            "Authorization": f"Bearer {self.key}", "Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            try:
                return error.code, json.load(error)
            except ValueError:
                return error.code, None
        except (OSError, ValueError):
            return None, None

    def close(self):
        for server in self.servers:
            server.stop()
        for thread in self.loads:
            thread.join()


# The scenarios. Each takes the scenario and the run's length factor and breaks one thing.

def scenario_spike(s, short):
    """No fault: the spike profile, for the exactly-once audit at 10x the baseline rate, with hostile-but-valid
    text in every description and metadata value, and some payments sent without a key."""
    server = s.server()
    scale = "0.1" if short else "0.3"
    result = s.load([server.url], ["--profile", "spike", "--rate", "10" if short else "20", "--duration-scale", scale],
                    extra=["--text", "hostile", "--keyless-share", "0.1"])
    s.judge_load(result)
    # A spike may be shed (503); valid text must never make a 500.
    s.refuse_server_errors(result, "valid text must be charged, never answered 500", prefix="http_500")


def scenario_server_kill(s, short):
    """The server is killed with SIGKILL several times mid-run and restarted; the completer finishes the rest."""
    server = s.server()
    seconds, kills = (10, 2) if short else (40, 8)
    # Keyless payments retry only with the key an answer named: a kill before any answer leaves them unanswered,
    # never charged twice.
    thread, result = s.load([server.url], steady(seconds, 20 if short else 40), background=True,
                            extra=["--keyless-share", "0.2", "--text", "hostile"])
    recoveries = []
    for _ in range(kills):
        time.sleep(seconds / (kills + 1))
        server.kill()
        time.sleep(0.3)
        recoveries.append(server.start())
    thread.join()
    s.figures["kills"] = kills
    s.figures["restart to healthy, s (max)"] = round(max(recoveries), 2)
    s.judge_load(result)


def scenario_payment_intents(s, short):
    """Payments through PaymentIntents, confirmed with their create and then separately, while the server is killed
    mid-run: each payment one intent, each succeeded intent exactly one captured charge, no intent left taken."""
    server = s.server()
    seconds, kills = (8, 1) if short else (30, 4)
    for confirm in ("with-create", "separately"):
        thread, result = s.load([server.url], steady(seconds, 15 if short else 30), background=True,
                                extra=["--api", "payment_intents", "--confirm", confirm, "--keyless-share", "0.1"])
        for _ in range(kills):
            time.sleep(seconds / (kills + 1))
            server.kill()
            time.sleep(0.3)
            server.start()
        thread.join()
        s.judge_load(result)
    s.figures["kills per run"] = kills
    s.check_intents()


def scenario_postgres_restart(s, short):
    """PostgreSQL stops mid-run (immediate, then fast shutdown): 503 with Retry-After while down, then recovery."""
    if not s.database.embedded:
        s.figures["skipped"] = "needs the embedded cluster (DATABASE_URL is set)"
        return
    server = s.server()
    seconds, down = (12, 2.0) if short else (40, 5.0)
    thread, result = s.load([server.url], steady(seconds, 20 if short else 40), background=True)
    outages = []
    for mode in ("immediate", "fast"):
        time.sleep(seconds / 4)
        stopping = time.monotonic()
        s.database.stop(mode)
        stopped = time.monotonic()
        statuses, slowest, retry_after = [], 0.0, True
        try:
            while time.monotonic() - stopped < down:
                status, took, headers = http_call(
                    server.url + "/v1/charges", "POST", b"amount=100&currency=inr&source=tok_visa",
                    {"Authorization": f"Bearer {s.key}", "Content-Type": "application/x-www-form-urlencoded"},
                    timeout=BUDGET_MS / 1000 * 3)
                statuses.append(status)
                slowest = max(slowest, took)
                if status == 503 and "retry-after" not in {name.lower() for name in headers}:
                    retry_after = False
                time.sleep(0.1)
        finally:
            # Whatever happened, the later scenarios need their database back.
            starting = time.monotonic()
            s.database.start()
        restarted = time.monotonic()
        while True:
            status, _, _ = http_call(server.url + "/v1/balance", headers={"Authorization": f"Bearer {s.key}"})
            if status == 200 or time.monotonic() - restarted > START_SECONDS_MAX:
                break
            time.sleep(0.05)
        outages.append({
            "mode": mode, "answers while down": {str(k): statuses.count(k) for k in set(statuses)},
            "slowest answer while down, ms": round(slowest * 1000), "503 with Retry-After": retry_after,
            "database up to first 200, s": round(time.monotonic() - restarted, 2),
            "stop took, s": round(stopped - stopping, 1), "start took, s": round(restarted - starting, 1),
        })
        if set(statuses) - {503}:
            s.failures.append(f"{mode}: while the database was down the server answered {set(statuses)}, not 503")
        if not retry_after:
            s.failures.append(f"{mode}: a 503 without Retry-After")
        if status != 200:
            s.failures.append(f"{mode}: the server did not recover within {START_SECONDS_MAX} s")
        if not short and slowest > BUDGET_MS / 1000 + 0.5:
            s.failures.append(f"{mode}: an answer took {slowest:.2f} s while the database was down")
    thread.join()
    s.figures["outages"] = outages
    s.judge_load(result)


def scenario_two_instances(s, short):
    """Two servers on one database; attempts alternate between them, so duplicate-key storms split across both."""
    first, second = s.server(), s.server()
    result = s.load([first.url, second.url], steady(8 if short else 40, 30 if short else 60),
                    duplicate_share="0.5", retry_share="0.3")
    s.figures["replays answered by either instance"] = (
        first.metric("paisa_idempotent_replays_total") + second.metric("paisa_idempotent_replays_total"))
    s.figures["409s while the other instance held the key"] = (
        first.metric("paisa_idempotency_conflicts_total") + second.metric("paisa_idempotency_conflicts_total"))
    s.judge_load(result)


# A budget for scenarios about something other than the clock.
GENEROUS_BUDGET_MS = 10_000


def scenario_injected_faults(s, short):
    """Serialization failures and deadlocks injected at a high rate: retried inside the server, never a 5xx."""
    faults = "serialization_failure=fail@0.3,deadlock=fail@0.2"
    # What is judged is that conflicts are retried, not the clock: with half of all statements failing, a loaded
    # machine can spend the 2-second budget on backoffs and answer 503 for want of time (seen once on a clean clone,
    # at a p99 of 1.8 s), so the server gets a budget such a machine cannot miss, and each attempt as long to answer.
    server = s.server(["--faults", faults], budget_ms=GENEROUS_BUDGET_MS)
    result = s.load([server.url], steady(8 if short else 40, 20 if short else 40),
                    extra=("--timeout", f"{GENEROUS_BUDGET_MS + 1000}ms"))
    s.figures["faults"] = faults
    s.figures["database retries"] = server.metric("paisa_db_retries_total")
    s.judge_load(result)
    if s.figures["database retries"] == 0:
        s.failures.append("no database retry was counted: the faults were not injected")
    s.refuse_server_errors(result, "a retryable database failure reached the client")
    if s.failures:
        # What the server says the 5xx were: shed (and why), or the processor not asked for want of time.
        s.figures["server's own count"] = [
            line for line in server.metrics().splitlines()
            if line.startswith(("paisa_http_requests_shed_total", "paisa_processor_duration_seconds_count"))
            or (line.startswith("paisa_http_requests_total") and 'status="5' in line)]


def scenario_slow_processor(s, short):
    """Half the payments go to slow@upi, which answers after 3 s: past the 2-second budget, so they are answered
    pending in time and settled later."""
    server = s.server(["--sandbox-slow-ms", "3000"])
    # An attempt not answered within the budget plus this margin counts as a timeout.
    timeout_ms = BUDGET_MS + 1000
    result = s.load([server.url], steady(8 if short else 40, 20 if short else 50),
                    mix="slow=50,card=50", retry_share="0", duplicate_share="0", extra=["--timeout", f"{timeout_ms}ms"])
    s.judge_load(result)
    report = result.get("report") or {}
    classes = (report.get("attempts") or {}).get("classes", {})
    s.figures["answered pending"] = (report.get("overall") or {}).get("pending")
    s.refuse_server_errors(result, "a slow processor must make pending charges, not errors")
    s.figures[f"not answered within {timeout_ms} ms"] = classes.get("timeout", 0)
    # A timed check, so only in the long form: shared CI machines are too noisy for it.
    if not short and classes.get("timeout", 0):
        s.failures.append(f"{classes['timeout']} attempts got no answer within {timeout_ms} ms")


def scenario_graceful_shutdown(s, short):
    """SIGTERM while requests are in flight: every one of them is answered, then the server exits cleanly."""
    server = s.server(["--sandbox-slow-ms", "1200"])
    in_flight = 8 if short else 32
    answers = [None] * in_flight

    def pay(index):
        body = f"amount={1000 + index}&currency=inr&source=slow@upi".encode()
        answers[index] = http_call(
            server.url + "/v1/charges", "POST", body,
            {"Authorization": f"Bearer {s.key}", "Content-Type": "application/x-www-form-urlencoded",
             "Idempotency-Key": f"graceful-{s.account}-{index}"}, timeout=BUDGET_MS / 1000 * 3)[0]

    threads = [threading.Thread(target=pay, args=(index,)) for index in range(in_flight)]
    for thread in threads:
        thread.start()
    # The requests are with the slow processor when the signal arrives.
    time.sleep(0.5)
    signalled = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    exit_status = server.process.wait(timeout=BUDGET_MS / 1000 * 10)
    s.figures["exit after SIGTERM, s"] = round(time.monotonic() - signalled, 2)
    for thread in threads:
        thread.join()
    s.figures["requests in flight at SIGTERM"] = in_flight
    s.figures["answers"] = {str(status): answers.count(status) for status in set(answers)}
    s.figures["exit status"] = exit_status
    if any(status != 200 for status in answers):
        s.failures.append(f"in-flight requests were not all answered 200: {answers}")
    if exit_status != 0:
        s.failures.append(f"the server exited with status {exit_status}")


def scenario_fault_exits(s, short):
    """The process dies at each fault point of a charge (`point=exit:1`, as SIGKILL would kill it), is restarted
    without the fault, and the client's retry with the same key finishes the payment: one charge, one processor
    authorization, per key."""
    points = ["after_claim", "after_processor_call", "before_finish_commit", "after_finish_commit"]
    server = None
    exits = {}
    for point in points:
        action = "fail" if point == "after_finish_commit" else "exit"
        server = s.server(["--faults", f"{point}={action}:1"])
        key = f"exit-{s.account}-{point}"
        headers = {"Authorization": f"Bearer {s.key}", "Content-Type": "application/x-www-form-urlencoded",
                   "Idempotency-Key": key}
        body = b"amount=2000&currency=inr&source=tok_visa"
        first, _, _ = http_call(server.url + "/v1/charges", "POST", body, headers, timeout=BUDGET_MS / 1000 * 3)
        if action == "exit":
            try:
                exits[point] = server.process.wait(timeout=10)
            except Exception:
                exits[point] = "still running"
            if first is not None or exits[point] != 137:
                s.failures.append(f"{point}=exit:1: answered {first}, exit status {exits[point]} (expected none, 137)")
            server.extra = []
            server.start()
        elif first != 200:
            s.failures.append(f"{point}: the request whose commit acknowledgement was lost answered {first}, not 200")
        status = None
        deadline = time.monotonic() + BUDGET_MS / 1000 + 10
        while time.monotonic() < deadline:
            status, _, _ = http_call(server.url + "/v1/charges", "POST", body, headers, timeout=BUDGET_MS / 1000 * 3)
            if status == 200:
                break
            time.sleep(0.3)
        if status != 200:
            s.failures.append(f"{point}: the retry with the same key got {status}, not 200")
    s.figures["exit statuses"] = exits
    charges = int(s.database.query("SELECT count(*) FROM charges WHERE account_id = :'account'",
                                   account=s.account)[0][0])
    authorizations = int(s.database.query(
        "SELECT count(*) FROM sandbox_processor_payments WHERE account_id = :'account'", account=s.account)[0][0])
    s.figures["charges"] = charges
    s.figures["processor authorizations"] = authorizations
    if charges != len(points) or authorizations != len(points):
        s.failures.append(f"{len(points)} keys made {charges} charges and {authorizations} authorizations")


def stall_connections(port, count, stop, closed_by_server, open_peak, refused):
    """Keeps `count` connections open that send half a request head and then nothing; each one the server closes is
    counted and replaced at once, as a determined attacker would. Runs in a process of its own at the lowest CPU
    priority: in production an attacker's CPU is not the server's, and here the two share two cores."""
    os.nice(19)
    selector = selectors.DefaultSelector()
    while not stop.is_set():
        while len(selector.get_map()) < count and not stop.is_set():
            try:
                connection = socket.create_connection(("127.0.0.1", port), timeout=2)
                connection.sendall(b"POST /v1/charges HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bea")
                connection.setblocking(False)
                selector.register(connection, selectors.EVENT_READ)
            except OSError:
                refused.value += 1
        open_peak.value = max(open_peak.value, len(selector.get_map()))
        for key, _ in selector.select(timeout=0.2):
            try:
                data = key.fileobj.recv(4096)
            except OSError:
                data = b""
            if not data:
                closed_by_server.value += 1
                selector.unregister(key.fileobj)
                key.fileobj.close()
    for key in list(selector.get_map().values()):
        key.fileobj.close()


def scenario_slow_clients(s, short):
    """Thousands of connections that send half a head and stall, replaced as fast as the server closes them, during
    a spike: the audit still passes, charges are not refused for them, and /healthz keeps answering."""
    read_timeout_ms = 1000 if short else 10000
    server = s.server(["--read-timeout-ms", str(read_timeout_ms)])
    stop = multiprocessing.Event()
    closed_by_server, open_peak, refused = (multiprocessing.Value("i", 0) for _ in range(3))
    attackers = multiprocessing.Process(
        target=stall_connections,
        args=(server.port, 300 if short else 3000, stop, closed_by_server, open_peak, refused))
    attackers.start()
    probes = []
    probing = threading.Event()

    def probe():
        while not probing.is_set():
            status, seconds, _ = http_call(server.url + "/healthz", timeout=BUDGET_MS / 1000 * 5)
            probes.append((status, seconds))
            time.sleep(0.1)

    # The stalled connections are all open before the payments start (opening thousands at once is a burst of its
    # own); bounded, in case the server refuses some.
    count = 300 if short else 3000
    opened_by = time.monotonic() + 30
    while open_peak.value < count and time.monotonic() < opened_by:
        time.sleep(0.2)
    prober = threading.Thread(target=probe)
    prober.start()
    try:
        # The spike at the rate the short form uses: what is measured is what the stalled connections cost, not the
        # debug build's ceiling.
        scale = "0.1" if short else "0.3"
        result = s.load([server.url], ["--profile", "spike", "--rate", "10", "--duration-scale", scale])
    finally:
        probing.set()
        stop.set()
        prober.join()
        attackers.join()
    s.judge_load(result)
    s.refuse_server_errors(result, "slow clients must not make the server fail payments")
    answered = [seconds for status, seconds in probes if status == 200]
    s.figures["stalled connections held open (peak)"] = open_peak.value
    s.figures["stalled connections closed by the server"] = closed_by_server.value
    s.figures["stalled connections refused or failed to open"] = refused.value
    s.figures["/healthz probes answered"] = f"{len(answered)} of {len(probes)}"
    s.figures["/healthz slowest, s"] = round(max(answered), 3) if answered else None
    if closed_by_server.value == 0:
        s.failures.append("the server closed none of the stalled connections")
    if len(answered) != len(probes):
        s.failures.append(f"{len(probes) - len(answered)} /healthz probes got no 200")
    # A timed check, so only in the long form: shared CI machines are too noisy for it.
    if not short and answered and max(answered) > BUDGET_MS / 1000:
        s.failures.append(f"/healthz took {max(answered):.2f} s, past the {BUDGET_MS} ms budget")


def percentile(values, share):
    """The nearest-rank percentile of `values` (`share` in 0..1), None when there are none."""
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def read_request_body(handler):
    """A request's body, by Content-Length or chunked."""
    if "chunked" in handler.headers.get("Transfer-Encoding", "").lower():
        chunks = []
        while True:
            size = int(handler.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while handler.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            chunks.append(handler.rfile.read(size))
            handler.rfile.readline()
    return handler.rfile.read(int(handler.headers.get("Content-Length") or 0))


class WebhookReceiver:
    """A merchant's webhook endpoint in a thread, on a fixed port so that it can go down (connections refused) and
    come back. It checks every request's signature by hand, answers a share of attempts 500 and a few only after
    the server has stopped waiting, and records the events it acknowledged: a prompt 200 to a correctly signed
    request, the only answer the server may count as delivered."""

    def __init__(self, port, seed, failure_share, stall_share, stall_seconds):
        self.port = port
        self.url = f"http://127.0.0.1:{port}/webhooks"
        self.secret = None
        self.random = random.Random(seed)
        self.failure_share, self.stall_share, self.stall_seconds = failure_share, stall_share, stall_seconds
        self.lock = threading.Lock()
        # Event id -> the times (Unix seconds) it was acknowledged.
        self.acknowledged = {}
        self.counts = {"attempts": 0, "answered 500": 0, "answered after the timeout": 0, "signature failures": 0,
                       "unreadable bodies": 0}
        self.server = None

    def start(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                received = time.time()
                body = read_request_body(self)
                status, stall = receiver.judge(self.headers.get("Stripe-Signature"), body, received)
                if stall:
                    time.sleep(receiver.stall_seconds)
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the server stopped waiting and closed the connection

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        """Closes the listening socket: connections are refused until `start` binds the same port again."""
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def verified(self, header, body, received):
        """Whether `header` is `t=…,v1=…` with an HMAC-SHA256 of "t." + body under the secret, and t is recent."""
        if not header or self.secret is None:
            return False
        pairs = [item.strip().split("=", 1) for item in header.split(",") if "=" in item]
        timestamps = [value for name, value in pairs if name == "t"]
        signatures = [value for name, value in pairs if name == "v1"]
        if len(timestamps) != 1 or not timestamps[0].isdigit() or not signatures:
            return False
        if abs(received - int(timestamps[0])) > SIGNATURE_TOLERANCE_SECONDS:
            return False
        expected = hmac.new(self.secret.encode(), timestamps[0].encode() + b"." + body, hashlib.sha256).hexdigest()
        return any(hmac.compare_digest(expected, signature) for signature in signatures)

    def judge(self, header, body, received):
        """The status to answer a request with and whether to stall first; records an acknowledged event."""
        with self.lock:
            self.counts["attempts"] += 1
            if not self.verified(header, body, received):
                self.counts["signature failures"] += 1
                return 400, False
            try:
                event_id = json.loads(body)["id"]
            except (ValueError, KeyError, TypeError):
                self.counts["unreadable bodies"] += 1
                return 400, False
            roll = self.random.random()
            if roll < self.stall_share:
                self.counts["answered after the timeout"] += 1
                return 200, True
            if roll < self.stall_share + self.failure_share:
                self.counts["answered 500"] += 1
                return 500, False
            self.acknowledged.setdefault(event_id, []).append(received)
            return 200, False


def scenario_webhooks(s, short):
    """Signed webhooks for every event to a receiver that answers 500 to 30% of attempts, stalls past the server's
    timeout on 5% and is down for a stretch, while the server is killed once mid-run: every event arrives."""
    timeout_ms = 500
    server = s.server(["--webhook-timeout-ms", str(timeout_ms), "--webhook-retry-first-ms", "200",
                       "--webhook-retry-max-ms", "2000", "--webhook-poll-ms", "100"])
    receiver = WebhookReceiver(free_port(), s.context.seed, failure_share=0.3, stall_share=0.05,
                               stall_seconds=timeout_ms / 1000 * 2)
    receiver.start()
    try:
        status, endpoint = s.api(server.url, "POST", "/v1/webhook_endpoints",
                                 [("url", receiver.url), ("enabled_events[]", "*")])
        if status != 200 or not str((endpoint or {}).get("secret", "")).startswith("whsec_"):
            s.failures.append(f"POST /v1/webhook_endpoints answered {status}: {endpoint}")
            return
        receiver.secret = endpoint["secret"]
        seconds, down = (10, 3.0) if short else (40, 10.0)
        thread, result = s.load([server.url], steady(seconds, 20 if short else 40), background=True)
        started = time.monotonic()
        # A quarter into the run the receiver goes down (connections refused) for a stretch, then comes back on
        # the same port; later the server is killed and restarted, losing whatever attempts it had in flight.
        time.sleep(seconds / 4)
        receiver.stop()
        time.sleep(down)
        receiver.start()
        time.sleep(max(0.0, started + seconds * 0.6 - time.monotonic()))
        server.kill()
        time.sleep(0.3)
        s.figures["restart to healthy, s"] = round(server.start(), 2)
        thread.join()
        s.judge_load(result)
        s.figures["receiver down, s"] = down
        judge_webhooks(s, receiver, endpoint["id"], 60 if short else 120)
    finally:
        receiver.stop()


def judge_webhooks(s, receiver, endpoint_id, wait_seconds):
    """Waits (bounded) until every event of the account has been acknowledged by the receiver and no delivery is
    pending, then records the figures: a lost event or a bad signature fails the scenario."""
    started = time.monotonic()
    while True:
        events = {event_id: float(created) for event_id, created in s.database.query(
            "SELECT id, extract(epoch FROM created_at) FROM events WHERE account_id = :'account'",
            account=s.account)}
        pending = int(s.database.query(
            "SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = :'endpoint' AND state = 'pending'",
            endpoint=endpoint_id)[0][0])
        with receiver.lock:
            acknowledged = {event_id: list(times) for event_id, times in receiver.acknowledged.items()}
            counts = dict(receiver.counts)
        lost = set(events) - set(acknowledged)
        if (not lost and not pending) or time.monotonic() - started > wait_seconds:
            break
        time.sleep(0.5)
    states = {state: {"deliveries": int(count), "attempts": int(attempts)} for state, count, attempts in
              s.database.query("SELECT state, count(*), coalesce(sum(attempts), 0) FROM webhook_deliveries "
                               "WHERE endpoint_id = :'endpoint' GROUP BY state", endpoint=endpoint_id)}
    lags = [min(acknowledged[event_id]) - created for event_id, created in events.items() if event_id in acknowledged]
    strangers = set(acknowledged) - set(events)
    duplicates = sum(1 for times in acknowledged.values() if len(times) > 1)
    s.figures.update({
        "events": len(events),
        "deliveries received": sum(len(times) for times in acknowledged.values()),
        "duplicates (received more than once)": duplicates,
        "lost (never received)": len(lost),
        "signature failures": counts["signature failures"],
        "lag p50, s": round(percentile(lags, 0.5), 3) if lags else None,
        "lag p99, s": round(percentile(lags, 0.99), 3) if lags else None,
        "receiver attempts": counts["attempts"],
        "receiver answered 500": counts["answered 500"],
        "receiver answered after the timeout": counts["answered after the timeout"],
        "deliveries by state (server)": states,
        "deliveries still pending": pending,
        "seconds waited after the traffic": round(time.monotonic() - started, 1),
    })
    if not events:
        s.failures.append("the account has no events: nothing was written to deliver")
    if lost:
        s.failures.append(f"{len(lost)} events never reached the receiver within {wait_seconds} s after the "
                          f"traffic, e.g. {sorted(lost)[0]}")
    if counts["signature failures"]:
        s.failures.append(f"{counts['signature failures']} attempts failed the signature check")
    if counts["unreadable bodies"]:
        s.failures.append(f"{counts['unreadable bodies']} correctly signed bodies were not an event's JSON")
    if strangers:
        s.failures.append(f"{len(strangers)} events received are not the account's, e.g. {sorted(strangers)[0]}")


SCENARIOS = {
    "spike": scenario_spike,
    "server-kill": scenario_server_kill,
    "payment-intents": scenario_payment_intents,
    "postgres-restart": scenario_postgres_restart,
    "two-instances": scenario_two_instances,
    "injected-faults": scenario_injected_faults,
    "slow-processor": scenario_slow_processor,
    "graceful-shutdown": scenario_graceful_shutdown,
    "fault-exits": scenario_fault_exits,
    "slow-clients": scenario_slow_clients,
    "webhooks": scenario_webhooks,
}


class Context:
    def __init__(self, binaries, seed):
        self.binaries = binaries
        self.seed = seed
        self.database = Database(DATABASE)
        self.database.migrate(binaries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="the short form make test runs")
    parser.add_argument("--only", action="append", choices=sorted(SCENARIOS), help="run only these scenarios")
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build", "debug"), help="where paisa and paisa-load are")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", help="write every scenario's figures to this file")
    arguments = parser.parse_args()
    os.makedirs(STATE, exist_ok=True)
    context = Context(arguments.bin, arguments.seed)
    outcomes = []
    for name in arguments.only or list(SCENARIOS):
        log(f"scenario {name}: {SCENARIOS[name].__doc__}")
        scenario = Scenario(name, context)
        started = time.monotonic()
        try:
            SCENARIOS[name](scenario, arguments.short)
            if "skipped" not in scenario.figures:
                scenario.check_database()
        except Exception as error:  # a broken scenario is a failed one, with its reason
            scenario.failures.append(f"the scenario itself failed: {error!r}")
        finally:
            scenario.close()
        scenario.figures["seconds"] = round(time.monotonic() - started, 1)
        for key, value in scenario.figures.items():
            log(f"  {key}: {value}")
        for failure in scenario.failures:
            log(f"  FAILED: {failure}")
        log(f"  -> {'failed' if scenario.failures else 'passed'}")
        outcomes.append({"scenario": name, "passed": not scenario.failures, "figures": scenario.figures,
                         "failures": scenario.failures})
    if arguments.json:
        with open(arguments.json, "w") as out:
            json.dump({"short": arguments.short, "scenarios": outcomes}, out, indent=2, default=str)
    failed = [o["scenario"] for o in outcomes if not o["passed"]]
    log(f"scenarios: {len(outcomes) - len(failed)} passed, {len(failed)} failed" +
        (f" ({', '.join(failed)})" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
