"""Insert flatness on the embedded server: 1,000 single inserts, last hundred vs first hundred.

Runs the same workload, side by side in one run, against the embedded server with our insert
shim (EmbeddedSQLiteEngine) and against mongoeco's plain SQLiteEngine, and prints the ratios.
Goal: with the shim, the last hundred inserts take no more than 1.5x the first hundred.

    .venv/bin/python bench/embedded_inserts.py [--count 1000]
"""

import argparse
import asyncio
import sys
import tempfile
import threading
import time
from pathlib import Path

import pymongo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mongoeco.engines.sqlite import SQLiteEngine  # noqa: E402

from studio.embedded import mongo  # noqa: E402


def start_server(engine) -> tuple[str, threading.Thread]:
    ready = threading.Event()
    address = {}

    async def serve():
        server = mongo.EmbeddedMongoServer(engine=engine, host="127.0.0.1", port=0)
        bound = await server.start()
        address["uri"] = f"mongodb://127.0.0.1:{bound.port}/"
        ready.set()
        await asyncio.Event().wait()

    thread = threading.Thread(target=lambda: asyncio.run(serve()), daemon=True)
    thread.start()
    ready.wait(30)
    return address["uri"], thread


def time_inserts(uri: str, count: int, block: int = 100) -> list[float]:
    """Seconds taken by each block of `block` single inserts."""
    with pymongo.MongoClient(uri) as client:
        collection = client.bench.scenes
        collection.drop()
        blocks = []
        for start in range(0, count, block):
            began = time.perf_counter()
            for number in range(start, start + block):
                collection.insert_one({"title": f"Scene {number}", "text": "x" * 200, "order": number})
            blocks.append(time.perf_counter() - began)
        return blocks


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()
    mongo.install_shims()
    with tempfile.TemporaryDirectory() as folder:
        results = {}
        for label, engine_class in (("with shim", mongo.EmbeddedSQLiteEngine), ("without shim", SQLiteEngine)):
            uri, _ = start_server(engine_class(str(Path(folder) / f"{engine_class.__name__}.sqlite3")))
            results[label] = time_inserts(uri, args.count)
    print(f"{args.count} single inserts, in blocks of 100 (ms per insert):")
    for label, blocks in results.items():
        first, last = blocks[0], blocks[-1]
        print(
            f"  {label:13} first 100: {first * 10:6.2f} ms  last 100: {last * 10:6.2f} ms  "
            f"ratio last/first: {last / first:5.2f}x"
        )
    with_shim, without = results["with shim"][-1], results["without shim"][-1]
    print(f"  last hundred, without shim / with shim: {without / with_shim:5.2f}x")
    flat = results["with shim"][-1] / results["with shim"][0]
    print(f"flatness goal (<= 1.5x): {'met' if flat <= 1.5 else 'NOT met'} ({flat:.2f}x)")


if __name__ == "__main__":
    main()
