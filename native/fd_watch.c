/* fd_watch — see fd_watch.h for the contract. */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif

#include "fd_watch.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#if defined(__linux__)
#include <sys/epoll.h>
#include <sys/syscall.h>
#define FDW_HAVE_EPOLL 1
#if defined(SYS_kcmp)
#define FDW_HAVE_KCMP 1
#define FDW_KCMP_FILE 0 /* linux/kcmp.h: KCMP_FILE */
#endif
#endif

#define FDW_EVENTS_PER_WAIT 256

typedef struct fdw_handle_s {
  uv_poll_t poll;     /* uv_poll backend; poll.data == this */
  fdw_t* owner;
  int fd;             /* the caller's fd: the key, and what is reported */
  int dup_fd;         /* uv_poll backend: what libuv watches */
  int32_t batch_idx;  /* index in the pending batch, or -1 */
  uint32_t gen;       /* epoll backend: tags this fd's registration */
  uint8_t armed;
  uint8_t ref;
  uint8_t registered; /* epoll backend: fd is in our epoll set */
  uint8_t enabled;    /* epoll backend: registered for EPOLLIN (level) */
  uint8_t delivering; /* epoll backend: fired, in the batch being delivered */
  dev_t dev;          /* uv_poll backend without kcmp(2): file identity */
  ino_t ino;
} fdw_handle_t;

struct fdw_s {
  uv_loop_t* loop;
  uv_check_t check;
  fdw_batch_cb cb;
  void* cb_data;

  /* epoll backend: our own epoll set, watched by libuv as one fd. */
  int epfd; /* -1 for the uv_poll backend */
  uv_poll_t epoll_poll;
  uint32_t armed_ref; /* armed handles with ref set: epoll_poll is ref'd */
  uint32_t next_gen;

  /* uv_poll backend. */
  int use_kcmp;
  pid_t pid;

  fdw_handle_t** table; /* indexed by the caller's fd */
  uint32_t table_len;
  uint32_t size;
  uint32_t armed;

  /* The pending batch. Capacity >= size at all times, so that appending
   * from a libuv callback never allocates (and so never fails). */
  fdw_handle_t** batch;
  int32_t* batch_fds;
  int32_t* batch_errs;
  uint32_t batch_len;
  uint32_t batch_cap;

  uint32_t pending_closes; /* close callbacks not yet run */
  int closing;
  fdw_close_cb close_cb;
  void* close_data;
};


/* ---- growth (never from libuv callbacks) ------------------------------- */

static int fdw__grow_table(fdw_t* w, int fd) {
  uint32_t len;
  fdw_handle_t** t;

  if ((uint32_t) fd < w->table_len)
    return 0;
  len = w->table_len ? w->table_len : 64;
  while (len <= (uint32_t) fd)
    len *= 2;
  t = realloc(w->table, len * sizeof(*t));
  if (t == NULL)
    return UV_ENOMEM;
  memset(t + w->table_len, 0, (len - w->table_len) * sizeof(*t));
  w->table = t;
  w->table_len = len;
  return 0;
}

static int fdw__grow_batch(fdw_t* w, uint32_t need) {
  uint32_t cap;
  void* p;

  if (need <= w->batch_cap)
    return 0;
  cap = w->batch_cap ? w->batch_cap * 2 : 64;
  while (cap < need)
    cap *= 2;
  /* Each realloc is kept as soon as it succeeds: a failure halfway leaves
   * consistent (partly larger) arrays behind. */
  if ((p = realloc(w->batch, cap * sizeof(*w->batch))) == NULL)
    return UV_ENOMEM;
  w->batch = p;
  if ((p = realloc(w->batch_fds, cap * sizeof(*w->batch_fds))) == NULL)
    return UV_ENOMEM;
  w->batch_fds = p;
  if ((p = realloc(w->batch_errs, cap * sizeof(*w->batch_errs))) == NULL)
    return UV_ENOMEM;
  w->batch_errs = p;
  w->batch_cap = cap;
  return 0;
}


/* ---- armed bookkeeping and the pending batch ----------------------------- */

static void fdw__set_armed(fdw_t* w, fdw_handle_t* h) {
  h->armed = 1;
  w->armed++;
  if (w->epfd >= 0 && h->ref && w->armed_ref++ == 0)
    uv_ref((uv_handle_t*) &w->epoll_poll);
}

