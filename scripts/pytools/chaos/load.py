"""Steady load through the gateway, as careful clients send it, and a probe that measures recovery.

Each client posts real reviews (McAuley JSON lines) at its share of the rate. A post that fails (no connection, a
timeout, a 5xx or a 429) is sent again with the same `Idempotency-Key` after an exponential backoff with full jitter,
a bounded number of times; every review the suite was told was accepted is recorded (key -> id), with when it was
first sent, when it was accepted and the scenario it belongs to."""
import http.client
import json
import random
import threading
import time
from dataclasses import dataclass, field

# Two endpoints take reviews; most clients use v1, some the seed's path, so both are exercised.
V1_PATH, SEED_PATH = "/api/v1/reviews", "/api/documents/text"
RETRYABLE_4XX = {408, 429}


def read_reviews(path):
    reviews = []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            line = line.strip()
            if not line:
                continue
            row = json.loads(line)
            body = {k: row[k] for k in ("reviewText", "overall", "summary") if k in row}
            if "asin" in row:
                body["itemId"] = str(row["asin"])
            reviews.append(json.dumps(body).encode())
    if not reviews:
        raise SystemExit(f"{path} holds no reviews")
    return reviews


class Phases:
    """Named time windows (wall clock) of the run: warm-up, each scenario, the idempotency replay."""

    def __init__(self):
        self.starts = []  # (wall time, name), in order
        self.lock = threading.Lock()

    def begin(self, name, at=None):
        with self.lock:
            self.starts.append((time.time() if at is None else at, name))

    def at(self, wall):
        with self.lock:
            name = self.starts[0][1] if self.starts else "-"
            for start, phase in self.starts:
                if start <= wall:
                    name = phase
                else:
                    break
            return name

    def names(self):
        with self.lock:
            seen = []
            for _, name in self.starts:
                if name not in seen:
                    seen.append(name)
            return seen


@dataclass
class Post:
    key: str
    path: str
    body: bytes
    client: str
    first_sent: float = 0.0
    accepted_at: float = None
    status: int = None
    id: str = None
    attempts: int = 0
    gave_up: str = None  # why, when never accepted
    history: list = field(default_factory=list)  # (wall time, status or error name)

    @property
    def wait(self):
        return None if self.accepted_at is None else self.accepted_at - self.first_sent


class Connection:
    """One keep-alive HTTP/1.1 connection to the gateway, reopened after any failure."""

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.conn = None

    def request(self, method, path, body=None, headers=None, timeout=10.0):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        self.conn.timeout = timeout
        if self.conn.sock is not None:
            self.conn.sock.settimeout(timeout)
        try:
            self.conn.request(method, path, body=body, headers=headers or {})
            response = self.conn.getresponse()
            data = response.read()
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            return response.status, data, response
        except BaseException:
            self.close()
            raise

    def close(self):
        if self.conn is not None:
            try:
                self.conn.close()
            finally:
                self.conn = None


class RetryPolicy:
    def __init__(self, attempts=10, base=0.2, cap=5.0, deadline=60.0, timeout=10.0):
        self.attempts, self.base, self.cap, self.deadline, self.timeout = attempts, base, cap, deadline, timeout

    def backoff(self, attempt, rng):
        # "Full jitter": uniform in [0, min(cap, base * 2^attempt)].
        return rng.uniform(0, min(self.cap, self.base * 2 ** attempt))


class Recorder:
    """Everything the clients saw, shared by the client threads."""

    def __init__(self, phases):
        self.phases = phases
        self.lock = threading.Lock()
        self.posts = []
        self.server_errors = {}  # phase -> 5xx answers
        self.failures = {}  # phase -> failed attempts of any kind (5xx, 429, timeouts, connection errors)
        self.rejected = []  # posts refused with a 4xx that is not worth retrying (a bug for real reviews)

    def attempt_failed(self, post, what, wall):
        phase = self.phases.at(wall)
        with self.lock:
            post.history.append((wall, what))
            self.failures[phase] = self.failures.get(phase, 0) + 1
            if isinstance(what, int) and what >= 500:
                self.server_errors[phase] = self.server_errors.get(phase, 0) + 1

    def add(self, post):
        with self.lock:
            self.posts.append(post)

    def accepted(self):
        with self.lock:
            return [p for p in self.posts if p.id is not None]


def post_once(connection, post, timeout):
    """One attempt: (status, id or None, error name or None, Retry-After seconds or None)."""
    headers = {"Content-Type": "application/json", "Idempotency-Key": post.key}
    try:
        status, data, response = connection.request("POST", post.path, body=post.body, headers=headers, timeout=timeout)
    except (OSError, http.client.HTTPException) as error:
        return None, None, type(error).__name__, None
    review_id = None
    if status in (200, 201, 202):
        try:
            review_id = json.loads(data)["id"]
        except (ValueError, KeyError, TypeError):
            return status, None, "bad_body", None
    retry_after = response.getheader("Retry-After")
    try:
        retry_after = float(retry_after) if retry_after else None
    except ValueError:
        retry_after = None
    return status, review_id, None, retry_after


