"""Search over 100k segments: p50/p95 of ``client.search.text`` and of a filter search.

Starts a seeded sandbox, fills one index with BENCH_SEARCH_MEDIA x BENCH_SEARCH_PER_MEDIA
(default 100 x 1000) processed segments through the bench-only control route
``POST /_sandbox/bench/fill`` (direct inserts, no simulated pacing), then times
BENCH_SEARCH_QUERIES (default 200) text searches (one or two scene words, some with a
typo, top_k 30) and as many filter searches (label equals a word, page_size 50; every
fifth also a number range) through the SDK over HTTP. Prints ``name=value`` lines.
Target: p95 <= 50 ms for both.

Beside them: the floor of this machine at this moment (p50/p95 of ``indexes.retrieve``,
a request that does no search work, timed in the same loop) and the sandbox process's
own CPU time per search (from /proc: what the search costs without the wait for a core
on a busy machine), with the load average.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.sandbox_proc import SandboxProcess

if TYPE_CHECKING:
    from videovector import FilterCondition

MEDIA = int(os.environ.get("BENCH_SEARCH_MEDIA", 100))
PER_MEDIA = int(os.environ.get("BENCH_SEARCH_PER_MEDIA", 1000))
QUERIES = int(os.environ.get("BENCH_SEARCH_QUERIES", 200))
WORDS = ("harbor", "street", "forest", "kitchen", "stadium", "office", "beach", "studio",
         "warehouse", "classroom", "airport", "garden", "bridge", "market", "library", "stage")


def typo(word: str, rng: random.Random) -> str:
    return word + "s" if rng.random() < 0.5 else word[:-1] + "e"


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of a process (Linux /proc), 0 when unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def bench(sb: SandboxProcess) -> dict[str, float]:
    import httpx
    from videovector import AsyncVideoVector

    started = time.perf_counter()
    filled = httpx.post(f"{sb.base_url}/_sandbox/bench/fill", timeout=600,
                        headers={"X-API-Key": sb.api_key},
                        json={"media": MEDIA, "per_media": PER_MEDIA}).json()
    fill_s = time.perf_counter() - started
    index_id = filled["index_id"]
    rng = random.Random(15)
    vv = AsyncVideoVector(api_key=sb.api_key, base_url=sb.base_url, max_retries=0)
    try:
        await vv.search.text(index_id, query="warm up", top_k=30)  # loads the vector cache
        floor_ms: list[float] = []
        text_ms: list[float] = []
        text_cpu = -cpu_seconds(sb.pid)
        for _ in range(QUERIES):
            t0 = time.perf_counter()
            await vv.indexes.retrieve(index_id)
            floor_ms.append((time.perf_counter() - t0) * 1000)
            words = rng.sample(WORDS, rng.choice((1, 2)))
            if rng.random() < 0.25:
                words[0] = typo(words[0], rng)
            t0 = time.perf_counter()
            found = await vv.search.text(index_id, query=" ".join(words), top_k=30)
            text_ms.append((time.perf_counter() - t0) * 1000)
            assert found, words
        text_cpu += cpu_seconds(sb.pid)
        floor_cpu = -cpu_seconds(sb.pid)
        for _ in range(QUERIES):
            await vv.indexes.retrieve(index_id)
        floor_cpu += cpu_seconds(sb.pid)
        filter_ms: list[float] = []
        filter_cpu = -cpu_seconds(sb.pid)
        for i in range(QUERIES):
            conditions: list[FilterCondition] = [
                {"field": "label", "operator": "equals", "value": rng.choice(WORDS),
                 "type": "string"}]
            if i % 5 == 0:
                conditions.append({"field": "confidence", "operator": "greater_than",
                                   "value": round(rng.random(), 2), "type": "number"})
            t0 = time.perf_counter()
            page = await vv.search.filter(index_id, conditions=conditions, page_size=50)
            filter_ms.append((time.perf_counter() - t0) * 1000)
            assert page.results
        filter_cpu += cpu_seconds(sb.pid)
    finally:
        await vv.close()
    return {
        "search_segments": filled["segments"],
        "search_fill_s": round(fill_s, 2),
        "search_text_p50_ms": round(statistics.median(text_ms), 1),
        "search_text_p95_ms": round(percentile(text_ms, 0.95), 1),
        "search_filter_p50_ms": round(statistics.median(filter_ms), 1),
        "search_filter_p95_ms": round(percentile(filter_ms, 0.95), 1),
        "search_p95_target_ms": 50,
        "floor_request_p50_ms": round(statistics.median(floor_ms), 1),
        "floor_request_p95_ms": round(percentile(floor_ms, 0.95), 1),
        "search_text_server_cpu_ms_mean": round(text_cpu / QUERIES * 1000, 1),
        "search_filter_server_cpu_ms_mean": round(filter_cpu / QUERIES * 1000, 1),
        "floor_request_server_cpu_ms_mean": round(floor_cpu / QUERIES * 1000, 1),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, SandboxProcess(
            Path(tmp) / "sandbox", seed_demo=True, time_scale=50.0) as sb:
        figures = asyncio.run(bench(sb))
    for name, value in figures.items():
        print(f"{name}={value}")


if __name__ == "__main__":
    main()
