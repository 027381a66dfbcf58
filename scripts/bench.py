#!/usr/bin/env python3
"""The benchmark: charges per second end to end over HTTP, against PostgreSQL's own commit rate.

On one machine, in one run:
  1. pgbench TPC-B (scale 10, 16 clients, 2 threads) against the same PostgreSQL: the reference, the rate at
     which this disk and this server commit small write transactions;
  2. paisa-load at increasing rates of POST /v1/charges (card payments, fresh keys, no audit) to find the
     highest rate Paisa sustains with p99 under the budget, no errors and the load offered on time;
  3. half that rate, for the latency of a comfortably loaded server;
  4. the spike profile from 10% to 100% of that rate, with retries, duplicates and the exactly-once audit.
  5. a run at half the maximum that looks inside: the statements PostgreSQL ran for it (pg_stat_statements), a
     CPU profile of the server (perf record) and the server's allocations (a perf probe on malloc), each in a run
     of its own so that one measurement does not slow another.
Every run also reads what its work cost per payment: CPU of the server, of PostgreSQL (every process of its
cluster) and of the generator, transactions that wrote (transaction ids assigned), statements, WAL bytes.
It writes a JSON report and a Markdown table (docs/bench/latest.json and latest.md by default) with the
ratio charges/s / pgbench tps, p50/p99/p99.9 per stage, the costs, the server's peak memory, and the commands.
The server runs with the environment a user's `paisa serve` gets: it arranges its own allocator settings.

    scripts/bench.py [--bin .build/release] [--out docs/bench] [--seconds 15] [--without-events]

--without-events turns the event triggers off for the run (and back on after it): the same build without the
writes that events add to every charge, to price them. It writes its report as without-events.md and .json.
"""

import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import time

from harness import BUDGET_MS, ROOT, Database, HarnessError, Server, log, paisa_load, pg_tool, run, steady

STATE = os.path.join(ROOT, ".paisa", "bench")
DATABASE = "paisa_bench"
PGBENCH_SCALE = 10
PGBENCH_CLIENTS = 16
PGBENCH_THREADS = 2
# Where the rate search starts, and how it grows until a step fails.
RATE_START = 200
RATE_GROWTH = 1.4
# Steps of the rate search at most (the growth plus the refinement after the first failure).
SEARCH_STEPS_MAX = 12
# The refinement stops when the last passing and first failing rate are this close.
SEARCH_RESOLUTION = 0.06
# A step passes with p99 under this, no errors, and (nearly) every arrival sent on time.
STEP_P99_MS_MAX = BUDGET_MS
STEP_LATE_SHARE_MAX = 0.01
# The triggers that write an event with every change of a charge or refund (sql/006).
EVENT_TRIGGERS = [("charges", "charges_events"), ("refunds", "refunds_events")]
# The server's environment beyond the database URL: none, as a user runs it (`paisa serve` sets its allocator's
# arenas itself, Sources/Paisa/Allocator.swift).
SERVER_ENVIRONMENT = {}
# The overload phase: a server with this in-flight cap, offered this multiple of the maximum rate, so that it
# sheds; how fast it answers the requests it sheds is read from its own histogram.
SHED_IN_FLIGHT_MAX = 32
SHED_OVERLOAD = 1.5
SHED_GOAL_SECONDS = 0.05
# The traffic of the rate search: card charges, each with a fresh key and no deliberate repeats, no audit.
CARDS_ONLY = ["--mix", "card=100", "--retry-share", "0", "--duplicate-share", "0", "--no-audit"]
# Requests in flight the generator allows: far above what a sustainable rate needs.
IN_FLIGHT_MAX = 512
# The looks inside: each run this long, the profile sampled at this frequency, this many of its top symbols and
# statements kept, symbols under this share of the samples left out.
ANATOMY_SECONDS = 10
PROFILE_HZ = 499
PROFILE_TOP = 25
PROFILE_PERCENT_MIN = 0.4
STATEMENTS_TOP = 12
# Counters of the work PostgreSQL did: transaction ids assigned (one per transaction that wrote) and WAL written;
# statements run, from pg_stat_statements, which `scripts/db.sh` loads.
COUNTERS_SQL = "SELECT pg_current_xact_id()::text, (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint::text"
STATEMENTS_SQL = """
SELECT queryid, calls, total_exec_time, regexp_replace(left(query, 200), '\\s+', ' ', 'g')
FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
"""


