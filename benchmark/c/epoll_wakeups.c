/*
 * epoll_wakeups.c - wake-ups per second of a plain C epoll loop resuming real
 * OpenSSL jobs (benchmark measure 4, C side).
 *
 * N eventfds in a ring, one OpenSSL job per fd.  Each job registers its fd in
 * its ASYNC_WAIT_CTX once and pauses; whenever the fd is readable the loop
 * resumes the job, which drains its eventfd, notifies the next fd in the ring
 * and pauses again.  TOKENS fds, spread evenly, are notified at the start.
 * The loop learns the fds through ASYNC_WAIT_CTX_get_changed_fds after every
 * pause, as an application would; epoll is level-triggered and the fds stay
 * registered.  Counts resumes over SECONDS after a 0.2 s warm-up.
 *
 * Usage: epoll_wakeups N TOKENS SECONDS
 * Prints one JSON line: {"n":..., "tokens":..., "wakeups_per_s":...}
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <openssl/async.h>

static int n;
static int *fds;
static long wakeups;
static const char key;

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int body(void *arg)
{
    int i = *(int *)arg;
    int fd = fds[i], next = fds[(i + 1) % n];
    uint64_t value, one = 1;

    ASYNC_WAIT_CTX_set_wait_fd(ASYNC_get_wait_ctx(ASYNC_get_current_job()),
                               &key, fd, NULL, NULL);
    for (;;) {
        ASYNC_pause_job();
        if (read(fd, &value, sizeof(value)) != sizeof(value))
            continue;                   /* spurious: nothing to drain */
        if (write(next, &one, sizeof(one)) != sizeof(one))
            abort();
        wakeups++;
    }
    return 1;
}

/* Resumes (or starts) job i and adds any fd it registered to epoll. */
static void step(int ep, ASYNC_JOB **job, ASYNC_WAIT_CTX *ctx, int i)
{
    OSSL_ASYNC_FD added[4];
    size_t nadd = 0, ndel = 0, k;
    struct epoll_event ev;
    int ret;

    if (ASYNC_start_job(job, ctx, &ret, body, &i, sizeof(i)) != ASYNC_PAUSE)
        abort();
    ASYNC_WAIT_CTX_get_changed_fds(ctx, NULL, &nadd, NULL, &ndel);
    if (nadd == 0 || nadd > 4)
        return;
    ASYNC_WAIT_CTX_get_changed_fds(ctx, added, &nadd, NULL, &ndel);
    for (k = 0; k < nadd; k++) {
        ev.events = EPOLLIN;
        ev.data.u32 = i;
        if (epoll_ctl(ep, EPOLL_CTL_ADD, added[k], &ev) != 0)
            abort();
    }
}

int main(int argc, char **argv)
{
    int tokens, i, k, ep, ready;
    double seconds, t0, start = 0, end;
    long counted = 0;
    ASYNC_JOB **jobs;
    ASYNC_WAIT_CTX **ctxs;
    struct epoll_event events[1024];
    uint64_t one = 1;

    n = argc > 1 ? atoi(argv[1]) : 1000;
    tokens = argc > 2 ? atoi(argv[2]) : 1;
    seconds = argc > 3 ? atof(argv[3]) : 1.0;
    fds = malloc(n * sizeof(*fds));
    jobs = calloc(n, sizeof(*jobs));
    ctxs = calloc(n, sizeof(*ctxs));
    ep = epoll_create1(0);
    if (!ASYNC_init_thread(0, 0) || fds == NULL || jobs == NULL || ctxs == NULL)
        return 1;
    for (i = 0; i < n; i++) {
        if ((fds[i] = eventfd(0, EFD_NONBLOCK)) < 0) {
            perror("eventfd");
            return 1;
        }
        ctxs[i] = ASYNC_WAIT_CTX_new();
    }
    for (i = 0; i < n; i++)
        step(ep, &jobs[i], ctxs[i], i);
    for (k = 0; k < tokens; k++)
        if (write(fds[(long)k * n / tokens], &one, sizeof(one)) != sizeof(one))
            abort();

    t0 = now_s();
    for (;;) {
        double t = now_s();

        if (start == 0 && t - t0 >= 0.2) {
            start = t;
            counted = wakeups;
        }
        if (start != 0 && t - start >= seconds)
            break;
        ready = epoll_wait(ep, events, 1024, 1000);
        for (k = 0; k < ready; k++) {
            i = events[k].data.u32;
            step(ep, &jobs[i], ctxs[i], i);
        }
    }
    end = now_s();
    printf("{\"n\":%d,\"tokens\":%d,\"seconds\":%.3f,\"wakeups_per_s\":%.0f}\n",
           n, tokens, end - start, (wakeups - counted) / (end - start));
    return 0;
}