def send_with_retries(connection, post, policy, recorder, rng, stop_retrying):
    """Posts until accepted, refused for good, or out of attempts/time. Never more than `policy` allows."""
    post.first_sent = time.time()
    started = time.monotonic()
    for attempt in range(policy.attempts):
        post.attempts = attempt + 1
        status, review_id, error, retry_after = post_once(connection, post, policy.timeout)
        now = time.time()
        if review_id is not None:
            post.accepted_at, post.status, post.id = now, status, review_id
            post.history.append((now, status))
            return post
        if status is not None and 400 <= status < 500 and status not in RETRYABLE_4XX:
            post.status, post.gave_up = status, f"refused {status}"
            post.history.append((now, status))
            with recorder.lock:
                recorder.rejected.append(post)
            return post
        recorder.attempt_failed(post, status if status is not None else error, now)
        delay = policy.backoff(attempt, rng)
        if retry_after is not None:
            delay = max(delay, min(retry_after, policy.cap))
        if time.monotonic() - started + delay > policy.deadline or stop_retrying():
            break
        time.sleep(delay)
    post.gave_up = f"no acceptance after {post.attempts} attempts"
    return post


class LoadGenerator:
    """`clients` threads posting at `rate` reviews/s in all, paced (no catch-up bursts after a stall)."""

    def __init__(self, base_host, base_port, reviews, rate, clients, phases, run_id, policy=None, seed=1,
                 seed_path_share=0.2):
        self.host, self.port = base_host, base_port
        self.reviews = reviews
        self.rate, self.clients = rate, clients
        self.recorder = Recorder(phases)
        self.policy = policy or RetryPolicy()
        self.run_id, self.seed, self.seed_path_share = run_id, seed, seed_path_share
        self.stop_event = threading.Event()
        self.abandon = threading.Event()  # set when even retries in flight must end now
        self.counter_lock = threading.Lock()
        self.counter = 0
        self.threads = []

    def next_number(self):
        with self.counter_lock:
            self.counter += 1
            return self.counter

    def start(self):
        for index in range(self.clients):
            thread = threading.Thread(target=self.client, args=(index,), name=f"client-{index}", daemon=True)
            self.threads.append(thread)
            thread.start()

    def client(self, index):
        rng = random.Random(f"{self.seed}-client-{index}")
        connection = Connection(self.host, self.port)
        interval = self.clients / self.rate
        next_at = time.monotonic() + interval * index / self.clients
        while not self.stop_event.is_set():
            now = time.monotonic()
            if now < next_at:
                self.stop_event.wait(next_at - now)
                continue
            # A client that fell behind (it was retrying) does not burst to catch up.
            next_at = max(next_at + interval, now)
            number = self.next_number()
            path = SEED_PATH if rng.random() < self.seed_path_share else V1_PATH
            post = Post(key=f"chaos-{self.run_id}-{number}", path=path,
                        body=self.reviews[number % len(self.reviews)], client=f"c{index}")
            self.recorder.add(post)
            send_with_retries(connection, post, self.policy, self.recorder, rng, self.abandon.is_set)
        connection.close()

    def stop(self, timeout):
        """Stops new posts; posts being retried finish (bounded by the retry policy, else abandoned at `timeout`)."""
        self.stop_event.set()
        deadline = time.monotonic() + timeout
        for thread in self.threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        if any(t.is_alive() for t in self.threads):
            self.abandon.set()
            for thread in self.threads:
                thread.join(self.policy.timeout + 1)


@dataclass
class ProbeResult:
    key: str
    sent: float
    done: float
    ok: bool
    id: str = None
    status: object = None


class Probe:
    """One review every `interval` seconds through the gateway, a single attempt each with a short timeout: when
    intake stops and when it works again. Its accepted reviews are checked like every other."""

    def __init__(self, host, port, reviews, run_id, interval=0.25, timeout=2.0):
        self.connection = Connection(host, port)
        self.reviews, self.run_id, self.interval, self.timeout = reviews, run_id, interval, timeout
        self.results = []
        self.lock = threading.Lock()
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self.run, name="probe", daemon=True)

    def start(self):
        self.thread.start()

    def run(self):
        number = 0
        while not self.stop_event.is_set():
            number += 1
            post = Post(key=f"chaos-{self.run_id}-probe-{number}", path=V1_PATH,
                        body=self.reviews[(number * 7919) % len(self.reviews)], client="probe")
            sent = time.time()
            status, review_id, error, _ = post_once(self.connection, post, self.timeout)
            result = ProbeResult(post.key, sent, time.time(), review_id is not None, review_id,
                                 status if status is not None else error)
            with self.lock:
                self.results.append(result)
            self.stop_event.wait(max(0.0, self.interval - (time.time() - sent)))
        self.connection.close()

    def stop(self):
        self.stop_event.set()
        self.thread.join(self.timeout + 2)

    def since(self, wall):
        with self.lock:
            return [r for r in self.results if r.sent >= wall]

    def accepted(self):
        with self.lock:
            return [r for r in self.results if r.ok]
