"""The suite's private stack: the local broker and database on their own ports and data folder, a trained model,
and the debug builds of two api-servers, the stream processor and the gateway, all on 127.0.0.1.

Every process is started here with its PID in STACK_DIR/<name>.pid (so `scripts/testing/chaos`'s trap can stop what a
crashed run left), its output in STACK_DIR/logs/<name>.log, and can be killed (any signal) and started again."""
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path


def log(message):
    print(f"\033[1;34m==>\033[0m {message}", flush=True)


class StackError(RuntimeError):
    pass


@dataclass
class Settings:
    root: Path
    venv: Path
    stack_dir: Path
    bin_dir: Path
    kafka_port: int = 29092
    mongo_port: int = 47017
    api_ports: tuple = (23001, 23002)
    processor_port: int = 29464
    gateway_port: int = 28080
    gateway_metrics_port: int = 28466
    database: str = "chaos"
    topic: str = "chaos-reviews"
    partitions: int = 6
    fixture: Path = field(default=None)

    @property
    def dlq_topic(self):
        return self.topic + ".dlq"

    @property
    def brokers(self):
        return f"127.0.0.1:{self.kafka_port}"

    @property
    def mongo_uri(self):
        return f"mongodb://127.0.0.1:{self.mongo_port}/?replicaSet=secantus"

    @property
    def gateway_url(self):
        return f"http://127.0.0.1:{self.gateway_port}"

    def api_url(self, index=0):
        return f"http://127.0.0.1:{self.api_ports[index]}"

    @property
    def processor_url(self):
        return f"http://127.0.0.1:{self.processor_port}"


def port_open(port):
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def http_status(url, timeout=1.0):
    """The status of a GET, or None when nothing answered."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (OSError, ValueError):
        return None


def http_text(url, timeout=1.0):
    """(status, body text) of a GET, or (None, error name)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")
    except (OSError, ValueError) as error:
        return None, type(error).__name__