def pgbench(database, seconds):
    pgbench_path = pg_tool("pgbench")
    initialize = [pgbench_path, "-i", "-q", "-s", str(PGBENCH_SCALE), database.url]
    measure = [pgbench_path, "-n", "-c", str(PGBENCH_CLIENTS), "-j", str(PGBENCH_THREADS), "-T", str(seconds),
               database.url]
    subprocess.run(initialize, check=True, capture_output=True)
    output = run(measure)
    tps = float(re.search(r"tps = ([0-9.]+) \(without initial connection time\)", output).group(1))
    latency = float(re.search(r"latency average = ([0-9.]+) ms", output).group(1))
    def shown(command):
        return " ".join(["pgbench", *command[1:]]).replace(database.url, "$DATABASE_URL")
    return {"tps": round(tps, 1), "latency_avg_ms": latency, "commands": [shown(initialize), shown(measure)]}


class Bench:
    def __init__(self, arguments):
        self.arguments = arguments
        self.database = Database(DATABASE)
        self.database.migrate(arguments.bin)
        _, self.key = self.database.new_key(arguments.bin, "bench")
        self.server = Server(arguments.bin, self.database, "bench-server", STATE, environment=SERVER_ENVIRONMENT)
        self.statements_tracked = self.track_statements()
        self.runs = 0

    def load(self, name, schedule, extra=()):
        """One paisa-load run; returns its report plus the server's CPU over the run."""
        self.runs += 1
        before = self.counters()
        status, stderr, report, command = paisa_load(
            self.arguments.bin, [self.server.url], self.key, os.path.join(STATE, f"{self.runs:02d}-{name}.json"),
            [*schedule, "--max-in-flight", str(IN_FLIGHT_MAX), "--seed", "1", *extra])
        after = self.counters()
        if report is None:
            raise HarnessError(f"paisa-load wrote no report for {name} (exit {status}): {stderr}")
        cpu = after["server"] - before["server"]
        report["serverCoresUsed"] = round(cpu / max(report["generator"]["wallSeconds"], 0.001), 2)
        report["costs"] = costs(before, after, report)
        report["command"] = command
        report["exit"] = status
        return report

    def counters(self):
        """The running totals that a run's costs are the difference of."""
        xid, wal = self.database.query(COUNTERS_SQL)[0]
        statements = None
        if self.statements_tracked:
            statements = sum(int(row[1]) for row in self.database.query(STATEMENTS_SQL))
        return {"server": self.server.cpu_seconds(), "postgres": self.database.cluster_cpu_seconds(),
                "xid": int(xid), "wal": int(wal), "statements": statements}

    def track_statements(self):
        """Loads pg_stat_statements in the bench database; restarts the embedded cluster once if it was started
        before `scripts/db.sh` preloaded the module. False when it cannot be had (another server's settings)."""
        def loaded():
            return "pg_stat_statements" in self.database.query("SHOW shared_preload_libraries")[0][0]
        if not loaded() and self.database.embedded:
            log("Restarting the embedded PostgreSQL to load pg_stat_statements …")
            self.database.stop("fast")
            self.database.start()
        if not loaded():
            log("pg_stat_statements is not loaded by this PostgreSQL: statements are not counted.")
            return False
        self.database.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        return True

    def statements_by_query(self):
        return {row[0]: (int(row[1]), float(row[2]), row[3]) for row in self.database.query(STATEMENTS_SQL)}

    def anatomy(self, rate):
        """Runs at `rate` that look inside the server and the database: the statements of one run, the server's
        CPU profile over another, its mallocs over a third."""
        result = {"rate": rate}
        seconds = ANATOMY_SECONDS
        log(f"Inside a run at {rate}/s: statements, a CPU profile, allocations …")
        before = self.statements_by_query() if self.statements_tracked else None
        report = self.load("anatomy-statements", steady(seconds, rate), CARDS_ONLY)
        if before is not None:
            result["statements"] = top_statements(before, self.statements_by_query(), report["overall"]["finished"])
        profile_path = os.path.join(STATE, "server.perf")
        recorder, reason = perf(["record", "-F", str(PROFILE_HZ), "-o", profile_path, "-p", str(self.server.process.pid),
                                 "--", "sleep", str(seconds)])
        self.load("anatomy-profile", steady(seconds, rate), CARDS_ONLY)
        result["profile"] = read_profile(recorder, profile_path) if recorder else {"unavailable": reason}
        counter, reason = malloc_counter(self.server.process.pid, seconds)
        report = self.load("anatomy-allocations", steady(seconds, rate), CARDS_ONLY)
        if counter:
            _, errors = counter.communicate()
            mallocs = next((int(line.split(",")[0]) for line in errors.splitlines()
                            if "probe_libc:malloc" in line and line.split(",")[0].isdigit()), None)
            requests = report["overall"]["attempts"]
            result["mallocsPerRequest"] = round(mallocs / requests) if mallocs is not None and requests else None
        else:
            result["mallocsPerRequest"] = None
            result["mallocsUnavailable"] = reason
        return result

    def overload(self, maximum):
        """Offers more than the maximum to a server with a small in-flight cap; returns how fast it shed."""
        rate = int(maximum * SHED_OVERLOAD)
        log(f"Overload: {rate}/s against --in-flight-max {SHED_IN_FLIGHT_MAX} …")
        self.server = Server(self.arguments.bin, self.database, "bench-shedding", STATE,
                             extra=["--in-flight-max", str(SHED_IN_FLIGHT_MAX)], environment=SERVER_ENVIRONMENT)
        self.server.start()
        report = self.load("overload", steady(self.arguments.seconds, rate), [*CARDS_ONLY, "--attempts", "1"])
        buckets = self.server.histogram("paisa_http_shed_duration_seconds", 'reason="overloaded"')
        total = buckets[-1][1] if buckets else 0
        within = next((count for bound, count in buckets if bound >= SHED_GOAL_SECONDS), total)
        p99 = next((bound for bound, count in buckets if total and count >= 0.99 * total), None)
        return {"offered": rate, "inFlightMax": SHED_IN_FLIGHT_MAX, "shed": total,
                "shareWithin50ms": round(within / total, 4) if total else None,
                "p99UpperBoundSeconds": p99, "answered": round(report["overall"]["achievedRate"], 1),
                "attempts": report["attempts"]["classes"], "command": report["command"]}

    def step(self, rate):
        """A steady run at `rate`: card charges only, fresh keys, no retries, no audit."""
        report = self.load(f"step-{rate}", steady(self.arguments.seconds, rate), CARDS_ONLY)
        overall = report["overall"]
        late = (overall["late"] + overall["dropped"]) / max(overall["scheduled"], 1)
        passed = (overall["latency"]["p99"] < STEP_P99_MS_MAX and overall["errors"] == 0
                  and late <= STEP_LATE_SHARE_MAX and report["generator"]["keptUp"])
        log(f"  {rate}/s offered: {overall['achievedRate']:.0f}/s answered, p99 {overall['latency']['p99']:.1f} ms, "
            f"errors {overall['errors']}, late {late:.1%}, server {report['serverCoresUsed']} cores, "
            f"generator {report['generator']['coresUsed']:.2f} cores -> {'ok' if passed else 'over'}")
        return passed, report

    def find_maximum(self):
        """Grows the rate until a step fails, then bisects between the last pass and the first failure."""
        steps, best, best_summary, low, high, rate = [], None, None, None, None, RATE_START
        for _ in range(SEARCH_STEPS_MAX):
            passed, report = self.step(rate)
            steps.append(summary(report, f"{rate}/s", passed))
            if passed:
                low, best, best_summary = rate, report, steps[-1]
            else:
                high = rate
            if high is None:
                rate = int(rate * RATE_GROWTH)
            elif low is None:
                rate = int(rate / RATE_GROWTH)
            elif (high - low) / high > SEARCH_RESOLUTION:
                rate = (low + high) // 2
            else:
                break
        return best, best_summary, steps

    def events(self, enabled):
        """Turns the event triggers on or off."""
        action = "ENABLE" if enabled else "DISABLE"
        self.database.query("".join(f"ALTER TABLE {table} {action} TRIGGER {trigger};\n"
                                    for table, trigger in EVENT_TRIGGERS))

    def main(self):
        if self.arguments.without_events:
            log("Event triggers off for this run: the charge path without its events.")
            self.events(False)
        try:
            return self.measure()
        finally:
            if self.arguments.without_events:
                self.events(True)

    def measure(self):
        os.makedirs(STATE, exist_ok=True)
        log(f"pgbench TPC-B, scale {PGBENCH_SCALE}, {PGBENCH_CLIENTS} clients, {self.arguments.seconds} s …")
        reference = pgbench(self.database, self.arguments.seconds)
        log(f"  {reference['tps']} tps")
        self.server.start()
        try:
            log("Searching the highest sustainable rate of POST /v1/charges …")
            best, best_summary, steps = self.find_maximum()
            if best is None:
                raise SystemExit("no rate passed; see the step reports in " + STATE)
            maximum = best["overall"]["achievedRate"]
            half_rate = max(int(maximum / 2), 1)
            log(f"Half the maximum, {half_rate}/s …")
            half = self.load("half", steady(self.arguments.seconds, half_rate), CARDS_ONLY)
            inside = self.anatomy(half_rate)
            search_peak_rss = self.server.peak_rss_mb()
            # A fresh server for the spike, so its peak memory is the spike's, not the rate search's overloads.
            self.server.stop()
            self.server.start()
            spike_base = max(int(maximum / 10), 1)
            log(f"Spike from {spike_base}/s to {spike_base * 10}/s with retries, duplicates and the audit …")
            spike = self.load("spike", ["--profile", "spike", "--rate", str(spike_base),
                                        "--duration-scale", str(self.arguments.spike_scale)],
                              ["--mix", "card=90,decline=10", "--html", os.path.join(STATE, "spike.html")])
            peak_rss = self.server.peak_rss_mb()
            shed = self.server.metric("paisa_http_requests_shed_total")
            self.server.stop()
            shedding = self.overload(maximum)
        finally:
            self.server.stop()
        result = {
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "machine": {"cores": os.cpu_count(), "kernel": platform.release(),
                        "postgres": run([pg_tool("postgres"), "--version"])},
            "build": self.arguments.bin.replace(ROOT + os.sep, ""),
            "serverEnvironment": SERVER_ENVIRONMENT,
            "pgbench": reference,
            "maximum": {"chargesPerSecond": round(maximum, 1),
                        "ratioToPgbench": round(maximum / reference["tps"], 2), "best": best_summary,
                        "search": steps},
            "half": summary(half, f"{half_rate}/s", None),
            "inside": inside,
            "spike": summary(spike, f"{spike_base}/s -> {spike_base * 10}/s", spike["exit"] == 0),
            "shedding": shedding,
            "server": {"peakRssMB": round(peak_rss, 1) if peak_rss else None,
                       "peakRssDuringSearchMB": round(search_peak_rss, 1) if search_peak_rss else None,
                       "shedRequests": shed},
            "eventsWritten": not self.arguments.without_events,
            "command": "scripts/bench.py --without-events" if self.arguments.without_events else "make bench",
        }
        os.makedirs(self.arguments.out, exist_ok=True)
        name = "without-events" if self.arguments.without_events else "latest"
        with open(os.path.join(self.arguments.out, f"{name}.json"), "w") as out:
            json.dump(result, out, indent=2)
        report = markdown(result)
        with open(os.path.join(self.arguments.out, f"{name}.md"), "w") as out:
            out.write(report)
        log(report)
        return 0


