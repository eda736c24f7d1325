/*
 * fd_ops — the wake channels: create, notify, drain and close OS fds.
 *
 * Pure C, no libuv state, no Node-API. Every function returns 0 (or a
 * non-negative result) or a negative errno.
 *
 * Fds made here are O_CLOEXEC and O_NONBLOCK, and are remembered in a small
 * process-wide table (by fd number) as "ours, non-blocking, eventfd or
 * stream", so that fdo_notify()/fdo_drain() on them cost exactly one
 * syscall. fdo_close() forgets the entry. An fd not made here (or one whose
 * number was reused after being closed some other way than fdo_close())
 * takes a slower path that inspects it first: fcntl(F_GETFL) + fstat(), and
 * poll() with a zero timeout before touching a blocking fd, so notify and
 * drain never block.
 */
#ifndef ASYNCJOB_FD_OPS_H
#define ASYNCJOB_FD_OPS_H

#include <stdint.h>

/* pipe2(O_CLOEXEC | O_NONBLOCK): fds[0] reads, fds[1] writes. */
int fdo_pipe(int fds[2]);

/* socketpair(AF_UNIX, SOCK_STREAM) with CLOEXEC and NONBLOCK on both. */
int fdo_socketpair(int fds[2]);

/* eventfd(initial, EFD_CLOEXEC | EFD_NONBLOCK). UV_ENOSYS off Linux. */
int fdo_eventfd(uint32_t initial, int* fd);

/*
 * Make fd readable: add 1 to an eventfd (8-byte write), or write one byte to
 * a pipe or socket. A full channel (EAGAIN) counts as success: it is
 * readable already. UV_EPERM for regular files and directories.
 */
int fdo_notify(int fd);

/*
 * Clear fd's readability without blocking. For an eventfd, one 8-byte read:
 * *out is the counter value. For a pipe or socket, reads of up to 4096
 * bytes until a short read or EAGAIN: *out is the number of bytes. *out is
 * 0 when there was nothing to read. A blocking fd is polled first and read
 * at most once, so it never blocks.
 */
int fdo_drain(int fd, uint64_t* out);

/* close(2); EINTR counts as closed (Linux always releases the fd). */
int fdo_close(int fd);

/* Whether fd is readable now (or hung up / in error): poll(2) with a zero
 * timeout, never blocks, reads nothing. 1 or 0, or a negative UV_E* error
 * (UV_EBADF for a closed fd). */
int fdo_readable(int fd);

#endif /* ASYNCJOB_FD_OPS_H */