static void fdw__clear_armed(fdw_t* w, fdw_handle_t* h) {
  h->armed = 0;
  w->armed--;
  if (w->epfd >= 0 && h->ref && --w->armed_ref == 0)
    uv_unref((uv_handle_t*) &w->epoll_poll);
}

static void fdw__batch_push(fdw_t* w, fdw_handle_t* h, int status) {
  uint32_t i;

  if (h->batch_idx >= 0) { /* already pending: one entry per fd */
    if (status != 0)
      w->batch_errs[h->batch_idx] = status;
    return;
  }
  assert(w->batch_len < w->batch_cap);
  i = w->batch_len++;
  w->batch[i] = h;
  w->batch_fds[i] = h->fd;
  w->batch_errs[i] = status;
  h->batch_idx = (int32_t) i;
}

static void fdw__batch_remove(fdw_t* w, fdw_handle_t* h) {
  uint32_t i;
  uint32_t last;

  if (h->batch_idx < 0)
    return;
  i = (uint32_t) h->batch_idx;
  last = --w->batch_len;
  if (i != last) {
    w->batch[i] = w->batch[last];
    w->batch_fds[i] = w->batch_fds[last];
    w->batch_errs[i] = w->batch_errs[last];
    w->batch[i]->batch_idx = (int32_t) i;
  }
  h->batch_idx = -1;
}

/* One-shot: report h and disarm it (its watch has already stopped). */
static void fdw__fire(fdw_t* w, fdw_handle_t* h, int status) {
  if (h->armed)
    fdw__clear_armed(w, h);
  fdw__batch_push(w, h, status);
}

#ifdef FDW_HAVE_EPOLL
static void fdw__epoll_disable(fdw_t* w, fdw_handle_t* h);
#endif

/* The uv_check handle: one call into the embedder per loop iteration, right
 * after the poll phase that produced the batch. (A uv_prepare would deliver
 * one iteration late; a uv_idle would keep the loop from blocking.) */
static void fdw__on_check(uv_check_t* check) {
  fdw_t* w = check->data;
  uint32_t i;
  uint32_t n = w->batch_len;

  if (n == 0 || w->closing)
    return;
  /* Detach the batch first, so that fdw_unwatch()/fdw_forget() from inside
   * the callback do not edit what is being delivered. */
  for (i = 0; i < n; i++)
    w->batch[i]->batch_idx = -1;
  w->batch_len = 0;
  w->cb(w, w->batch_fds, w->batch_errs, n, w->cb_data);
#ifdef FDW_HAVE_EPOLL
  /* Disable what fired and was not re-armed during the delivery. (The
   * callback may have grown the arrays: realloc() kept their contents.) */
  if (w->epfd >= 0 && !w->closing) {
    fdw_handle_t* h;
    uint32_t fd;
    for (i = 0; i < n; i++) {
      fd = (uint32_t) w->batch_fds[i];
      if (fd >= w->table_len || (h = w->table[fd]) == NULL || !h->delivering)
        continue;
      h->delivering = 0;
      if (h->enabled && !h->armed)
        fdw__epoll_disable(w, h);
    }
  }
#endif
}


/* ---- closing ---------------------------------------------------------- */

static void fdw__finish_close(fdw_t* w) {
  fdw_close_cb cb = w->close_cb;
  void* data = w->close_data;

  free(w->table);
  free(w->batch);
  free(w->batch_fds);
  free(w->batch_errs);
  free(w);
  if (cb != NULL)
    cb(data);
}

static void fdw__closed(fdw_t* w) {
  assert(w->pending_closes > 0);
  if (--w->pending_closes == 0 && w->closing)
    fdw__finish_close(w);
}

static void fdw__on_own_handle_closed(uv_handle_t* handle) {
  fdw__closed(handle->data);
}

static void fdw__on_fd_handle_closed(uv_handle_t* handle) {
  fdw_handle_t* h = handle->data;
  fdw_t* w = h->owner;

  free(h);
  fdw__closed(w);
}


/* ---- handles (both backends) ------------------------------------------ */

/* Whether this loop already polls fd itself (a net.Socket, a uv_poll_t of
 * Node's): libuv's own private uv__fd_exists() test, on the public loop
 * fields. uv_poll_init() would return EEXIST for it; we never hand libuv the
 * fd itself (a dup, or our epoll set), so we ask here. */
