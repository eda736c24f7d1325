/*
 * job_cycle.c - OpenSSL ASYNC_JOB cost of one job cycle and of one extra
 * pause/resume pair, the C side of benchmark measures 1 and 2.
 *
 * A job body sets one wait fd in its ASYNC_WAIT_CTX, pauses `pauses` times and
 * clears the fd before finishing.  The caller starts it and resumes it until it
 * finishes.  Timed with 1 pause (the job cycle) and with 100 pauses; one extra
 * pair costs (t100 - t1) / 99.
 *
 * Usage: job_cycle ITER1 ITER100      (jobs timed with 1 and with 100 pauses)
 * Prints one JSON line: {"cycle_ns":..., "t100_ns":..., "pair_ns":...}
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/eventfd.h>
#include <openssl/async.h>

static int pauses;
static int wait_fd;
static const char key;

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int body(void *arg)
{
    ASYNC_WAIT_CTX *ctx = ASYNC_get_wait_ctx(ASYNC_get_current_job());
    int i;

    ASYNC_WAIT_CTX_set_wait_fd(ctx, &key, wait_fd, NULL, NULL);
    for (i = 0; i < pauses; i++)
        ASYNC_pause_job();
    ASYNC_WAIT_CTX_clear_fd(ctx, &key);
    return 1;
}

/* Runs `iter` jobs of `p` pauses each; returns nanoseconds per job. */
static double run(ASYNC_WAIT_CTX *ctx, long iter, int p)
{
    ASYNC_JOB *job;
    int ret, status;
    long i;
    double t0;

    pauses = p;
    t0 = now_ns();
    for (i = 0; i < iter; i++) {
        job = NULL;
        do
            status = ASYNC_start_job(&job, ctx, &ret, body, NULL, 0);
        while (status == ASYNC_PAUSE);
        if (status != ASYNC_FINISH) {
            fprintf(stderr, "ASYNC_start_job returned %d\n", status);
            exit(1);
        }
    }
    return (now_ns() - t0) / iter;
}

int main(int argc, char **argv)
{
    long iter1 = argc > 1 ? atol(argv[1]) : 1000000;
    long iter100 = argc > 2 ? atol(argv[2]) : 20000;
    ASYNC_WAIT_CTX *ctx;
    double t1, t100;

    if (!ASYNC_init_thread(0, 0) || (ctx = ASYNC_WAIT_CTX_new()) == NULL)
        return 1;
    wait_fd = eventfd(0, EFD_NONBLOCK);
    run(ctx, iter1 / 10 + 1, 1);          /* warm-up: pool, caches */
    t1 = run(ctx, iter1, 1);
    t100 = run(ctx, iter100, 100);
    printf("{\"cycle_ns\":%.2f,\"t100_ns\":%.2f,\"pair_ns\":%.2f,\"iter1\":%ld,\"iter100\":%ld}\n",
           t1, t100, (t100 - t1) / 99, iter1, iter100);
    ASYNC_WAIT_CTX_free(ctx);
    return 0;
}
