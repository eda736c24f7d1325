/* fd_ops — see fd_ops.h for the contract. */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif

#include "fd_ops.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#if defined(__linux__)
#include <sys/eventfd.h>
#endif

#include <uv.h> /* UV_E* constants only */

#define FDO_UNKNOWN 0
#define FDO_EVENTFD 1 /* made by fdo_eventfd(): non-blocking eventfd */
#define FDO_STREAM 2  /* made by fdo_pipe()/fdo_socketpair(): non-blocking */

#define FDO_KINDS 65536 /* fds above this always take the inspecting path */
#define FDO_DRAIN_CHUNK 4096

/* Shared by every thread (fd numbers are per process); byte-sized relaxed
 * atomics: a stale entry only costs the slow, inspecting path. */
static unsigned char fdo_kinds[FDO_KINDS];

static int fdo__kind(int fd) {
  if ((unsigned) fd >= FDO_KINDS)
    return FDO_UNKNOWN;
  return __atomic_load_n(&fdo_kinds[fd], __ATOMIC_RELAXED);
}

static void fdo__set_kind(int fd, int kind) {
  if ((unsigned) fd < FDO_KINDS)
    __atomic_store_n(&fdo_kinds[fd], (unsigned char) kind, __ATOMIC_RELAXED);
}

static int fdo__cloexec_nonblock(int fd) {
  int fl;

  if (fcntl(fd, F_SETFD, FD_CLOEXEC))
    return -errno;
  fl = fcntl(fd, F_GETFL);
  if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK))
    return -errno;
  return 0;
}


/* ---- creation ----------------------------------------------------------- */

/* Finish a new pair: make both ends close-on-exec and non-blocking where the
 * creating call could not (set_flags), and remember them as streams. */
static int fdo__finish_pair(int fds[2], int set_flags) {
  int err;

  if (set_flags && ((err = fdo__cloexec_nonblock(fds[0])) != 0 ||
                    (err = fdo__cloexec_nonblock(fds[1])) != 0)) {
    close(fds[0]);
    close(fds[1]);
    return err;
  }
  fdo__set_kind(fds[0], FDO_STREAM);
  fdo__set_kind(fds[1], FDO_STREAM);
  return 0;
}

int fdo_pipe(int fds[2]) {
#if defined(__linux__)
  if (pipe2(fds, O_CLOEXEC | O_NONBLOCK))
    return -errno;
  return fdo__finish_pair(fds, 0);
#else
  if (pipe(fds))
    return -errno;
  return fdo__finish_pair(fds, 1);
#endif
}

int fdo_socketpair(int fds[2]) {
#if defined(SOCK_CLOEXEC) && defined(SOCK_NONBLOCK)
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds))
    return -errno;
  return fdo__finish_pair(fds, 0);
#else
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds))
    return -errno;
  return fdo__finish_pair(fds, 1);
#endif
}

int fdo_eventfd(uint32_t initial, int* fd) {
#if defined(__linux__)
  int r = eventfd(initial, EFD_CLOEXEC | EFD_NONBLOCK);
  if (r < 0)
    return -errno;
  fdo__set_kind(r, FDO_EVENTFD);
  *fd = r;
  return 0;
#else
  (void) initial;
  (void) fd;
  return UV_ENOSYS;
#endif
}

int fdo_close(int fd) {
  fdo__set_kind(fd, FDO_UNKNOWN);
  if (close(fd) && errno != EINTR)
    return -errno;
  return 0;
}


/* ---- primitive reads and writes ----------------------------------------- */

static int fdo__add_one(int fd) {
  uint64_t one = 1;
  ssize_t r;

  do
    r = write(fd, &one, sizeof(one));
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return errno == EAGAIN ? 0 : -errno; /* counter at its maximum */
  return 0;
}

static int fdo__write_byte(int fd) {
  static const char byte = 1;
  ssize_t r;

  do
    r = write(fd, &byte, 1);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno; /* full */
  return 0;
}

static int fdo__read_counter(int fd, uint64_t* out) {
  uint64_t v;
  ssize_t r;

  do
    r = read(fd, &v, sizeof(v));
  while (r < 0 && errno == EINTR);
  if (r < 0) {
    if (errno != EAGAIN)
      return -errno;
    v = 0;
  } else if (r != sizeof(v)) {
    return UV_EINVAL;
  }
  *out = v;
  return 0;
}

/* Reads until a short read, EOF or EAGAIN; just once if `once`. */
static int fdo__read_bytes(int fd, int once, uint64_t* out) {
  char buf[FDO_DRAIN_CHUNK];
  uint64_t total = 0;
  ssize_t r;

  for (;;) {
    r = read(fd, buf, sizeof(buf));
    if (r < 0) {
      if (errno == EINTR)
        continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        break;
      if (total > 0)
        break; /* report what was drained; the error will come back */
      return -errno;
    }
    total += (uint64_t) r;
    if (once || r < (ssize_t) sizeof(buf))
      break;
  }
  *out = total;
  return 0;
}


/* ---- the inspecting path, for fds not made here ------------------------- */

typedef struct {
  int anon;     /* anonymous inode: eventfd, timerfd, ... */
  int blocking; /* O_NONBLOCK is clear */
} fdo_info_t;

static int fdo__inspect(int fd, fdo_info_t* info) {
  struct stat st;
  int fl;

  fl = fcntl(fd, F_GETFL);
  if (fl < 0)
    return -errno;
  if (fstat(fd, &st))
    return -errno;
  if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))
    return UV_EPERM; /* not a wake channel */
  info->anon = (st.st_mode & S_IFMT) == 0;
  info->blocking = (fl & O_NONBLOCK) == 0;
  return 0;
}

/* 1 when fd is ready for `events` right now, 0 when not, or an error. */
static int fdo__ready(int fd, short events) {
  struct pollfd p;
  int r;

  p.fd = fd;
  p.events = events;
  p.revents = 0;
  do
    r = poll(&p, 1, 0);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return -errno;
  return r > 0;
}

int fdo_notify(int fd) {
  fdo_info_t info;
  int err;

  switch (fdo__kind(fd)) {
    case FDO_EVENTFD:
      return fdo__add_one(fd);
    case FDO_STREAM:
      return fdo__write_byte(fd);
  }
  if ((err = fdo__inspect(fd, &info)) != 0)
    return err;
  if (info.anon)
    return fdo__add_one(fd); /* eventfd writes block only at overflow */
  if (info.blocking && (err = fdo__ready(fd, POLLOUT)) <= 0)
    return err; /* full (hence readable already) or failed */
  return fdo__write_byte(fd);
}

int fdo_drain(int fd, uint64_t* out) {
  fdo_info_t info;
  int err;

  switch (fdo__kind(fd)) {
    case FDO_EVENTFD:
      return fdo__read_counter(fd, out);
    case FDO_STREAM:
      return fdo__read_bytes(fd, 0, out);
  }
  if ((err = fdo__inspect(fd, &info)) != 0)
    return err;
  if (info.blocking && (err = fdo__ready(fd, POLLIN)) <= 0) {
    *out = 0;
    return err;
  }
  if (info.anon)
    return fdo__read_counter(fd, out);
  return fdo__read_bytes(fd, info.blocking, out);
}

int fdo_readable(int fd) {
  struct pollfd p;
  int r;

  p.fd = fd;
  p.events = POLLIN;
  p.revents = 0;
  do
    r = poll(&p, 1, 0);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return -errno;
  if (p.revents & POLLNVAL)
    return UV_EBADF;
  return r > 0 ? 1 : 0;
}