static int fdw__libuv_polls(const fdw_t* w, int fd) {
#ifndef _WIN32
  return (unsigned) fd < w->loop->nwatchers && w->loop->watchers[fd] != NULL;
#else
  return 0;
#endif
}

static int fdw__new_handle(fdw_t* w, int fd, fdw_handle_t** out) {
  fdw_handle_t* h;
  int err;

  if ((err = fdw__grow_table(w, fd)) != 0)
    return err;
  if ((err = fdw__grow_batch(w, w->size + 1)) != 0)
    return err;
  if ((h = calloc(1, sizeof(*h))) == NULL)
    return UV_ENOMEM;
  h->owner = w;
  h->fd = fd;
  h->dup_fd = -1;
  h->batch_idx = -1;
  h->ref = 1;
  *out = h;
  return 0;
}

static void fdw__insert(fdw_t* w, fdw_handle_t* h) {
  w->table[h->fd] = h;
  w->size++;
}

static void fdw__drop(fdw_t* w, fdw_handle_t* h) {
  if (h->armed)
    fdw__clear_armed(w, h);
  fdw__batch_remove(w, h);
  w->table[h->fd] = NULL;
  w->size--;
#ifdef FDW_HAVE_EPOLL
  if (w->epfd >= 0) {
    struct epoll_event ev = {0};
    /* Errors are fine: the fd may be closed already (which removed it).
     * When closing, closing epfd drops every registration at once. */
    if (h->registered && !w->closing)
      epoll_ctl(w->epfd, EPOLL_CTL_DEL, h->fd, &ev);
    free(h);
    return;
  }
#endif
  w->pending_closes++;
  uv_close((uv_handle_t*) &h->poll, fdw__on_fd_handle_closed);
  /* uv_close() has stopped the poll and removed dup_fd from epoll. */
  close(h->dup_fd);
  h->dup_fd = -1;
}


/* ---- epoll backend (Linux) ------------------------------------------------
 *
 * Our own epoll set, watched by libuv through ONE uv_poll_t. An armed fd is
 * registered for EPOLLIN, level-triggered, and stays enabled after it fires
 * until the end of the batch delivery: a waiter that pauses on it again
 * during the delivery (the usual read-then-wait loop) re-arms it with no
 * syscall at all. An fd that fired and was not re-armed by then is disabled
 * (one epoll_ctl), so an fd nobody waits on cannot make epoll_wait spin, and
 * an fd its waiter did not drain is reported once per loop iteration, as with
 * one-shot arming. Disabled registrations are EPOLLONESHOT with no events, so
 * a hang-up (always reported) fires at most once. Compared with one uv_poll_t
 * per fd (epoll DEL + ADD per arm, DEL per firing, plus a dup):
 *
 *  - no libuv abort is possible: libuv never sees the caller's fd, and our
 *    epoll_ctl() failures are plain errors (EBADF, EPERM);
 *  - no dup: an fd costs one fd, not two (10,000 watched eventfds need
 *    20,000+ fds with dups, over common RLIMIT_NOFILE limits);
 *  - identity is exact: epoll keys registrations by (fd, open file). If the
 *    owner closed fd and the number now names another file, MOD fails with
 *    ENOENT and we ADD the new file under a new generation tag; a
 *    registration left on the old file (still open elsewhere) fires at most
 *    once, with a stale tag, and is ignored. (One window is not covered: an
 *    fd that fired, was closed by its owner without closeFd() and reused for
 *    a new file within the same delivery, and re-armed then, keeps the
 *    skipped syscall. closeFd() forgets the handle and is always safe.)
 *  - the fd's flags are left alone (no O_NONBLOCK side effect).
 *
 * Unwatching is lazy: the handle is marked disarmed, and a later firing
 * disables the registration (one stale event at most).
 */
#ifdef FDW_HAVE_EPOLL

/* Register (or re-enable) h->fd for `events` (EPOLLIN), level-triggered;
 * free while its batch is being delivered (the registration has just
 * reported, so it is alive). With events == 0 it only validates and
 * registers the fd, disabled. */
