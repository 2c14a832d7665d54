"""The API under load on loopback: ``python -m api`` in its own process, called over HTTP as an integration would.

A fresh deployment (a temporary SQLite store and audit trail; the checkout's model registry, read only) is served by
``python -m api`` on a free port; a coordinator key is made with ``python -m core.cli.users add-key`` (the key read
from its last line). Then:

* load: the 500 patients of ``data/demo_cohort.csv`` posted to ``POST /v1/score`` again and again for a bounded time
  (60 s) by one client, then by two at once (each waits for its answer before the next call): requests per second and
  latency percentiles (p50, p95, max) from ``time.perf_counter`` around each call, answers checked (200, 500 patients);
* size: 10,000 simulated patients (``bench._common.cohort``) posted once each, best of 3 (seconds per answer,
  reasons included);
* the same two files scored in this process without HTTP (``core.scoring.cohort.score_upload`` then
  ``ranked_table`` with reasons under the model's own policy; best of 3), so the API's own share shows.

Targets: 500 patients p95 < 0.3 s with one client; 10,000 patients < 3 s. The machine's load average is printed before and after:
the server shares the machine's cores with the clients and with anything else running.

``--tiny``: 2 s of load with 50 patients, one 200-patient call; targets not judged.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import cohort, csv_bytes, machine_note, parse_args, print_table, tiny_note, verdict  # noqa: E402
from core.decisions.policy import Policy  # noqa: E402
from core.model.registry import Registry  # noqa: E402
from core.paths import DEMO_COHORT_PATH  # noqa: E402
from core.scoring.cohort import ranked_table, score_upload  # noqa: E402
from core.settings import Settings  # noqa: E402

FULL = {"load_s": 60.0, "clients": (1, 2), "small": None, "large": 10_000, "large_repeats": 3}
TINY = {"load_s": 2.0, "clients": (1,), "small": 50, "large": 200, "large_repeats": 1}
TARGET_P95_S = 0.3  # 500 patients, one client
TARGET_LARGE_S = 3.0  # 10,000 patients
START_TIMEOUT_S = 120.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment(folder: Path, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "RRADAR_LOG_DIR": str(folder / "logs"),
        "RRADAR_DATABASE_URL": f"sqlite:///{folder / 'store.sqlite3'}",
        "RRADAR_API_PORT": str(port),
        "RRADAR_API_RATE_LIMIT": "1000000",  # the load is the point here, not the limit
        "PYTHONPATH": str(ROOT),
    }


def _make_key(env: dict[str, str]) -> str:
    made = subprocess.run(
        [sys.executable, "-m", "core.cli.users", "add-key", "bench", "--role", "coordinator"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return made.stdout.strip().splitlines()[-1]


def _wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"python -m api stopped (exit {server.returncode}) before answering")
        try:
            if httpx.get(f"{base}/v1/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit(f"python -m api did not answer within {START_TIMEOUT_S:.0f} s")


def _score(client: httpx.Client, data: bytes, patients: int) -> float:
    start = time.perf_counter()
    response = client.post("/v1/score", files={"file": ("cohort.csv", data, "text/csv")})
    took = time.perf_counter() - start
    if response.status_code != 200 or len(response.json()["patients"]) != patients:
        raise SystemExit(f"unexpected answer {response.status_code}: {response.text[:300]}")
    return took


def _load(base: str, key: str, data: bytes, patients: int, clients: int, seconds: float) -> list[float]:
    """Latencies of every call made by ``clients`` callers in a row for ``seconds``."""
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def caller() -> None:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=120) as client:
            while time.perf_counter() < stop:
                took = _score(client, data, patients)
                with lock:
                    latencies.append(took)

    threads = [threading.Thread(target=caller) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def _report(sizes: dict, base: str, key: str, tiny: bool) -> dict[int, bytes]:
    """Print the load and size figures; returns the files posted (patients -> bytes)."""
    demo = DEMO_COHORT_PATH.read_bytes()
    small = sizes["small"]
    data = csv_bytes(cohort(small)) if small else demo
    patients = small or demo.count(b"\n") - 1
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=120) as warm:
        _score(warm, data, patients)  # the model is loaded and verified on the first call
    rows = []
    for clients in sizes["clients"]:
        latencies = _load(base, key, data, patients, clients, sizes["load_s"])
        p95 = _percentile(latencies, 0.95)
        target = TARGET_P95_S if clients == 1 and not tiny else None
        rows.append(
            [f"{patients:,} patients", clients, len(latencies), f"{len(latencies) / sizes['load_s']:.2f}",
             f"{statistics.median(latencies):.3f}", f"{p95:.3f}", f"{max(latencies):.3f}",
             f"< {target}" if target else "-", verdict(p95, target)]
        )  # fmt: skip
    print(f"POST /v1/score under load for {sizes['load_s']:.0f} s per row (seconds per call)")
    print_table(["file", "clients", "calls", "calls/s", "p50", "p95", "max", "target p95", "verdict"], rows)
    large = sizes["large"]
    big = csv_bytes(cohort(large))
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=300) as client:
        times = [_score(client, big, large) for _ in range(sizes["large_repeats"])]
    target = None if tiny else TARGET_LARGE_S
    print(f"\nPOST /v1/score with {large:,} patients, one call at a time (best of {len(times)}; every run shown)")
    print_table(
        ["patients", "file MB", "best s", "runs s", "target", "verdict"],
        [[f"{large:,}", f"{len(big) / 2**20:.1f}", f"{min(times):.3f}", " ".join(f"{t:.2f}" for t in times),
          f"< {target}" if target else "-", verdict(min(times), target)]],
    )  # fmt: skip
    return {patients: data, large: big}


def _core_only(files: dict[int, bytes], repeats: int) -> None:
    """The same files scored without HTTP: what the core costs, so the API's own share shows."""
    settings = Settings.factory()
    bundle = Registry(settings.models_dir).load()
    policy = Policy.at(bundle.default_threshold)
    rows = []
    for patients, data in files.items():
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            cohort = score_upload(data, "cohort.csv", bundle, settings.bands)
            flagged = policy.flagged(cohort.curves)
            ranked_table(cohort, flagged | ~flagged, flagged, policy, bundle)
            times.append(time.perf_counter() - start)
        rows.append([f"{patients:,}", f"{min(times):.3f}", " ".join(f"{t:.2f}" for t in times)])
    print(
        f"\nThe same files scored in this process, no HTTP (score_upload + ranked_table with reasons; best of {repeats})"
    )
    print_table(["patients", "best s", "runs s"], rows)


def main() -> None:
    args = parse_args(__doc__)
    sizes = TINY if args.tiny else FULL
    print(machine_note())
    tiny_note(args.tiny)
    with tempfile.TemporaryDirectory(prefix="bench-api-") as folder:
        port = _free_port()
        env = _environment(Path(folder), port)
        key = _make_key(env)
        server = subprocess.Popen(
            [sys.executable, "-m", "api"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_until_up(base, server)
            posted = _report(sizes, base, key, args.tiny)
        finally:
            server.terminate()
            server.wait(timeout=30)
    _core_only(posted, sizes["large_repeats"])
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
