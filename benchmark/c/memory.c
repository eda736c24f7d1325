/*
 * memory.c - memory per paused OpenSSL ASYNC_JOB (benchmark measure 3, C side).
 *
 * Starts COUNT jobs, each with its own ASYNC_WAIT_CTX holding one wait fd, and
 * leaves them all paused.  Reports resident memory per job (RSS delta from
 * /proc/self/statm) and heap bytes allocated per job (mallinfo2; this includes
 * the 32 KiB stack OpenSSL mallocs for every job's fibre, mostly never touched).
 * Stops early, and says so, if the pool cannot grow (ASYNC_NO_JOBS / ASYNC_ERR).
 *
 * Usage: memory COUNT
 * Prints one JSON line: {"jobs":..., "rss_per_job":..., "alloc_per_job":...}
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <malloc.h>
#include <sys/eventfd.h>
#include <openssl/async.h>

static const char key;
static int wait_fd;

static long rss_bytes(void)
{
    long size = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");

    if (f != NULL) {
        if (fscanf(f, "%ld %ld", &size, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    return resident * sysconf(_SC_PAGESIZE);
}

static int body(void *arg)
{
    ASYNC_WAIT_CTX *ctx = ASYNC_get_wait_ctx(ASYNC_get_current_job());

    ASYNC_WAIT_CTX_set_wait_fd(ctx, &key, wait_fd, NULL, NULL);
    ASYNC_pause_job();
    return 1;
}

int main(int argc, char **argv)
{
    long count = argc > 1 ? atol(argv[1]) : 100000;
    ASYNC_JOB **jobs = calloc(count, sizeof(*jobs));
    ASYNC_WAIT_CTX **ctxs = calloc(count, sizeof(*ctxs));
    long i, rss0, rss1;
    size_t alloc0, alloc1;
    int ret, status = ASYNC_PAUSE;

    if (jobs == NULL || ctxs == NULL || !ASYNC_init_thread(0, 0))
        return 1;
    wait_fd = eventfd(0, EFD_NONBLOCK);
    /* Touch the arrays first so they do not count against the jobs. */
    for (i = 0; i < count; i++)
        jobs[i] = NULL, ctxs[i] = NULL;
    rss0 = rss_bytes();
    alloc0 = mallinfo2().uordblks + mallinfo2().hblkhd;
    for (i = 0; i < count; i++) {
        if ((ctxs[i] = ASYNC_WAIT_CTX_new()) == NULL)
            break;
        status = ASYNC_start_job(&jobs[i], ctxs[i], &ret, body, NULL, 0);
        if (status != ASYNC_PAUSE) {
            ASYNC_WAIT_CTX_free(ctxs[i]);
            break;
        }
    }
    rss1 = rss_bytes();
    alloc1 = mallinfo2().uordblks + mallinfo2().hblkhd;
    printf("{\"jobs\":%ld,\"requested\":%ld,\"stopped_by\":%d,"
           "\"rss_per_job\":%.1f,\"alloc_per_job\":%.1f}\n",
           i, count, i < count ? status : -1,
           (double)(rss1 - rss0) / i, (double)(alloc1 - alloc0) / i);
    /* The paused jobs are left to process exit, as their stacks are. */
    return 0;
}