static int fdw__epoll_arm(fdw_t* w, fdw_handle_t* h, uint32_t events) {
  struct epoll_event ev;

  if (events != 0 && h->enabled && h->delivering)
    return 0;
  ev.events = events != 0 ? events : EPOLLONESHOT;
  if (h->registered) {
    ev.data.u64 = ((uint64_t) h->gen << 32) | (uint32_t) h->fd;
    if (epoll_ctl(w->epfd, EPOLL_CTL_MOD, h->fd, &ev) == 0) {
      h->enabled = events != 0;
      return 0;
    }
    if (errno != ENOENT) {
      if (errno == EBADF)
        h->registered = h->enabled = 0;
      return -errno;
    }
    h->registered = h->enabled = 0; /* fd now names another file: register it anew */
  }
  h->gen = ++w->next_gen;
  ev.data.u64 = ((uint64_t) h->gen << 32) | (uint32_t) h->fd;
  if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, h->fd, &ev))
    return -errno; /* EBADF, EPERM (regular file, directory, /dev/null)... */
  h->registered = 1;
  h->enabled = events != 0;
  return 0;
}

/* Stop the kernel reporting h->fd (registered and enabled, not armed). */
static void fdw__epoll_disable(fdw_t* w, fdw_handle_t* h) {
  struct epoll_event ev;

  ev.events = EPOLLONESHOT;
  ev.data.u64 = ((uint64_t) h->gen << 32) | (uint32_t) h->fd;
  if (epoll_ctl(w->epfd, EPOLL_CTL_MOD, h->fd, &ev) != 0)
    h->registered = 0; /* closed by its owner: the kernel dropped it */
  h->enabled = 0;
}

static void fdw__on_epoll(uv_poll_t* poll, int status, int events) {
  fdw_t* w = poll->data;
  struct epoll_event evs[FDW_EVENTS_PER_WAIT];
  fdw_handle_t* h;
  uint32_t fd;
  uint32_t i;
  uint32_t fresh;
  int n;

  (void) events;
  if (status < 0) {
    /* Not expected for an epoll fd. libuv has stopped the poll: report
     * every armed fd with the error, so no waiter hangs, and go on. */
    for (i = 0; i < w->table_len; i++)
      if ((h = w->table[i]) != NULL && h->armed)
        fdw__fire(w, h, status);
    uv_poll_start(poll, UV_READABLE, fdw__on_epoll);
    return;
  }
  /* Level-triggered fds that fired stay in the kernel's ready list until
   * the delivery drains them, so a further epoll_wait() reports them again:
   * go on only while a full call still brings fds not already pending. */
  do {
    fresh = 0;
    n = epoll_wait(w->epfd, evs, FDW_EVENTS_PER_WAIT, 0);
    if (n < 0 && errno == EINTR)
      continue;
    for (i = 0; i < (uint32_t) (n > 0 ? n : 0); i++) {
      fd = (uint32_t) evs[i].data.u64;
      if (fd >= w->table_len || (h = w->table[fd]) == NULL ||
          h->gen != (uint32_t) (evs[i].data.u64 >> 32))
        continue; /* forgotten, or a stale registration */
      if (h->batch_idx >= 0)
        continue; /* reported again before its delivery */
      if (!h->armed) {
        if (h->enabled)
          fdw__epoll_disable(w, h); /* unwatched: stop its reports */
        continue;
      }
      fdw__fire(w, h, 0);
      h->delivering = 1;
      fresh++;
    }
  } while (n == FDW_EVENTS_PER_WAIT && fresh > 0);
}

#endif /* FDW_HAVE_EPOLL */


/* ---- uv_poll backend (portable) ------------------------------------------
 *
 * One uv_poll_t per fd, on a dup() of it: the owner closing its fd while it
 * is armed cannot make libuv abort (libuv aborts when epoll_ctl() fails with
 * EBADF for a polled fd). uv_poll_init() sets O_NONBLOCK on the shared open
 * file description. One-shot: the poll is stopped before the fd is reported.
 *
 * The cache is keyed by fd number, and the owner may close fd N and get a
 * new file numbered N without calling fdw_forget(). So re-arming a cached,
 * disarmed handle first checks that fd and its dup still denote the same
 * open file, with one syscall:
 *  - Linux: kcmp(KCMP_FILE), exact. Measured on the development VM (where
 *    any syscall costs ~1.1-1.5 us): +1.5 us per re-arm, on top of ~3
 *    epoll_ctl() per cycle that uv_poll_start()/uv_poll_stop() cost. kcmp
 *    may be blocked by seccomp; fdw_init() probes it.
 *  - elsewhere: fstat() st_dev/st_ino, same cost; exact for pipes and
 *    sockets, but every anonymous-inode fd (eventfd, timerfd) shares one
 *    inode, so a reused number goes unnoticed there.
 * Arming an armed fd costs nothing.
 */

