/*
 * fd_watch — one-shot readability watches on OS fds, batched per loop turn.
 *
 * Pure C over libuv; no Node-API here (see binding.c for the glue).
 *
 * Contract:
 *
 *  - One watcher (fdw_t) per uv_loop_t / JS environment. It keeps one
 *    watch per fd, shared by every waiter on that fd: the caller
 *    multiplexes waiters.
 *
 *  - A watch is ONE-SHOT. When the fd becomes readable (or hangs up, or
 *    errors) the watch is disarmed *before* the fd is reported, so a ready
 *    fd that nobody drains costs one report, never a busy loop. The fd is
 *    never read: clearing the condition is the owner's job.
 *
 *  - Reports are batched. libuv callbacks only append (fd, status) to a
 *    buffer; a uv_check handle (unref'd, so it never keeps the loop alive)
 *    hands the whole batch to fdw_batch_cb once per loop iteration, right
 *    after the poll phase that produced it.
 *
 *  - Two backends (see fd_watch.c for the trade-offs):
 *    "epoll" (Linux, the default): our own epoll set with EPOLLONESHOT
 *    registrations, watched by libuv as one fd: one epoll_ctl() per arm,
 *    no dup, the fd's flags untouched.
 *    "uv_poll" (elsewhere, or FDW_BACKEND_UV_POLL): one uv_poll_t per fd,
 *    on a dup() of the caller's fd so that the owner closing its fd while
 *    it is armed cannot make libuv abort; uv_poll_init() sets O_NONBLOCK on
 *    the shared open file description, i.e. for every holder of the fd.
 *    Either way the owner may close a watched fd without crashing anything.
 *
 *  - Errors are negative errno values (libuv's UV_E* on Unix): UV_EBADF for
 *    a closed fd, UV_EPERM for a file epoll cannot watch (regular file,
 *    directory, /dev/null), UV_EEXIST for an fd this loop already polls
 *    (e.g. a reading net.Socket). Programmer errors assert.
 *
 *  - Memory of a libuv handle is freed only in libuv's close callback; a
 *    dup is closed as soon as its handle is (safe: uv_close() stops the
 *    poll and removes the fd from libuv's epoll set synchronously).
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

/* fdw_init() flag: use one uv_poll_t per fd even where epoll exists. */
#define FDW_BACKEND_UV_POLL 1

/* Create a watcher on loop. Returns 0 or a negative errno. */
int fdw_init(fdw_t** out, uv_loop_t* loop, int flags, fdw_batch_cb cb,
             void* data);

/* "epoll" or "uv_poll". */
const char* fdw_backend(const fdw_t* w);

/*
 * Arm a one-shot readability watch on fd. A no-op when fd is already armed.
 * Returns 0, UV_EBADF, UV_EPERM, UV_EEXIST, UV_ENOMEM, or any error of
 * epoll_ctl() (ENOSPC: max_user_watches) or dup()/uv_poll_init().
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
