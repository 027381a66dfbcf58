"""What the fault scenarios and the benchmark share: processes, ports, the database and HTTP calls."""

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


class Database:
    """A database for a harness: its URL, psql access, and (for the embedded cluster) stop and start."""

    def __init__(self, name):
        self.embedded = not os.environ.get("DATABASE_URL")
        if self.embedded:
            self.url = run([DB_SCRIPT, "url", name])
        else:
            self.url = os.environ["DATABASE_URL"]

    def query(self, sql):
        """Rows of `sql` as lists of strings."""
        psql = os.path.join(run(["pg_config", "--bindir"]), "psql")
        out = run([psql, self.url, "-X", "-q", "-t", "-A", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql])
        return [line.split("\t") for line in out.splitlines() if line]

    def stop(self, mode):
        run([DB_SCRIPT, "stop", mode])

    def start(self):
        run([DB_SCRIPT, "up"])


class Server:
    """One `paisa serve` process on a free port, logging to `name`-N.log in `state`."""

    def __init__(self, binaries, database, name, state, extra=(), environment=None):
        self.binaries = binaries
        self.environment = environment or {}
        self.state = state
        self.database = database
        self.name = name
        self.extra = list(extra)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.starts = 0

    def start(self):
        self.starts += 1
        log_path = os.path.join(self.state, f"{self.name}-{self.starts}.log")
        command = [
            os.path.join(self.binaries, "paisa"), "serve", "--port", str(self.port), "--log-level", "warning",
            "--budget-ms", str(BUDGET_MS), *self.extra,
        ]
        env = dict(os.environ, DATABASE_URL=self.database.url, **self.environment)
        with open(log_path, "w") as log_file:
            self.process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, env=env)
        started = time.monotonic()
        while time.monotonic() - started < START_SECONDS_MAX:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name}: the server exited at start; see {log_path}")
            if http_status(self.url + "/healthz") == 200:
                return time.monotonic() - started
            time.sleep(0.05)
        raise SystemExit(f"{self.name}: no answer on /healthz within {START_SECONDS_MAX} s; see {log_path}")

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
        with open(f"/proc/{self.process.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_rss_mb(self):
        """The server's peak resident memory so far (VmHWM), in MB."""
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return None

    def histogram(self, name, labels):
        """The cumulative buckets of one Prometheus histogram series as (upper bound, count), +Inf last."""
        try:
            with urllib.request.urlopen(self.url + "/metrics", timeout=5) as response:
                text = response.read().decode()
        except OSError:
            return []
        buckets = []
        for line in text.splitlines():
            if line.startswith(name + "_bucket{") and labels in line:
                bound = line.split('le="', 1)[1].split('"', 1)[0]
                buckets.append((float("inf") if bound == "+Inf" else float(bound), int(float(line.rsplit(" ", 1)[1]))))
        return sorted(buckets)

    def metric(self, name):
        """The sum of every series of a Prometheus counter, 0 when absent."""
        try:
            with urllib.request.urlopen(self.url + "/metrics", timeout=5) as response:
                text = response.read().decode()
        except OSError:
            return 0
        total = 0.0
        for line in text.splitlines():
            if line.startswith(name) and (line[len(name)] in " {"):
                total += float(line.rsplit(" ", 1)[1])
        return int(total)


def http_status(url, method="GET", data=None, headers=None, timeout=5):
    """The status of one request, or None when it got no answer; with the answer's time in seconds."""
    return http_call(url, method, data, headers, timeout)[0]


def http_call(url, method="GET", data=None, headers=None, timeout=5):
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
