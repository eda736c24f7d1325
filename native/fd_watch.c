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

typedef struct fdw_handle_s {
  uv_poll_t poll;    /* poll.data == this */
  fdw_t* owner;
  int fd;            /* the caller's fd: the key, and what is reported */
  int dup_fd;        /* uv_poll backend: what libuv watches */
  int32_t batch_idx; /* index in the pending batch, or -1 */
  uint32_t gen;      /* epoll backend: tags this fd's registration */
  uint8_t armed;
  uint8_t ref;
  uint8_t registered; /* epoll backend: fd is in the epoll set */
  dev_t dev;         /* identity of the file, when kcmp(2) is unavailable */
  ino_t ino;
} fdw_handle_t;

struct fdw_s {
  uv_loop_t* loop;
  uv_check_t check;
  /* epoll backend: our own epoll set, watched by libuv as one fd. */
  int epfd; /* -1: uv_poll backend */
  uv_poll_t epoll_poll;
  uint32_t armed_ref; /* armed handles with ref: keep epoll_poll ref'd */
  uint32_t next_gen;
  fdw_batch_cb cb;
  void* cb_data;

  fdw_handle_t** table; /* indexed by the caller's fd */
  uint32_t table_len;
  uint32_t size;
  uint32_t armed;

  /* Pending batch. Capacity >= size at all times, so that appending from a
   * poll callback never allocates (and so never fails). */
  fdw_handle_t** batch;
  int32_t* batch_fds;
  int32_t* batch_errs;
  uint32_t batch_len;
  uint32_t batch_cap;

  int use_kcmp;
  pid_t pid;

  uint32_t pending_closes; /* close callbacks not yet run */
  int closing;
  fdw_close_cb close_cb;
  void* close_data;
};


/* ---- identity of a cached handle ---------------------------------------
 *
 * The cache is keyed by fd number, and the owner may close fd N and get a
 * new file with number N without telling us (it should call fdw_forget()
 * first, but we cannot rely on that). Re-arming the cached dup would then
 * watch the old file and the waiter on the new one would never wake.
 *
 * So every re-arm of a cached, disarmed handle checks that fd and dup_fd
 * still denote the same open file description, with one syscall:
 *
 *  - Linux: kcmp(KCMP_FILE) — exact. Measured on the development machine
 *    (a VM where every syscall costs ~1.1-1.5 us): 1.5 us per re-arm, about
 *    a quarter of a full watch -> ready -> report cycle (uv_poll_start,
 *    epoll ADD, epoll DEL on firing: ~3 syscalls). kcmp can be blocked by a
 *    seccomp policy; this is probed once in fdw_init().
 *  - elsewhere: fstat() and compare st_dev/st_ino. Same cost; exact for
 *    pipes and sockets, but all anonymous-inode fds (eventfd, timerfd) share
 *    one inode, so a reused eventfd number goes unnoticed there.
 *
 * Arming an already armed fd is a no-op and costs no syscall.
 */
static int fdw__identity(fdw_t* w, fdw_handle_t* h) {
  struct stat st;

#ifdef FDW_HAVE_KCMP
  if (w->use_kcmp) {
    long r = syscall(SYS_kcmp, (long) w->pid, (long) w->pid, FDW_KCMP_FILE,
                     (long) h->fd, (long) h->dup_fd);
    if (r == 0)
      return 1;
    if (r > 0)
      return 0;
    if (errno == EBADF)
      return UV_EBADF;
    /* Anything else: fall through to fstat(). */
  }
#endif

  if (fstat(h->fd, &st))
    return -errno;
  return st.st_dev == h->dev && st.st_ino == h->ino;
}


/* ---- growth (never called from libuv callbacks) ------------------------ */

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
  /* Each realloc is kept as soon as it succeeds, so a failure halfway
   * leaves consistent (if partly larger) arrays behind. */
  p = realloc(w->batch, cap * sizeof(*w->batch));
  if (p == NULL)
    return UV_ENOMEM;
  w->batch = p;
  p = realloc(w->batch_fds, cap * sizeof(*w->batch_fds));
  if (p == NULL)
    return UV_ENOMEM;
  w->batch_fds = p;
  p = realloc(w->batch_errs, cap * sizeof(*w->batch_errs));
  if (p == NULL)
    return UV_ENOMEM;
  w->batch_errs = p;
  w->batch_cap = cap;
  return 0;
}


