"""The faults, applied one after another while the load runs, and how long intake and results took to recover.

Each scenario is one phase of the run: a short lead-in of steady load (so reviews acknowledged just before a fault
belong to it), the fault, the component held down, its restart, the wait for recovery (bounded), and a settling
period. Intake has recovered when a probe POST sent after the last failed one is accepted (0 when no probe failed);
results have recovered when a review the probe posted after the fault (and after intake came back) is stored as
processed. Both are measured from the moment the fault was applied."""
import threading
import time
from dataclasses import dataclass, field

from .stack import StackError, http_text, log


@dataclass
class Timing:
    warmup: float
    lead: float
    settle: float
    recover_timeout: float
    down: dict  # scenario key -> seconds the component stays down


QUICK = Timing(warmup=8, lead=2, settle=4, recover_timeout=30,
               down={"processor": 2, "broker-term": 3, "broker-kill": 3, "database": 3, "api": 2, "gateway": 0})
FULL = Timing(warmup=30, lead=5, settle=20, recover_timeout=120,
              down={"processor": 5, "broker-term": 8, "broker-kill": 8, "database": 10, "api": 5, "gateway": 1})


@dataclass
class Scenario:
    key: str
    title: str
    fault: object  # callable(stack) -> list of processes to start again


def _kill9(pick):
    def fault(stack):
        process = pick(stack)
        process.kill9()
        return [process]
    return fault


def _term(pick, grace):
    def fault(stack):
        process = pick(stack)
        if process.stop(grace=grace) is None:
            log(f"{process.name} had to be killed after SIGTERM")
        return [process]
    return fault


SCENARIOS = [
    Scenario("processor", "processor kill -9", _kill9(lambda s: s.processor)),
    Scenario("broker-term", "broker SIGTERM", _term(lambda s: s.broker, 15)),
    Scenario("broker-kill", "broker kill -9", _kill9(lambda s: s.broker)),
    Scenario("database", "database kill -9", _kill9(lambda s: s.database)),
    Scenario("api", "api-server kill -9", _kill9(lambda s: s.apis[0])),
    Scenario("gateway", "gateway restart", _term(lambda s: s.gateway, 10)),
]


@dataclass
class ScenarioResult:
    name: str
    fault_at: float
    restarted_at: float = None
    intake_s: float = None
    results_s: float = None
    recovered: bool = False
    notes: list = field(default_factory=list)


class Supervisor(threading.Thread):
    """Restarts any process of the stack that exits when the suite did not stop it (as a real supervisor would),
    and records it: a crash is a finding even when the restart hides it."""

    def __init__(self, stack, phases):
        super().__init__(name="supervisor", daemon=True)
        self.stack, self.phases = stack, phases
        self.expected_down = set()
        self.lock = threading.Lock()
        self.events = []  # (wall time, phase, name, exit status)
        self.stop_event = threading.Event()

    def expect_down(self, names):
        with self.lock:
            self.expected_down |= set(names)

    def expect_up(self, names):
        with self.lock:
            self.expected_down -= set(names)

    def run(self):
        while not self.stop_event.wait(0.5):
            for process in self.stack.everything:
                with self.lock:
                    if process.name in self.expected_down:
                        continue
                    if process.popen is None or process.alive():
                        continue
                    status = process.exit_status()
                    now = time.time()
                    self.events.append((now, self.phases.at(now), process.name, status))
                log(f"supervisor: {process.name} exited unexpectedly (status {status}); starting it again")
                try:
                    process.start()
                except StackError as error:
                    log(f"supervisor: {error}")

    def stop(self):
        self.stop_event.set()
        self.join(2)


class Runner:
    def __init__(self, stack, phases, probe, supervisor, timing, checker):
        self.stack, self.phases, self.probe, self.supervisor = stack, phases, probe, supervisor
        self.timing, self.checker = timing, checker  # checker: ids -> set of ids stored as processed (or None)

    def run(self, scenario, label, deadline=None):
        t = self.timing
        down = t.down.get(scenario.key, 2)
        self.phases.begin(label)
        time.sleep(t.lead)
        result = ScenarioResult(label, fault_at=time.time())
        log(f"scenario {label}: fault (down {down:g}s)")
        names, stopped = [], []
        try:
            # Marked before the fault: the supervisor must not restart what the scenario stops.
            names = [self._target_name(scenario)]
            self.supervisor.expect_down(names)
            stopped = scenario.fault(self.stack)
            names = [p.name for p in stopped]
            time.sleep(down)
            result.restarted_at = time.time()
            for process in stopped:
                process.start()
        finally:
            self.supervisor.expect_up(names)
        for process in stopped:
            try:
                process.wait_ready(max(5.0, t.recover_timeout / 2))
            except StackError as error:
                result.notes.append(str(error))
        self._wait_recovery(result, deadline)
        for process in self.stack.everything:
            if process.alive() and not process.is_ready():
                why = ""
                if process.port in (*self.stack.settings.api_ports, self.stack.settings.processor_port,
                                    self.stack.settings.gateway_port):
                    status, body = http_text(f"http://127.0.0.1:{process.port}/ready")
                    why = f": /ready {status} {body.strip()[:300]}"
                result.notes.append(f"{process.name} alive but not ready after recovery{why}")
        status = (f"intake {fmt(result.intake_s)}s, results {fmt(result.results_s)}s" if result.recovered
                  else "NOT recovered within the bound")
        log(f"scenario {label}: {status}")
        self._sleep_until(time.monotonic() + t.settle, deadline)
        return result

    def _target_name(self, scenario):
        return {"processor": self.stack.processor.name, "broker-term": self.stack.broker.name,
                "broker-kill": self.stack.broker.name, "database": self.stack.database.name,
                "api": self.stack.apis[0].name, "gateway": self.stack.gateway.name}[scenario.key]

    @staticmethod
    def _sleep_until(until, deadline):
        if deadline is not None:
            until = min(until, deadline)
        remaining = until - time.monotonic()
        if remaining > 0:
            time.sleep(remaining)

    def _wait_recovery(self, result, deadline):
        t0 = result.fault_at
        limit = time.monotonic() + self.timing.recover_timeout
        if deadline is not None:
            limit = min(limit, deadline)
        processed_seen = {}  # probe id -> first time seen stored
        while time.monotonic() < limit:
            probes = self.probe.since(t0)
            failed = [p.sent for p in probes if not p.ok]
            last_fail = max(failed) if failed else None
            after_fail = [p for p in probes if p.ok and (last_fail is None or p.sent > last_fail)]
            intake_back = any(p.sent >= result.restarted_at for p in after_fail)
            if intake_back and result.intake_s is None:
                result.intake_s = 0.0 if last_fail is None else min(p.done for p in after_fail) - t0
            # Watched from the fault on (not only once intake is back), so a pipeline that never stopped shows as such.
            pending = [p.id for p in after_fail if p.id not in processed_seen]
            stored = self.checker(pending) if pending else set()
            now = time.time()
            for review_id in stored or ():
                processed_seen[review_id] = now
            seen = [processed_seen[p.id] for p in after_fail if p.id in processed_seen]
            if intake_back and seen:
                result.results_s = min(seen) - t0
                result.recovered = True
                return
            time.sleep(0.25)
        if result.intake_s is None:
            result.notes.append("intake did not recover within the bound")
        else:
            result.notes.append("results did not recover within the bound")


def fmt(value):
    return "-" if value is None else f"{value:.1f}"