def costs(before, after, report):
    """What each payment of a run cost, from the counters read before and after it (the reading itself assigns one
    transaction id, taken off)."""
    payments = max(report["overall"]["finished"], 1)

    def change(name):
        """How far counter `name` moved over the run; None when either reading has none."""
        if before[name] is None or after[name] is None:
            return None
        return after[name] - before[name]

    def per_payment(value, scale=1.0, digits=3):
        return round(value * scale / payments, digits) if value is not None else None

    return {"payments": payments,
            "serverCpuMs": per_payment(change("server"), 1000),
            "postgresCpuMs": per_payment(change("postgres"), 1000),
            "generatorCpuMs": per_payment(report["generator"]["cpuSeconds"], 1000),
            "writeTransactions": per_payment(change("xid") - 1, digits=2),
            "statements": per_payment(change("statements"), digits=2),
            "walBytes": per_payment(change("wal"), digits=0)}


def top_statements(before, after, payments):
    """The statements of a run, heaviest first: calls and milliseconds per payment, and the text."""
    rows = []
    for queryid, (calls, total_ms, text) in after.items():
        calls_before, ms_before, _ = before.get(queryid, (0, 0.0, text))
        if calls > calls_before:
            rows.append({"callsPerPayment": round((calls - calls_before) / max(payments, 1), 2),
                         "msPerPayment": round((total_ms - ms_before) / max(payments, 1), 4), "query": text})
    rows.sort(key=lambda row: row["msPerPayment"], reverse=True)
    return {"payments": payments, "statementsPerPayment": round(sum(r["callsPerPayment"] for r in rows), 2),
            "top": rows[:STATEMENTS_TOP]}


