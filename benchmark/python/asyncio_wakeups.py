"""asyncio_wakeups.py - wake-ups per second of Python asyncio (benchmark measure 4).

N eventfds in a ring, one coroutine per fd.  Each fd has a reader registered
once with loop.add_reader; the reader wakes the coroutine waiting on that fd,
which drains its eventfd, notifies the next fd in the ring and waits again.
TOKENS fds, spread evenly, are notified at the start.  Counts wake-ups over
SECONDS after a 0.2 s warm-up.  The readers stay registered: a still-readable
fd may call its reader once more before the coroutine has drained it, which is
ignored.  (Adding the reader before each wait and removing it when it fires, as
asyncio's own sock_recv does, measured about half as fast here.)

Usage: python3 asyncio_wakeups.py N TOKENS SECONDS
Prints one JSON line: {"n":..., "tokens":..., "wakeups_per_s":...}
"""
import asyncio
import json
import os
import sys
import time

ONE = (1).to_bytes(8, sys.byteorder)


async def main(n, tokens, seconds):
    loop = asyncio.get_running_loop()
    fds = [os.eventfd(0, os.EFD_NONBLOCK) for _ in range(n)]
    waiters = [None] * n
    state = {"wakeups": 0, "stop": False}

    def on_readable(i):
        fut = waiters[i]
        if fut is not None:
            waiters[i] = None
            if not fut.done():
                fut.set_result(None)

    async def worker(i):
        fd, nxt = fds[i], fds[(i + 1) % n]
        while not state["stop"]:
            waiters[i] = loop.create_future()
            await waiters[i]
            try:
                os.read(fd, 8)
            except BlockingIOError:
                continue                # spurious: nothing to drain
            os.write(nxt, ONE)
            state["wakeups"] += 1

    for i in range(n):
        loop.add_reader(fds[i], on_readable, i)
    tasks = [loop.create_task(worker(i)) for i in range(n)]
    await asyncio.sleep(0)              # every worker is now waiting
    for k in range(tokens):
        os.write(fds[k * n // tokens], ONE)
    await asyncio.sleep(0.2)
    start, counted = time.perf_counter(), state["wakeups"]
    await asyncio.sleep(seconds)
    end, total = time.perf_counter(), state["wakeups"]
    state["stop"] = True
    for t in tasks:
        t.cancel()
    return {"n": n, "tokens": tokens, "seconds": round(end - start, 3),
            "wakeups_per_s": round((total - counted) / (end - start))}


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    tokens = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
    print(json.dumps(asyncio.run(main(n, tokens, seconds))))
