/*
 * fd_watch — one-shot readability watches on OS fds, batched per loop turn.
 *
 * Pure C over libuv; no Node-API here (see binding.c for the glue).
 *
 * Contract:
 *
 *  - One watcher (fdw_t) per uv_loop_t / JS environment. It keeps one
 *    uv_poll_t per watched fd, shared by every waiter on that fd: the caller
 *    multiplexes waiters.
 *
 *  - A watch is ONE-SHOT. When the fd becomes readable (or hangs up, or
 *    errors) the poll handle is stopped *before* the fd is reported, so a
 *    ready fd that nobody drains costs one report, never a busy loop. The fd
 *    is never read: clearing the condition is the owner's job.
 *
 *  - Reports are batched. Poll callbacks only append (fd, status) to a
 *    buffer; a uv_check handle (unref'd, so it never keeps the loop alive)
 *    hands the whole batch to fdw_batch_cb once per loop iteration, right
 *    after the poll phase that produced it.
 *
 *  - libuv watches a dup() of the caller's fd, never the fd itself, so the
 *    owner closing its fd while it is armed cannot make libuv abort (libuv
 *    aborts if epoll_ctl() fails with EBADF for a polled fd). The dup shares
 *    the open file description, so readiness is the same; uv_poll_init()
 *    sets O_NONBLOCK on that description, i.e. for every holder of the fd.
 *
 *  - Errors are negative errno values (libuv's UV_E* on Unix): UV_EBADF for
 *    a closed fd, UV_EPERM for a file epoll cannot watch (regular file,
 *    directory, /dev/null), UV_EEXIST for an fd this loop already polls
 *    (e.g. a reading net.Socket). Programmer errors assert.
 *
 *  - Memory of a handle is freed only in libuv's close callback; the dup is
 *    closed as soon as the handle is closed (safe: uv_close() stops the poll
 *    and removes the fd from epoll synchronously).
 */
#ifndef ASYNCJOB_FD_WATCH_H
#define ASYNCJOB_FD_WATCH_H

#include <stdint.h>
#include <uv.h>

typedef struct fdw_s fdw_t;

/*
 * Receives every fd reported since the previous call: fds[i] and errors[i]
 * (0 or a negative errno) for i < count. The arrays belong to the watcher and
 * are valid only until the callback calls any fdw_* function: copy first.
 * Never called with count == 0, never called re-entrantly.
 */
typedef void (*fdw_batch_cb)(fdw_t* w,
                             const int32_t* fds,
                             const int32_t* errors,
                             uint32_t count,
                             void* data);

typedef void (*fdw_close_cb)(void* data);

/* Create a watcher on loop. Returns 0 or a negative errno (UV_ENOMEM). */
int fdw_init(fdw_t** out, uv_loop_t* loop, fdw_batch_cb cb, void* data);

/*
 * Arm a one-shot readability watch on fd. A no-op when fd is already armed.
 * Returns 0, UV_EBADF, UV_EPERM, UV_EEXIST, UV_ENOMEM, or any error of
 * dup()/uv_poll_init().
 */
int fdw_watch(fdw_t* w, int fd);

/* Disarm fd (the handle stays cached for a cheap re-arm); also withdraws a
 * report of fd not yet delivered. No-op when fd is not armed. */
void fdw_unwatch(fdw_t* w, int fd);

/* Close and forget fd's handle (and its dup). No-op for an unknown fd. */
void fdw_forget(fdw_t* w, int fd);

/*
 * Whether an armed watch on fd keeps the loop alive (default: yes). Creates
 * the (disarmed) handle when fd has none, so it can fail like fdw_watch().
 */
int fdw_set_ref(fdw_t* w, int fd, int ref);

/* Number of fds with a handle, and how many of them are armed. */
uint32_t fdw_size(const fdw_t* w);
uint32_t fdw_armed(const fdw_t* w);

/*
 * Stop and close everything, then free w and call cb(data) from the last
 * close callback (the loop must keep running until then). No batch is
 * delivered after this call.
 */
void fdw_close(fdw_t* w, fdw_close_cb cb, void* data);

#endif /* ASYNCJOB_FD_WATCH_H */
