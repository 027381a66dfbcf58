#!/usr/bin/env python3
"""The benchmark: charges per second end to end over HTTP, against PostgreSQL's own commit rate.

On one machine, in one run:
  1. pgbench TPC-B (scale 10, 16 clients, 2 threads) against the same PostgreSQL: the reference, the rate at
     which this disk and this server commit small write transactions;
  2. paisa-load at increasing rates of POST /v1/charges (card payments, fresh keys, no audit) to find the
     highest rate Paisa sustains with p99 under the budget, no errors and the load offered on time;
  3. half that rate, for the latency of a comfortably loaded server;
  4. the spike profile from 10% to 100% of that rate, with retries, duplicates and the exactly-once audit.
It writes a JSON report and a Markdown table (docs/bench/latest.json and latest.md by default) with the
ratio charges/s / pgbench tps, p50/p99/p99.9 per stage, the server's CPU and peak memory, and the commands.

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
# The server's environment beyond the database URL: glibc's malloc keeps one arena per thread that allocated, and
# the pool of event-loop and task threads otherwise holds far more memory than the live data needs.
SERVER_ENVIRONMENT = {"MALLOC_ARENA_MAX": "2"}
# The overload phase: a server with this in-flight cap, offered this multiple of the maximum rate, so that it
# sheds; how fast it answers the requests it sheds is read from its own histogram.
SHED_IN_FLIGHT_MAX = 32
SHED_OVERLOAD = 1.5
SHED_GOAL_SECONDS = 0.05
# The traffic of the rate search: card charges, each with a fresh key and no deliberate repeats, no audit.
CARDS_ONLY = ["--mix", "card=100", "--retry-share", "0", "--duplicate-share", "0", "--no-audit"]
# Requests in flight the generator allows: far above what a sustainable rate needs.
IN_FLIGHT_MAX = 512


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
        self.runs = 0

    def load(self, name, schedule, extra=()):
        """One paisa-load run; returns its report plus the server's CPU over the run."""
        self.runs += 1
        cpu_before = self.server.cpu_seconds()
        status, stderr, report, command = paisa_load(
            self.arguments.bin, [self.server.url], self.key, os.path.join(STATE, f"{self.runs:02d}-{name}.json"),
            [*schedule, "--max-in-flight", str(IN_FLIGHT_MAX), "--seed", "1", *extra])
        cpu = self.server.cpu_seconds() - cpu_before
        if report is None:
            raise HarnessError(f"paisa-load wrote no report for {name} (exit {status}): {stderr}")
        report["serverCoresUsed"] = round(cpu / max(report["generator"]["wallSeconds"], 0.001), 2)
        report["command"] = command
        report["exit"] = status
        return report

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
            "generatorCores": round(report["generator"]["coresUsed"], 2),
            "audit": audit.get("verdict"), "auditCounts": {k: v for k, v in audit.get("counts", {}).items() if v},
            "command": report["command"]}


def markdown(result):
    rows = ["| run | stage | offered/s | answered/s | p50 ms | p99 ms | p99.9 ms | max ms | errors | late |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]

    def add(name, run_summary):
        for p in [run_summary["overall"]] + run_summary["stages"]:
            rows.append(f"| {name} | {p['name']} | {p['offered']} | {p['answered']} | {p['p50']} | {p['p99']} | "
                        f"{p['p999']} | {p['max']} | {p['errors']} | {p['late']} |")

    best = result["maximum"]["best"]
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
