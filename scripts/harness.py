"""What the fault scenarios and the benchmark share: processes, ports, the database and HTTP calls."""

import functools
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DB_SCRIPT = os.path.join(ROOT, "scripts", "db.sh")
# The server's request budget; the completer resumes a key once its lease (budget + 1 s) has expired.
BUDGET_MS = 2000
# How long a server may take to answer /healthz after it was started.
START_SECONDS_MAX = 30


def log(message):
    print(message, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(command, **kwargs):
    return subprocess.run(command, check=True, text=True, capture_output=True, **kwargs).stdout.strip()


class HarnessError(Exception):
    """Something the harness needs did not happen (a server that would not start); fails the run, not Python."""


@functools.lru_cache(maxsize=None)
def pg_tool(name):
    """The path of a PostgreSQL program (psql, pgbench, postgres) of the installed server."""
    return os.path.join(run(["pg_config", "--bindir"]), name)


class Database:
    """A database for a harness: its URL, psql access, and (for the embedded cluster) stop and start."""

    def __init__(self, name):
        self.embedded = not os.environ.get("DATABASE_URL")
        if self.embedded:
            self.url = run([DB_SCRIPT, "url", name])
        else:
            self.url = os.environ["DATABASE_URL"]

    @property
    def env(self):
        """The environment of a `paisa` command on this database."""
        return dict(os.environ, DATABASE_URL=self.url)

    def migrate(self, binaries):
        run([os.path.join(binaries, "paisa"), "migrate"], env=self.env)

    def new_key(self, binaries, name):
        """A fresh account named `name` and a secret key for it: (account id, key)."""
        paisa = os.path.join(binaries, "paisa")
        account = run([paisa, "accounts", "create", "--name", name], env=self.env)
        return account, run([paisa, "keys", "create", "--account", account], env=self.env)

    def query(self, sql, **variables):
        """Rows of `sql` as lists of strings; `:'name'` in it is the quoted value of variable `name`."""
        command = [pg_tool("psql"), self.url, "-X", "-q", "-t", "-A", "-F", "\t", "-v", "ON_ERROR_STOP=1"]
        for name, value in variables.items():
            command += ["-v", f"{name}={value}"]
        out = run(command + ["-f", "-"], input=sql)
        return [line.split("\t") for line in out.splitlines() if line]

    def stop(self, mode):
        run([DB_SCRIPT, "stop", mode])

    def start(self):
        run([DB_SCRIPT, "up"])

    def cluster_cpu_seconds(self):
        """CPU used so far by the PostgreSQL cluster that serves this database: its postmaster, every process it runs
        now, and its children that have exited; None when the cluster runs on another machine."""
        data = self.query("SELECT current_setting('data_directory')")[0][0]
        try:
            with open(os.path.join(data, "postmaster.pid")) as pid_file:
                postmaster = process_times(int(pid_file.readline()))
        except (OSError, ValueError):
            return None
        if postmaster is None:
            return None
        total = postmaster["own"] + postmaster["children"]
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                times = process_times(int(entry))
                if times and times["ppid"] == postmaster["pid"]:
                    total += times["own"]
        return total


def process_times(pid):
    """A process's parent and CPU seconds from /proc/PID/stat: its own (user + system) and its waited-for
    children's; None once it has gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    tick = os.sysconf("SC_CLK_TCK")
    return {"pid": pid, "ppid": int(fields[1]), "own": (int(fields[11]) + int(fields[12])) / tick,
            "children": (int(fields[13]) + int(fields[14])) / tick}


class Server:
    """One `paisa serve` process on a free port, logging to `name`-N.log in `state`."""

    def __init__(self, binaries, database, name, state, extra=(), environment=None, budget_ms=BUDGET_MS):
        self.binaries = binaries
        self.environment = environment or {}
        self.state = state
        self.database = database
        self.name = name
        self.extra = list(extra)
        self.budget_ms = budget_ms
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.starts = 0

    def start(self):
        self.starts += 1
        log_path = os.path.join(self.state, f"{self.name}-{self.starts}.log")
        command = [
            os.path.join(self.binaries, "paisa"), "serve", "--port", str(self.port), "--log-level", "warning",
            # The scenarios and the benchmark measure the server, not its rate limit.
            "--budget-ms", str(self.budget_ms), "--rate-limit-test", "0", "--rate-limit-live", "0", *self.extra,
        ]
        env = dict(self.database.env, **self.environment)
        with open(log_path, "w") as log_file:
            self.process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, env=env)
        started = time.monotonic()
        while time.monotonic() - started < START_SECONDS_MAX:
            if self.process.poll() is not None:
                raise HarnessError(f"{self.name}: the server exited at start; see {log_path}")
            if http_call(self.url + "/healthz")[0] == 200:
                return time.monotonic() - started
            time.sleep(0.05)
        raise HarnessError(f"{self.name}: no answer on /healthz within {START_SECONDS_MAX} s; see {log_path}")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def cpu_seconds(self):
        """User plus system CPU the server has used so far, from /proc."""
        return process_times(self.process.pid)["own"]

    def peak_rss_mb(self):
        """The server's peak resident memory so far (VmHWM), in MB."""
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return None

    def metrics(self):
        """The server's /metrics text, empty when it does not answer."""
        try:
            with urllib.request.urlopen(self.url + "/metrics", timeout=5) as response:
                return response.read().decode()
        except OSError:
            return ""

    def histogram(self, name, labels):
        """The cumulative buckets of one Prometheus histogram series as (upper bound, count), +Inf last."""
        buckets = []
        for line in self.metrics().splitlines():
            if line.startswith(name + "_bucket{") and labels in line:
                bound = line.split('le="', 1)[1].split('"', 1)[0]
                buckets.append((float("inf") if bound == "+Inf" else float(bound), int(float(line.rsplit(" ", 1)[1]))))
        return sorted(buckets)

    def metric(self, name):
        """The sum of every series of a Prometheus counter, 0 when absent."""
        total = 0.0
        for line in self.metrics().splitlines():
            if line.startswith(name) and (line[len(name)] in " {"):
                total += float(line.rsplit(" ", 1)[1])
        return int(total)


def steady(seconds, rate):
    """paisa-load's flags for one stage of `rate` payments a second."""
    return ["--stage", f"{seconds}s:{rate}"]


def paisa_load(binaries, urls, key, report_path, arguments):
    """Runs paisa-load against `urls` with `key`; returns (exit status, stderr, report or None, the command with
    the key elided). The report file is removed first, so a run that wrote none never reads an older one."""
    try:
        os.remove(report_path)
    except FileNotFoundError:
        pass
    command = [os.path.join(binaries, "paisa-load")]
    for url in urls:
        command += ["--base-url", url]
    command += ["--key", key, "--json", report_path, "--no-progress", "--quiet", *arguments]
    completed = subprocess.run(command, text=True, capture_output=True)
    try:
        with open(report_path) as report_file:
            report = json.load(report_file)
    except (OSError, ValueError):
        report = None
    shown = " ".join(["paisa-load", *command[1:]]).replace(key, "$KEY").replace(ROOT + os.sep, "")
    return completed.returncode, completed.stderr, report, shown


def http_call(url, method="GET", data=None, headers=None, timeout=5):
    """One request: (status or None when it got no answer, seconds it took, headers)."""
    request = urllib.request.Request(url, method=method, data=data, headers=headers or {})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            return response.status, time.monotonic() - started, dict(response.headers)
    except urllib.error.HTTPError as error:
        error.read()
        return error.code, time.monotonic() - started, dict(error.headers)
    except OSError:
        return None, time.monotonic() - started, {}
