// Micro-benchmark of the native addon (run: node benchmark/native-micro.mjs).
// Needs `npx tsc -p tsconfig.build.json` and the built addon. Reports:
//  - ns per notifyFd+drainFd pair (eventfd, pipe) vs fs.writeSync+fs.readSync;
//  - ns per fd for a watch -> notify -> ready -> onReady batch -> drain round
//    trip with N = 1, 1000, 10000 eventfds armed at once, on this thread's
//    backend (ASYNCJOB_FD_BACKEND=uv_poll selects the portable one);
//  - the same round trip in plain C (epoll + EPOLLONESHOT), when cc exists.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { closeFd, drainFd, eventfd, getFdWatcher, notifyFd, pipe } from '../dist/adapters/native.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const now = () => process.hrtime.bigint()
const ns = (t0, n) => Number(now() - t0) / n

function pairs() {
  const N = 200_000
  const e = eventfd()
  const [r, w] = pipe()
  const buf = Buffer.alloc(1)
  const rbuf = Buffer.alloc(4096)
  const out = {}
  for (let round = 0; round < 3; round++) {
    let t0 = now()
    for (let i = 0; i < N; i++) { notifyFd(e); drainFd(e) }
    out.eventfd = ns(t0, N)
    t0 = now()
    for (let i = 0; i < N; i++) { notifyFd(w); drainFd(r) }
    out.pipe = ns(t0, N)
    t0 = now()
    for (let i = 0; i < N; i++) { fs.writeSync(w, buf); fs.readSync(r, rbuf) }
    out.fs = ns(t0, N)
  }
  closeFd(e); closeFd(r); closeFd(w)
  return out
}

async function roundTrips(n) {
  const watcher = getFdWatcher()
  const fds = []
  try {
    for (let i = 0; i < n; i++) fds.push(eventfd())
  } catch (err) {
    for (const fd of fds) closeFd(fd)
    return `skipped (${err.code})`
  }
  const wakes = Math.max(200_000, n * 20)
  const rounds = Math.ceil(wakes / n)
  let pending = 0
  let resolve
  watcher.onReady = (ready, errors, count) => {
    for (let i = 0; i < count; i++) drainFd(ready[i])
    pending -= count
    if (pending === 0) resolve()
  }
  const round = () => new Promise((r) => {
    resolve = r
    pending = n
    for (let i = 0; i < n; i++) { watcher.watch(fds[i]); notifyFd(fds[i]) }
  })
  try {
    for (let i = 0; i < 2; i++) await round() // warm-up
    const t0 = now()
    for (let i = 0; i < rounds; i++) await round()
    return ns(t0, rounds * n)
  } catch (err) {
    return `skipped (${err.code})`
  } finally {
    for (const fd of fds) closeFd(fd)
    watcher.onReady = null
  }
}

const C_BASELINE = `
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
int main(int argc, char** argv) {
  int n = atoi(argv[1]), wakes = n * 20 > 200000 ? n * 20 : 200000, rounds = (wakes + n - 1) / n;
  int ep = epoll_create1(EPOLL_CLOEXEC), *fds = malloc(n * sizeof(int));
  struct epoll_event ev, *evs = malloc(1024 * sizeof(ev));
  uint64_t one = 1, v;
  for (int i = 0; i < n; i++) {
    fds[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    ev.events = EPOLLIN | EPOLLONESHOT; ev.data.fd = fds[i];
    epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev); /* armed */
  }
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (int r = 0; r < rounds; r++) {
    for (int i = 0; i < n; i++) {          /* re-arm + notify, like watch() + notifyFd() */
      if (r > 0) { ev.events = EPOLLIN | EPOLLONESHOT; ev.data.fd = fds[i]; epoll_ctl(ep, EPOLL_CTL_MOD, fds[i], &ev); }
      if (write(fds[i], &one, 8) < 0) return 1;
    }
    for (int got = 0; got < n;) {          /* wait + drain every woken fd */
      int k = epoll_wait(ep, evs, 1024, -1);
      for (int j = 0; j < k; j++) if (read(evs[j].data.fd, &v, 8) < 0) return 1;
      got += k;
    }
  }
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("%.0f\\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / ((double) rounds * n));
  return 0;
}
`

function cBaseline(n) {
  try {
    const dir = path.join(here, '.build')
    fs.mkdirSync(dir, { recursive: true })
    const exe = path.join(dir, 'epoll-baseline')
    if (!fs.existsSync(exe)) {
      fs.writeFileSync(exe + '.c', C_BASELINE)
      execFileSync('cc', ['-O2', '-o', exe, exe + '.c'])
    }
    return Number(execFileSync(exe, [String(n)], { encoding: 'utf8' }).trim())
  } catch (err) {
    return `unavailable (${err.code ?? err.message})`
  }
}

const fmt = (v) => (typeof v === 'number' ? `${v.toFixed(0)} ns` : v)
console.log(`node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model}, ${os.release()}`)
console.log(`backend: ${getFdWatcher().backend}`)
const p = pairs()
console.log(`notifyFd+drainFd pair: eventfd ${fmt(p.eventfd)}, pipe ${fmt(p.pipe)}; fs.writeSync+fs.readSync on a pipe: ${fmt(p.fs)}`)
for (const n of [1, 1000, 10000]) {
  const js = await roundTrips(n)
  const c = cBaseline(n)
  const ratio = typeof js === 'number' && typeof c === 'number' ? ` -> ${(c / js).toFixed(2)}x C's wake rate` : ''
  console.log(`N=${String(n).padStart(5)}: watch->ready->batch->drain ${fmt(js)} per fd; C epoll loop ${fmt(c)} per fd${ratio}`)
}