/* 1 when h->fd still denotes the file h->dup_fd does, 0 when not, or a
 * negative errno (UV_EBADF when the owner closed fd). */
static int fdw__same_file(fdw_t* w, fdw_handle_t* h) {
  struct stat st;

#ifdef FDW_HAVE_KCMP
  if (w->use_kcmp) {
    long r = syscall(SYS_kcmp, (long) w->pid, (long) w->pid, FDW_KCMP_FILE,
                     (long) h->fd, (long) h->dup_fd);
    if (r >= 0)
      return r == 0;
    if (errno == EBADF)
      return UV_EBADF;
  }
#endif
  if (fstat(h->fd, &st))
    return -errno;
  return st.st_dev == h->dev && st.st_ino == h->ino;
}

static void fdw__on_fd_poll(uv_poll_t* poll, int status, int events) {
  fdw_handle_t* h = poll->data;

  (void) events; /* readable, hang-up or error: all mean "look now" */
  /* Stop before reporting. (On POLLERR libuv stopped it already.) */
  uv_poll_stop(poll);
  fdw__fire(h->owner, h, status);
}

static int fdw__uvpoll_create(fdw_t* w, fdw_handle_t* h) {
  struct stat st;
  int err;

  if (!w->use_kcmp) {
    if (fstat(h->fd, &st))
      return -errno;
    h->dev = st.st_dev;
    h->ino = st.st_ino;
  }
  h->dup_fd = fcntl(h->fd, F_DUPFD_CLOEXEC, 0);
  if (h->dup_fd < 0)
    return -errno;
  /* Rejects what epoll cannot watch (EPERM for regular files, directories,
   * /dev/null) and sets O_NONBLOCK on the shared file description. */
  err = uv_poll_init(w->loop, &h->poll, h->dup_fd);
  if (err != 0) {
    close(h->dup_fd);
    return err;
  }
  h->poll.data = h;
  if (!h->ref)
    uv_unref((uv_handle_t*) &h->poll);
  return 0;
}


/* ---- public API ----------------------------------------------------------- */

int fdw_init(fdw_t** out, uv_loop_t* loop, int flags, fdw_batch_cb cb,
             void* data) {
  fdw_t* w;
  int err;

  w = calloc(1, sizeof(*w));
  if (w == NULL)
    return UV_ENOMEM;
  w->loop = loop;
  w->cb = cb;
  w->cb_data = data;
  w->epfd = -1;
  w->pid = getpid();

#ifdef FDW_HAVE_EPOLL
  if (!(flags & FDW_BACKEND_UV_POLL)) {
    w->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (w->epfd < 0) {
      err = -errno;
      free(w);
      return err;
    }
    err = uv_poll_init(loop, &w->epoll_poll, w->epfd);
    if (err != 0) {
      close(w->epfd);
      free(w);
      return err;
    }
    w->epoll_poll.data = w;
    uv_poll_start(&w->epoll_poll, UV_READABLE, fdw__on_epoll);
    uv_unref((uv_handle_t*) &w->epoll_poll); /* ref'd while armed_ref > 0 */
  }
#else
  (void) flags;
#endif

#ifdef FDW_HAVE_KCMP
  if (w->epfd < 0) {
    int fd = uv_backend_fd(loop);
    w->use_kcmp = fd >= 0 &&
        syscall(SYS_kcmp, (long) w->pid, (long) w->pid, FDW_KCMP_FILE,
                (long) fd, (long) fd) == 0;
  }
#endif

  uv_check_init(loop, &w->check); /* cannot fail */
  w->check.data = w;
  uv_check_start(&w->check, fdw__on_check);
  uv_unref((uv_handle_t*) &w->check);
  *out = w;
  return 0;
}

const char* fdw_backend(const fdw_t* w) {
  return w->epfd >= 0 ? "epoll" : "uv_poll";
}

/* The handle for fd, creating (and, for uv_poll, validating) it if needed.
 * *created tells whether it is new (and so not yet in the table). */