class Process:
    """One long-running program of the stack."""

    def __init__(self, stack, name, argv, env=None, nice=5, ready=None, port=None):
        self.stack, self.name, self.argv, self.env, self.nice = stack, name, argv, env or {}, nice
        self.ready_check = ready
        self.port = port
        self.popen = None
        self.starts = 0

    @property
    def pidfile(self):
        return self.stack.settings.stack_dir / f"{self.name}.pid"

    @property
    def logfile(self):
        return self.stack.settings.stack_dir / "logs" / f"{self.name}.log"

    @property
    def pid(self):
        return self.popen.pid if self.popen else None

    def start(self):
        if self.alive():
            raise StackError(f"{self.name} already runs (pid {self.pid})")
        if self.port and port_open(self.port):
            # Not ours (everything ours is stopped): another program holds the port; refuse rather than fight it.
            deadline = time.monotonic() + 5
            while port_open(self.port) and time.monotonic() < deadline:
                time.sleep(0.1)
            if port_open(self.port):
                raise StackError(f"127.0.0.1:{self.port} is taken by another program; {self.name} cannot start")
        env = dict(os.environ)
        env.update(self.stack.common_env)
        env.update(self.env)
        env["LOG_FILE"] = str(self.logfile)
        self.logfile.parent.mkdir(parents=True, exist_ok=True)
        with open(self.logfile, "ab") as out:
            out.write(f"\n--- chaos: start #{self.starts + 1} of {self.name} at {time.strftime('%H:%M:%S')}\n".encode())
            out.flush()
            # Its own session: a Ctrl-C in the terminal reaches the suite, which then stops everything in order.
            self.popen = subprocess.Popen(["nice", "-n", str(self.nice), *self.argv], env=env, stdout=out,
                                          stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        self.starts += 1
        self.pidfile.write_text(f"{self.popen.pid}\n")

    def alive(self):
        return self.popen is not None and self.popen.poll() is None

    def exit_status(self):
        return None if self.popen is None else self.popen.poll()

    def signal(self, sig):
        if self.alive():
            os.kill(self.popen.pid, sig)

    def wait_exit(self, timeout):
        if self.popen is None:
            return True
        try:
            self.popen.wait(timeout=timeout)
            return True
        except subprocess.TimeoutExpired:
            return False

    def kill9(self):
        self.signal(signal.SIGKILL)
        self.wait_exit(10)
        self.pidfile.unlink(missing_ok=True)

    def stop(self, grace=10.0):
        """SIGTERM, then SIGKILL after `grace` seconds. Returns how long it took, or None if it had to be killed."""
        if not self.alive():
            self.pidfile.unlink(missing_ok=True)
            return 0.0
        started = time.monotonic()
        self.signal(signal.SIGTERM)
        if self.wait_exit(grace):
            self.pidfile.unlink(missing_ok=True)
            return time.monotonic() - started
        log(f"{self.name} (pid {self.pid}) ignored SIGTERM for {grace:.0f}s; killing it")
        self.kill9()
        return None

    def is_ready(self):
        return self.alive() and (self.ready_check is None or self.ready_check())

    def wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise StackError(f"{self.name} exited with status {self.exit_status()}; see {self.logfile}")
            if self.is_ready():
                return
            time.sleep(0.2)
        raise StackError(f"{self.name} not ready within {timeout:.0f}s; see {self.logfile}")

    def rss_kb(self):
        """Resident set size from /proc, in KiB (the `nice` wrapper execs the program, so the PID is the program's)."""
        try:
            with open(f"/proc/{self.pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except (OSError, TypeError):
            pass
        return None


class Stack:
    def __init__(self, settings: Settings):
        self.settings = s = settings
        self.common_env = {
            "KAFKA_BROKERS": s.brokers, "MONGO_URI": s.mongo_uri, "MONGO_DB": s.database,
            "REVIEWS_TOPIC": s.topic, "DLQ_TOPIC": s.dlq_topic, "GROUP_ID": "chaos",
            "LOG_FORMAT": "logfmt", "LOG_LEVEL": "info",
        }
        broker_bin = next(iter(sorted(s.venv.glob("lib/python3*/site-packages/noida_db/noida-db"))), None)
        if broker_bin is None:
            raise StackError(f"noida-db not found in {s.venv}; run scripts/bootstrap")
        binary = lambda name: str(s.bin_dir / name)
        self.broker = Process(self, "broker", [str(broker_bin), "start", "--data-dir", str(s.stack_dir / "kafka"),
                                               "--host", "127.0.0.1", "--only", "kafka", "--kafka-port",
                                               str(s.kafka_port)],
                              nice=int(os.environ.get("BROKER_NICE", "10")), ready=self.broker_ready, port=s.kafka_port)
        self.database = Process(self, "database", [str(s.venv / "bin" / "secantusd-py"), "--host", "127.0.0.1",
                                                   "--port", str(s.mongo_port), "--storage-path", str(s.stack_dir / "mongo")],
                                nice=0, ready=self.database_ready, port=s.mongo_port)
        service_nice = int(os.environ.get("SERVICE_NICE", "5"))
        self.apis = [
            Process(self, f"api-{port}", [binary("api-server")], env={"PORT": str(port)}, nice=service_nice,
                    ready=lambda port=port: http_status(f"http://127.0.0.1:{port}/ready") == 200, port=port)
            for port in s.api_ports
        ]
        self.processor = Process(self, "processor", [binary("stream-processor")],
                                 env={"PORT": str(s.processor_port), "ASSIGNMENT": "static:0/1"}, nice=service_nice,
                                 ready=lambda: http_status(f"{s.processor_url}/ready") == 200, port=s.processor_port)
        self.gateway = Process(self, "gateway", [binary("gateway")], env={
            "PORT": str(s.gateway_port),
            "METRICS_PORT": str(s.gateway_metrics_port),
            "UPSTREAMS": ",".join(f"http://127.0.0.1:{port}" for port in s.api_ports),
            "STATIC_DIR": str(s.root / "Services" / "dashboard" / "dist"),
            # The load is 50/s from one address, far below the limit; the fuzzer sends thousands of requests from
            # one address and must reach the parsers and the proxy, not the rate limiter's 429.
            "RATE_LIMIT": "0",
        }, nice=service_nice, ready=lambda: http_status(f"{s.gateway_url}/ready") == 200, port=s.gateway_port)

    @property
    def services(self):
        return [self.gateway, *self.apis, self.processor]

    @property
    def everything(self):
        return [*self.services, self.database, self.broker]

    def by_name(self, name):
        return next(p for p in self.everything if p.name == name)

    # --- readiness of the two servers

    def broker_ready(self):
        try:
            return subprocess.run(["kcat", "-b", self.settings.brokers, "-L", "-m", "1"], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, timeout=3, check=False).returncode == 0
        except subprocess.TimeoutExpired:
            return False

    def database_ready(self):
        import pymongo
        try:
            client = pymongo.MongoClient(f"mongodb://127.0.0.1:{self.settings.mongo_port}/?directConnection=true",
                                         serverSelectionTimeoutMS=500, connectTimeoutMS=500)
            try:
                client.admin.command("ping")
                return True
            finally:
                client.close()
        except Exception:  # noqa: BLE001 - any failure means "not yet"
            return False

    def mongo(self):
        """A client for checks (short timeouts; the database may be down)."""
        import pymongo
        return pymongo.MongoClient(f"mongodb://127.0.0.1:{self.settings.mongo_port}/?directConnection=true",
                                   serverSelectionTimeoutMS=1500, connectTimeoutMS=1000, socketTimeoutMS=5000)

    # --- whole stack

    def check_binaries(self):
        for name in ("api-server", "stream-processor", "gateway", "trainer"):
            if not (self.settings.bin_dir / name).exists():
                raise StackError(f"{self.settings.bin_dir / name} is missing; run `swift build` (scripts/testing/chaos does)")

    def up(self, timeout=90):
        s = self.settings
        self.check_binaries()
        for leftover in s.stack_dir.glob("*.pid"):
            pid = leftover.read_text().strip()
            if pid.isdigit() and Path(f"/proc/{pid}").exists():
                raise StackError(f"{leftover} names a running process ({pid}): another chaos run? "
                                 f"Stop it first (scripts/testing/chaos cleans up when it ends)")
            leftover.unlink()
        for folder in ("kafka", "mongo"):
            shutil.rmtree(s.stack_dir / folder, ignore_errors=True)
            (s.stack_dir / folder).mkdir(parents=True)
        (s.stack_dir / "logs").mkdir(parents=True, exist_ok=True)
        for old in (s.stack_dir / "logs").glob("*.log*"):
            old.unlink()
        log(f"starting broker on 127.0.0.1:{s.kafka_port} and database on 127.0.0.1:{s.mongo_port} (data in {s.stack_dir})")
        self.broker.start()
        self.database.start()
        self.broker.wait_ready(30)
        self.database.wait_ready(60)
        self.create_topics()
        self.publish_model()
        log("starting api-servers " + ", ".join(map(str, s.api_ports)) + f", stream processor :{s.processor_port}, "
            f"gateway :{s.gateway_port} (debug builds from {s.bin_dir})")
        for process in (*self.apis, self.processor, self.gateway):
            process.start()
        for process in (*self.apis, self.processor, self.gateway):
            process.wait_ready(timeout)

    def create_topics(self):
        from confluent_kafka.admin import AdminClient, NewTopic
        s = self.settings
        admin = AdminClient({"bootstrap.servers": s.brokers, "log_level": 3})
        futures = admin.create_topics([NewTopic(s.topic, s.partitions, 1, config={"retention.ms": "3600000"}),
                                       NewTopic(s.dlq_topic, 1, 1)])
        for future in futures.values():
            future.result(timeout=15)

    def publish_model(self):
        s = self.settings
        model = s.stack_dir / "model.json"
        trainer = str(s.bin_dir / "trainer")
        if not model.exists():
            log("training a sentiment model on the fixture (kept in the stack folder for later runs)")
            subprocess.run([trainer, "--data", str(s.fixture), "--model", "linear", "--folds", "2", "--c-grid", "10",
                            "--json", "--out", str(model)], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([trainer, "publish", "--model", str(model), "--mongo-uri", s.mongo_uri, "--mongo-db", s.database],
                       check=True, stdout=subprocess.DEVNULL)

    def down(self):
        """Stops everything this stack started: the services first (so the broker is stopped idle and keeps every
        message), then the database and the broker."""
        for process in self.services:
            process.stop(grace=10)
        self.database.stop(grace=15)
        self.broker.stop(grace=15)

    def dead(self):
        """Names of processes that should run but have exited."""
        return [p.name for p in self.everything if p.popen is not None and not p.alive()]