def perf(arguments):
    """Starts `perf` with `arguments`; (process, None), or (None, why not)."""
    try:
        process = subprocess.Popen(["perf", *arguments], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    except OSError as error:
        return None, f"perf cannot run: {error}"
    time.sleep(0.5)
    if process.poll() is not None and process.returncode != 0:
        return None, "perf refused: " + process.stderr.read().strip().splitlines()[-1]
    return process, None


def read_profile(recorder, path):
    """The recorded profile's share of samples per object and its top symbols, Swift names demangled."""
    recorder.wait()
    if recorder.returncode != 0:
        return {"unavailable": "perf record failed: " + recorder.stderr.read().strip()[-200:]}

    def report(sort):
        output = run(["perf", "report", "-i", path, "--stdio", "--no-children", "--sort", sort, "-q",
                      "--percent-limit", str(PROFILE_PERCENT_MIN)])
        try:
            output = run(["swift", "demangle", "--simplified"], input=output)
        except (OSError, subprocess.CalledProcessError):
            pass
        rows = []
        for line in output.splitlines():
            match = re.match(r"([0-9.]+)%\s+(\S+)(?:\s+\[.\]\s+(.*))?$", line.strip())
            if match:
                rows.append({"percent": float(match.group(1)), "object": match.group(2),
                             "symbol": (match.group(3) or "").strip()[:160]})
        return rows

    return {"hz": PROFILE_HZ, "byObject": report("dso"), "top": report("dso,sym")[:PROFILE_TOP]}


def malloc_counter(pid, seconds):
    """Counts the server's calls of malloc for `seconds` with a perf probe on the C library it runs with;
    (process, None), or (None, why not)."""
    with open(f"/proc/{pid}/maps") as maps:
        libc = next((line.split()[-1] for line in maps if re.search(r"/libc\.so\.6$", line.strip())), None)
    if libc is None:
        return None, "the server's C library was not found"
    listed = subprocess.run(["perf", "probe", "-l"], text=True, capture_output=True)
    if "probe_libc:malloc" not in listed.stdout:
        added = subprocess.run(["perf", "probe", "-x", libc, "malloc"], text=True, capture_output=True)
        if added.returncode != 0:
            return None, "perf probe refused: " + (added.stderr.strip().splitlines() or ["?"])[-1]
    return perf(["stat", "-x", ",", "-e", "probe_libc:malloc", "-p", str(pid), "--", "sleep", str(seconds)])


def summary(report, label, passed):
    """The figures of one run that the report keeps."""
    def phase(p):
        return {"name": p["name"], "offered": round(p["offeredRate"], 1), "answered": round(p["achievedRate"], 1),
                "p50": round(p["latency"]["p50"], 1), "p99": round(p["latency"]["p99"], 1),
                "p999": round(p["latency"]["p999"], 1), "max": round(p["latency"]["max"], 1),
                "uncorrectedP99": round(p["uncorrected"]["p99"], 1), "errors": p["errors"],
                "late": p["late"] + p["dropped"]}
    audit = report.get("audit") or {}
    return {"label": label, "passed": passed, "overall": phase(report["overall"]),
            "stages": [phase(p) for p in report["stagePhases"]] if len(report["stagePhases"]) > 1 else [],
            "attempts": report["attempts"]["classes"], "serverCores": report["serverCoresUsed"],
            "generatorCores": round(report["generator"]["coresUsed"], 2), "costs": report["costs"],
            "audit": audit.get("verdict"), "auditCounts": {k: v for k, v in audit.get("counts", {}).items() if v},
            "command": report["command"]}


def markdown(result):
    rows = ["| run | stage | offered/s | answered/s | p50 ms | p99 ms | p99.9 ms | max ms | errors | late |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]

    def add(name, run_summary):
        for p in [run_summary["overall"]] + run_summary["stages"]:
            rows.append(f"| {name} | {p['name']} | {p['offered']} | {p['answered']} | {p['p50']} | {p['p99']} | "
                        f"{p['p999']} | {p['max']} | {p['errors']} | {p['late']} |")

    cost_rows = ["| run | server CPU ms | PostgreSQL CPU ms | generator CPU ms | write transactions | statements | "
                 "WAL bytes |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]

    def add_costs(name, run_summary):
        c = run_summary["costs"]
        cost_rows.append(f"| {name} | {c['serverCpuMs']} | {c['postgresCpuMs']} | {c['generatorCpuMs']} | "
                         f"{c['writeTransactions']} | {c['statements']} | {c['walBytes']} |")

    best = result["maximum"]["best"]
    for step in result["maximum"]["search"]:
        add_costs(f"search {step['label']} ({'ok' if step['passed'] else 'over'})", step)
    add_costs(f"half ({result['half']['label']})", result["half"])
    add_costs(f"spike ({result['spike']['label']})", result["spike"])
    add(f"maximum ({best['label']})", best)
    add(f"half ({result['half']['label']})", result["half"])
    add(f"spike ({result['spike']['label']})", result["spike"])
    search = ", ".join(f"{s['label']} {'ok' if s['passed'] else 'over'} (p99 {s['overall']['p99']} ms)"
                       for s in result["maximum"]["search"])
    spike = result["spike"]
    lines = [
        "# Benchmark: charges per second against PostgreSQL's commit rate",
        "",
        f"Run {result['date']} on {result['machine']['cores']} cores, {result['machine']['postgres']}, "
        f"build `{result['build']}`, server environment {result['serverEnvironment']}. "
        f"Reproduce with `{result['command']}`.",
        "",
        "Events: " + ("written with every charge (the triggers of sql/006)." if result.get("eventsWritten", True)
                      else "**not written**: the event triggers were off for this run, to price them."),
        "",
        f"- pgbench TPC-B (scale {PGBENCH_SCALE}, {PGBENCH_CLIENTS} clients): **{result['pgbench']['tps']} tps**",
        f"- Paisa, highest sustainable rate of `POST /v1/charges` (p99 < {STEP_P99_MS_MAX} ms, no errors, "
        f"≤ {STEP_LATE_SHARE_MAX:.0%} late): **{result['maximum']['chargesPerSecond']} charges/s**, "
        f"ratio **{result['maximum']['ratioToPgbench']}** × pgbench",
        f"- Half that rate: p99 **{result['half']['overall']['p99']} ms**",
        f"- Spike: p99.9 **{spike['overall']['p999']} ms**, max {spike['overall']['max']} ms, "
        f"errors {spike['overall']['errors']}, audit **{spike['audit']}** {spike['auditCounts'] or ''}",
        f"- Server: peak RSS during the spike **{result['server']['peakRssMB']} MB** (during the rate search, with "
        f"its overloaded steps: {result['server']['peakRssDuringSearchMB']} MB), shed requests in the spike "
        f"{result['server']['shedRequests']}; "
        f"cores used at the maximum {best['serverCores']} (generator {best['generatorCores']})",
        f"- Shedding: {result['shedding']['offered']}/s against `--in-flight-max {result['shedding']['inFlightMax']}`: "
        f"{result['shedding']['shed']} requests shed with 503, "
        f"**{(result['shedding']['shareWithin50ms'] or 0):.1%} of them within 50 ms** of arrival "
        f"(p99 ≤ {result['shedding']['p99UpperBoundSeconds']} s, from the server's histogram)",
        "",
        *rows,
        "",
        f"Rate search: {search}.",
        "",
        "## What a payment costs",
        "",
        "Per payment (a charge request, or in the spike a payment with its retries), from counters read before and "
        "after each run: CPU of the server, of PostgreSQL (every process of its cluster) and of paisa-load; "
        "transactions that wrote (transaction ids assigned), statements (pg_stat_statements), WAL bytes.",
        "",
        *cost_rows,
        "",
        *inside_lines(result["inside"]),
        "Commands (the key and database URL elided):",
        "",
        *[f"    {command}" for command in result["pgbench"]["commands"]],
        f"    {best['command']}",
        f"    {result['half']['command']}",
        f"    {spike['command']}",
        f"    {result['shedding']['command']}",
        "",
    ]
    return "\n".join(lines)


def inside_lines(inside):
    """The Markdown of the runs that look inside: statements, profile, allocations."""
    lines = [f"## Inside a run at {inside['rate']}/s", ""]
    statements = inside.get("statements")
    if statements:
        lines += [f"Statements: **{statements['statementsPerPayment']} per payment**; the heaviest "
                  "(pg_stat_statements, execution time only):", "",
                  "| calls per payment | ms per payment | statement |", "| ---: | ---: | --- |"]
        lines += [f"| {row['callsPerPayment']} | {row['msPerPayment']} | `{row['query'].replace('|', '/')}` |"
                  for row in statements["top"]]
        lines.append("")
    else:
        lines += ["Statements: not counted (pg_stat_statements is not loaded).", ""]
    profile = inside.get("profile", {})
    if "unavailable" in profile:
        lines += [f"Profile: not taken ({profile['unavailable']}).", ""]
    else:
        objects = ", ".join(f"{row['object']} {row['percent']}%" for row in profile["byObject"])
        lines += [f"Profile of the server (perf record at {profile['hz']} Hz, self time): by object {objects}.", "",
                  "| share | object | symbol |", "| ---: | --- | --- |"]
        lines += [f"| {row['percent']}% | {row['object']} | `{row['symbol'].replace('|', '/')}` |"
                  for row in profile["top"]]
        lines.append("")
    if inside.get("mallocsPerRequest") is not None:
        lines += [f"Allocations: **{inside['mallocsPerRequest']} calls of malloc per request** in the server "
                  "(a perf probe on the C library's malloc).", ""]
    else:
        lines += [f"Allocations: not counted ({inside.get('mallocsUnavailable')}).", ""]
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build", "release"), help="where paisa and paisa-load are")
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "bench"), help="where the report goes")
    parser.add_argument("--seconds", type=int, default=15, help="length of pgbench and of each rate step")
    parser.add_argument("--spike-scale", type=float, default=0.3, help="paisa-load --duration-scale for the spike")
    parser.add_argument("--without-events", action="store_true",
                        help="turn the event triggers off for the run, to price what events cost a charge")
    return Bench(parser.parse_args()).main()


if __name__ == "__main__":
    sys.exit(main())