static int fdw__get(fdw_t* w, int fd, fdw_handle_t** out, int* created) {
  fdw_handle_t* h;
  int err;

  *created = 0;
  h = (uint32_t) fd < w->table_len ? w->table[fd] : NULL;
  if (h != NULL) {
    if (h->armed || w->epfd >= 0) {
      *out = h;
      return 0;
    }
    err = fdw__same_file(w, h);
    if (err == 1) {
      *out = h;
      return 0;
    }
    fdw__drop(w, h); /* closed, or its number reused: start afresh */
    if (err < 0)
      return err;
  }
  if (fdw__libuv_polls(w, fd))
    return UV_EEXIST;
  if ((err = fdw__new_handle(w, fd, &h)) != 0)
    return err;
  if (w->epfd < 0 && (err = fdw__uvpoll_create(w, h)) != 0) {
    free(h);
    return err;
  }
  *created = 1;
  *out = h;
  return 0;
}

int fdw_watch(fdw_t* w, int fd) {
  fdw_handle_t* h;
  int created;
  int err;

  if (fd < 0)
    return UV_EBADF;
  if (w->closing)
    return UV_ECANCELED;
  if ((err = fdw__get(w, fd, &h, &created)) != 0)
    return err;
  if (h->armed)
    return 0;
#ifdef FDW_HAVE_EPOLL
  if (w->epfd >= 0) {
    if (!created && fdw__libuv_polls(w, fd)) {
      err = UV_EEXIST;
    } else {
      err = fdw__epoll_arm(w, h, EPOLLIN);
    }
    if (err != 0) {
      if (created)
        free(h);
      else
        fdw__drop(w, h);
      return err;
    }
  } else
#endif
  {
    uv_poll_start(&h->poll, UV_READABLE, fdw__on_fd_poll);
  }
  if (created)
    fdw__insert(w, h);
  fdw__set_armed(w, h);
  return 0;
}

void fdw_unwatch(fdw_t* w, int fd) {
  fdw_handle_t* h;

  if (fd < 0 || (uint32_t) fd >= w->table_len || (h = w->table[fd]) == NULL)
    return;
  fdw__batch_remove(w, h);
  if (!h->armed)
    return;
  if (w->epfd < 0)
    uv_poll_stop(&h->poll);
  fdw__clear_armed(w, h);
}

void fdw_forget(fdw_t* w, int fd) {
  fdw_handle_t* h;

  if (fd < 0 || (uint32_t) fd >= w->table_len || (h = w->table[fd]) == NULL)
    return;
  fdw__drop(w, h);
}

int fdw_set_ref(fdw_t* w, int fd, int ref) {
  fdw_handle_t* h;
  int created;
  int err;

  ref = ref != 0;
  if (fd < 0)
    return UV_EBADF;
  if (w->closing)
    return UV_ECANCELED;
  if ((err = fdw__get(w, fd, &h, &created)) != 0)
    return err;
#ifdef FDW_HAVE_EPOLL
  if (created && w->epfd >= 0 && (err = fdw__epoll_arm(w, h, 0)) != 0) {
    free(h);
    return err;
  }
#endif
  if (created)
    fdw__insert(w, h);
  if (h->ref == ref)
    return 0;
  if (w->epfd >= 0) {
    int armed = h->armed;
    if (armed)
      fdw__clear_armed(w, h);
    h->ref = (uint8_t) ref;
    if (armed)
      fdw__set_armed(w, h);
  } else {
    h->ref = (uint8_t) ref;
    if (ref)
      uv_ref((uv_handle_t*) &h->poll);
    else
      uv_unref((uv_handle_t*) &h->poll);
  }
  return 0;
}

uint32_t fdw_size(const fdw_t* w) {
  return w->size;
}

uint32_t fdw_armed(const fdw_t* w) {
  return w->armed;
}

void fdw_close(fdw_t* w, fdw_close_cb cb, void* data) {
  uint32_t i;

  assert(!w->closing);
  w->closing = 1;
  w->close_cb = cb;
  w->close_data = data;
  /* Keep pending_closes above zero until every close is issued. */
  w->pending_closes++;
  for (i = 0; i < w->table_len; i++)
    if (w->table[i] != NULL)
      fdw__drop(w, w->table[i]);
  if (w->epfd >= 0) {
    w->pending_closes++;
    uv_close((uv_handle_t*) &w->epoll_poll, fdw__on_own_handle_closed);
    close(w->epfd); /* uv_close() removed it from libuv's epoll set */
    w->epfd = -1;
  }
  uv_close((uv_handle_t*) &w->check, fdw__on_own_handle_closed);
}