/* ---- the pending batch -------------------------------------------------- */

static void fdw__batch_push(fdw_t* w, fdw_handle_t* h, int status) {
  uint32_t i;

  if (h->batch_idx >= 0) { /* already pending: keep one entry per fd */
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


/* ---- libuv callbacks ---------------------------------------------------- */

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

static void fdw__on_handle_closed(uv_handle_t* handle) {
  fdw_t* w;

  if (handle->type == UV_POLL) {
    fdw_handle_t* h = handle->data;
    w = h->owner;
    free(h);
  } else {
    w = handle->data;
  }
  assert(w->pending_closes > 0);
  if (--w->pending_closes == 0 && w->closing)
    fdw__finish_close(w);
}

static void fdw__on_poll(uv_poll_t* poll, int status, int events) {
  fdw_handle_t* h = poll->data;
  fdw_t* w = h->owner;

  (void) events; /* readable, disconnect or error: all mean "look now" */
  /* One-shot: stop before reporting. (On POLLERR libuv already stopped the
   * io watcher; stopping twice is harmless.) */
  uv_poll_stop(poll);
  if (h->armed) {
    h->armed = 0;
    w->armed--;
  }
  fdw__batch_push(w, h, status);
}

static void fdw__on_check(uv_check_t* check) {
  fdw_t* w = check->data;
  uint32_t i;
  uint32_t n = w->batch_len;

  if (n == 0 || w->closing)
    return;
  /* Detach the batch before calling out, so that fdw_unwatch()/fdw_forget()
   * from inside the callback do not edit what is being delivered. */
  for (i = 0; i < n; i++)
    w->batch[i]->batch_idx = -1;
  w->batch_len = 0;
  w->cb(w, w->batch_fds, w->batch_errs, n, w->cb_data);
}


/* ---- handles ------------------------------------------------------------ */

static int fdw__create(fdw_t* w, int fd, fdw_handle_t** out) {
  fdw_handle_t* h;
  struct stat st;
  int dup_fd;
  int err;

#ifndef _WIN32
  /* libuv's own (private) uv__fd_exists() test, on the public loop fields:
   * is this fd number already polled by this loop (a net.Socket, a
   * uv_poll_t of Node's)? uv_poll_init() would say EEXIST for the fd itself,
   * but we hand it a dup, so ask for the original here. */
  if ((unsigned) fd < w->loop->nwatchers && w->loop->watchers[fd] != NULL)
    return UV_EEXIST;
#endif

  if ((err = fdw__grow_table(w, fd)) != 0)
    return err;
  if ((err = fdw__grow_batch(w, w->size + 1)) != 0)
    return err;
  if (!w->use_kcmp && fstat(fd, &st))
    return -errno;

  dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (dup_fd < 0)
    return -errno;

  h = malloc(sizeof(*h));
  if (h == NULL) {
    close(dup_fd);
    return UV_ENOMEM;
  }
  /* Rejects what epoll cannot watch (EPERM for regular files, directories,
   * /dev/null) and sets O_NONBLOCK on the shared file description. */
  err = uv_poll_init(w->loop, &h->poll, dup_fd);
  if (err != 0) {
    close(dup_fd);
    free(h);
    return err;
  }
  h->poll.data = h;
  h->owner = w;
  h->fd = fd;
  h->dup_fd = dup_fd;
  h->batch_idx = -1;
  h->armed = 0;
  h->ref = 1;
  if (!w->use_kcmp) {
    h->dev = st.st_dev;
    h->ino = st.st_ino;
  } else {
    h->dev = 0;
    h->ino = 0;
  }
  w->table[fd] = h;
  w->size++;
  *out = h;
  return 0;
}

static void fdw__close_handle(fdw_t* w, fdw_handle_t* h) {
  if (h->armed) {
    h->armed = 0;
    w->armed--;
  }
  fdw__batch_remove(w, h);
  w->table[h->fd] = NULL;
  w->size--;
  w->pending_closes++;
  uv_close((uv_handle_t*) &h->poll, fdw__on_handle_closed);
  /* uv_close() has stopped the poll and deleted dup_fd from epoll. */
  close(h->dup_fd);
  h->dup_fd = -1;
}

/* The cached handle for fd, re-validated; NULL (with *err == 0) if none. */
static fdw_handle_t* fdw__lookup(fdw_t* w, int fd, int* err) {
  fdw_handle_t* h;
  int same;

  *err = 0;
  if ((uint32_t) fd >= w->table_len || (h = w->table[fd]) == NULL)
    return NULL;
  if (h->armed)
    return h;
  same = fdw__identity(w, h);
  if (same == 1)
    return h;
  if (same < 0)
    *err = same; /* e.g. the owner closed fd: report it, keep nothing */
  fdw__close_handle(w, h);
  return NULL;
}


/* ---- public API ----------------------------------------------------------- */

int fdw_init(fdw_t** out, uv_loop_t* loop, fdw_batch_cb cb, void* data) {
  fdw_t* w;
  int err;

  w = calloc(1, sizeof(*w));
  if (w == NULL)
    return UV_ENOMEM;
  w->loop = loop;
  w->cb = cb;
  w->cb_data = data;
  w->pid = getpid();
#ifdef FDW_HAVE_KCMP
  {
    int fd = uv_backend_fd(loop);
    w->use_kcmp = fd >= 0 &&
        syscall(SYS_kcmp, (long) w->pid, (long) w->pid, FDW_KCMP_FILE,
                (long) fd, (long) fd) == 0;
  }
#endif
  err = uv_check_init(loop, &w->check);
  if (err != 0) {
    free(w);
    return err;
  }
  w->check.data = w;
  uv_check_start(&w->check, fdw__on_check);
  uv_unref((uv_handle_t*) &w->check);
  *out = w;
  return 0;
}

int fdw_watch(fdw_t* w, int fd) {
  fdw_handle_t* h;
  int err;

  if (fd < 0)
    return UV_EBADF;
  if (w->closing)
    return UV_ECANCELED;
  h = fdw__lookup(w, fd, &err);
  if (err != 0)
    return err;
  if (h == NULL && (err = fdw__create(w, fd, &h)) != 0)
    return err;
  if (h->armed)
    return 0;
  uv_poll_start(&h->poll, UV_READABLE, fdw__on_poll);
  h->armed = 1;
  w->armed++;
  return 0;
}

void fdw_unwatch(fdw_t* w, int fd) {
  fdw_handle_t* h;

  if (fd < 0 || (uint32_t) fd >= w->table_len || (h = w->table[fd]) == NULL)
    return;
  fdw__batch_remove(w, h);
  if (!h->armed)
    return;
  uv_poll_stop(&h->poll);
  h->armed = 0;
  w->armed--;
}

void fdw_forget(fdw_t* w, int fd) {
  fdw_handle_t* h;

  if (fd < 0 || (uint32_t) fd >= w->table_len || (h = w->table[fd]) == NULL)
    return;
  fdw__close_handle(w, h);
}

int fdw_set_ref(fdw_t* w, int fd, int ref) {
  fdw_handle_t* h;
  int err;

  if (fd < 0)
    return UV_EBADF;
  if (w->closing)
    return UV_ECANCELED;
  h = fdw__lookup(w, fd, &err);
  if (err != 0)
    return err;
  if (h == NULL && (err = fdw__create(w, fd, &h)) != 0)
    return err;
  h->ref = ref != 0;
  if (h->ref)
    uv_ref((uv_handle_t*) &h->poll);
  else
    uv_unref((uv_handle_t*) &h->poll);
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
  for (i = 0; i < w->table_len; i++)
    if (w->table[i] != NULL)
      fdw__close_handle(w, w->table[i]);
  w->pending_closes++;
  uv_close((uv_handle_t*) &w->check, fdw__on_handle_closed);
}
