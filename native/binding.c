/*
 * binding.c — the Node-API glue for asyncjob_native.
 *
 * Converts arguments, results and errors; holds the per-environment state
 * (instance data); nothing else. Arguments are validated by the JS wrapper
 * (adapters/native.ts); here a wrong type only raises a TypeError. Failures
 * are returned as negative errno numbers (no exception object is built on
 * the hot paths); the wrapper turns them into Node-style system errors.
 */
#ifndef NAPI_VERSION
#define NAPI_VERSION 8
#endif
#include <node_api.h>
#include <uv.h>

#include <stdlib.h>
#include <string.h>

#include "fd_ops.h"
#include "fd_watch.h"

typedef struct {
  napi_env env;
  fdw_t* watcher;  /* NULL until init(), and again once closed */
  napi_ref dispatch; /* function (fds, errors, count) */
  napi_ref fds;      /* Int32Array handed to dispatch */
  napi_ref errs;     /* Int32Array handed to dispatch */
  napi_async_context async_ctx;
  napi_async_cleanup_hook_handle cleanup;
} binding_t;

#define CHECK_NAPI(call)                                                      \
  do {                                                                        \
    if ((call) != napi_ok)                                                    \
      return NULL;                                                            \
  } while (0)


/* ---- conversions -------------------------------------------------------- */

static napi_value to_int(napi_env env, int32_t v) {
  napi_value r;
  CHECK_NAPI(napi_create_int32(env, v, &r));
  return r;
}

static int arg_ints(napi_env env, napi_callback_info info, size_t n,
                    int32_t* out, binding_t** b) {
  napi_value argv[2];
  size_t argc = 2;
  size_t i;

  if (napi_get_cb_info(env, info, &argc, argv, NULL, (void**) b) != napi_ok)
    return 0;
  for (i = 0; i < n; i++) {
    if (i >= argc || napi_get_value_int32(env, argv[i], &out[i]) != napi_ok) {
      napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE",
                            "The \"fd\" argument must be of type number");
      return 0;
    }
  }
  return 1;
}

static napi_value fd_pair(napi_env env, int err, const int fds[2]) {
  napi_value arr;

  if (err != 0)
    return to_int(env, err);
  CHECK_NAPI(napi_create_array_with_length(env, 2, &arr));
  CHECK_NAPI(napi_set_element(env, arr, 0, to_int(env, fds[0])));
  CHECK_NAPI(napi_set_element(env, arr, 1, to_int(env, fds[1])));
  return arr;
}


/* ---- batch delivery ----------------------------------------------------- */

/* The Int32Array behind ref, with room for n entries (a new one when it is
 * too small, or was detached by a transfer). */
static int32_t* batch_array(binding_t* b, napi_ref* ref, uint32_t n,
                            napi_value* out) {
  napi_env env = b->env;
  napi_value ab;
  void* data = NULL;
  size_t len = 0;
  uint32_t cap;

  if (*ref != NULL && napi_get_reference_value(env, *ref, out) == napi_ok &&
      napi_get_typedarray_info(env, *out, NULL, &len, &data, NULL, NULL) ==
          napi_ok &&
      len >= n && data != NULL)
    return data;

  cap = len > 64 ? (uint32_t) len : 64;
  while (cap < n)
    cap *= 2;
  if (napi_create_arraybuffer(env, cap * sizeof(int32_t), &data, &ab) !=
          napi_ok ||
      napi_create_typedarray(env, napi_int32_array, cap, ab, 0, out) !=
          napi_ok)
    return NULL;
  if (*ref != NULL)
    napi_delete_reference(env, *ref);
  if (napi_create_reference(env, *out, 1, ref) != napi_ok) {
    *ref = NULL;
    return NULL;
  }
  return data;
}

static void on_batch(fdw_t* w, const int32_t* fds, const int32_t* errors,
                     uint32_t count, void* data) {
  binding_t* b = data;
  napi_env env = b->env;
  napi_handle_scope scope;
  napi_value argv[3];
  napi_value fn;
  napi_value recv;
  napi_value exc;
  napi_valuetype t;
  int32_t* fds_out;
  int32_t* errs_out;
  napi_status status;

  (void) w;
  if (napi_open_handle_scope(env, &scope) != napi_ok)
    return;
  fds_out = batch_array(b, &b->fds, count, &argv[0]);
  errs_out = batch_array(b, &b->errs, count, &argv[1]);
  if (fds_out == NULL || errs_out == NULL ||
      napi_create_uint32(env, count, &argv[2]) != napi_ok ||
      napi_get_reference_value(env, b->dispatch, &fn) != napi_ok ||
      napi_get_global(env, &recv) != napi_ok)
    goto done;
  memcpy(fds_out, fds, count * sizeof(int32_t));
  memcpy(errs_out, errors, count * sizeof(int32_t));

  /* A callback scope: microtasks and nextTicks run when it returns. */
  status = napi_make_callback(env, b->async_ctx, recv, fn, 3, argv, NULL);
  if (status == napi_pending_exception &&
      napi_get_and_clear_last_exception(env, &exc) == napi_ok &&
      napi_typeof(env, exc, &t) == napi_ok && t != napi_undefined) {
    /* onReady threw: route it to 'uncaughtException', like any callback.
     * (When the environment is stopping, no exception is pending and the
     * batch is simply dropped.) */
    napi_fatal_exception(env, exc);
  }

done:
  napi_close_handle_scope(env, scope);
}


/* ---- environment teardown ---------------------------------------------- */

static void on_watcher_closed(void* data) {
  binding_t* b = data;
  napi_async_cleanup_hook_handle h = b->cleanup;

  b->watcher = NULL;
  b->cleanup = NULL;
  if (h != NULL)
    napi_remove_async_cleanup_hook(h);
}

/* The environment (main thread or worker) is going away: stop and close
 * every poll handle; Node keeps running the loop until on_watcher_closed()
 * removes this hook, so memory is freed in libuv's close callbacks. */
static void on_env_cleanup(napi_async_cleanup_hook_handle handle, void* arg) {
  binding_t* b = arg;
  napi_env env = b->env;

  b->cleanup = handle;
  if (b->async_ctx != NULL) {
    napi_async_destroy(env, b->async_ctx);
    b->async_ctx = NULL;
  }
  if (b->dispatch != NULL)
    napi_delete_reference(env, b->dispatch);
  if (b->fds != NULL)
    napi_delete_reference(env, b->fds);
  if (b->errs != NULL)
    napi_delete_reference(env, b->errs);
  b->dispatch = b->fds = b->errs = NULL;
  if (b->watcher != NULL)
    fdw_close(b->watcher, on_watcher_closed, b);
  else
    on_watcher_closed(b);
}

static void on_instance_finalize(napi_env env, void* data, void* hint) {
  binding_t* b = data;

  (void) env;
  (void) hint;
  /* The cleanup hook holds the environment, so it has finished by now. */
  if (b->watcher == NULL)
    free(b);
}


/* ---- the watcher -------------------------------------------------------- */

/* init(dispatch): create this environment's watcher. Returns 0 or -errno. */
static napi_value js_init(napi_env env, napi_callback_info info) {
  binding_t* b;
  napi_value argv[1];
  napi_value name;
  size_t argc = 1;
  uv_loop_t* loop;
  const char* backend;
  int flags;
  int err;

  CHECK_NAPI(napi_get_cb_info(env, info, &argc, argv, NULL, (void**) &b));
  if (b->watcher != NULL)
    return to_int(env, 0);
  if (argc < 1) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE",
                          "The \"dispatch\" argument must be a function");
    return NULL;
  }
  CHECK_NAPI(napi_get_uv_event_loop(env, &loop));
  CHECK_NAPI(napi_create_string_utf8(env, "asyncjob.FdWatcher",
                                     NAPI_AUTO_LENGTH, &name));
  CHECK_NAPI(napi_async_init(env, NULL, name, &b->async_ctx));
  CHECK_NAPI(napi_create_reference(env, argv[0], 1, &b->dispatch));
  /* ASYNCJOB_FD_BACKEND=uv_poll selects the portable backend (tests,
   * comparisons); the default is the best one for the platform. */
  backend = getenv("ASYNCJOB_FD_BACKEND");
  flags = backend != NULL && strcmp(backend, "uv_poll") == 0
              ? FDW_BACKEND_UV_POLL
              : 0;
  err = fdw_init(&b->watcher, loop, flags, on_batch, b);
  if (err != 0) {
    b->watcher = NULL;
    return to_int(env, err);
  }
  CHECK_NAPI(napi_add_async_cleanup_hook(env, on_env_cleanup, b, &b->cleanup));
  return to_int(env, 0);
}

static napi_value js_watch(napi_env env, napi_callback_info info) {
  binding_t* b;
  int32_t fd;

  if (!arg_ints(env, info, 1, &fd, &b))
    return NULL;
  return to_int(env, b->watcher ? fdw_watch(b->watcher, fd) : UV_EINVAL);
}

static napi_value js_unwatch(napi_env env, napi_callback_info info) {
  binding_t* b;
  int32_t fd;

  if (!arg_ints(env, info, 1, &fd, &b))
    return NULL;
  if (b->watcher)
    fdw_unwatch(b->watcher, fd);
  return NULL;
}

static napi_value js_forget(napi_env env, napi_callback_info info) {
  binding_t* b;
  int32_t fd;

  if (!arg_ints(env, info, 1, &fd, &b))
    return NULL;
  if (b->watcher)
    fdw_forget(b->watcher, fd);
  return NULL;
}

static napi_value js_set_ref(napi_env env, napi_callback_info info) {
  binding_t* b;
  int32_t a[2];

  if (!arg_ints(env, info, 2, a, &b))
    return NULL;
  return to_int(env, b->watcher ? fdw_set_ref(b->watcher, a[0], a[1]) : UV_EINVAL);
}

static napi_value js_backend(napi_env env, napi_callback_info info) {
  binding_t* b;
  napi_value r;

  CHECK_NAPI(napi_get_cb_info(env, info, NULL, NULL, NULL, (void**) &b));
  CHECK_NAPI(napi_create_string_utf8(
      env, b->watcher ? fdw_backend(b->watcher) : "", NAPI_AUTO_LENGTH, &r));
  return r;
}

static napi_value js_size(napi_env env, napi_callback_info info) {
  binding_t* b;

  CHECK_NAPI(napi_get_cb_info(env, info, NULL, NULL, NULL, (void**) &b));
  return to_int(env, b->watcher ? (int32_t) fdw_size(b->watcher) : 0);
}

static napi_value js_armed(napi_env env, napi_callback_info info) {
  binding_t* b;

  CHECK_NAPI(napi_get_cb_info(env, info, NULL, NULL, NULL, (void**) &b));
  return to_int(env, b->watcher ? (int32_t) fdw_armed(b->watcher) : 0);
}


/* ---- fd helpers ------------------------------------------------------------ */

static napi_value js_pipe(napi_env env, napi_callback_info info) {
  int fds[2];

  (void) info;
  return fd_pair(env, fdo_pipe(fds), fds);
}

static napi_value js_socketpair(napi_env env, napi_callback_info info) {
  int fds[2];

  (void) info;
  return fd_pair(env, fdo_socketpair(fds), fds);
}

static napi_value js_eventfd(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  size_t argc = 1;
  uint32_t initial = 0;
  int fd = -1;
  int err;

  CHECK_NAPI(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc >= 1 && napi_get_value_uint32(env, argv[0], &initial) != napi_ok) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE",
                          "The \"initial\" argument must be of type number");
    return NULL;
  }
  err = fdo_eventfd(initial, &fd);
  return to_int(env, err != 0 ? err : fd);
}

static napi_value js_notify(napi_env env, napi_callback_info info) {
  binding_t* b;
  int32_t fd;

  if (!arg_ints(env, info, 1, &fd, &b))
    return NULL;
  return to_int(env, fdo_notify(fd));
}

/* The amount drained (>= 0), or a negative errno. Counters above 2^53
 * lose precision as JS numbers. */
static napi_value js_drain(napi_env env, napi_callback_info info) {
  binding_t* b;
  napi_value r;
  uint64_t n = 0;
  int32_t fd;
  int err;

  if (!arg_ints(env, info, 1, &fd, &b))
    return NULL;
  err = fdo_drain(fd, &n);
  if (err != 0)
    return to_int(env, err);
  if (n <= INT32_MAX)
    return to_int(env, (int32_t) n);
  CHECK_NAPI(napi_create_double(env, (double) n, &r));
  return r;
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  binding_t* b;
  int32_t fd;

  if (!arg_ints(env, info, 1, &fd, &b))
    return NULL;
  if (b->watcher)
    fdw_forget(b->watcher, fd);
  return to_int(env, fdo_close(fd));
}


static napi_value js_readable(napi_env env, napi_callback_info info) {
  binding_t* b;
  int32_t fd;

  if (!arg_ints(env, info, 1, &fd, &b))
    return NULL;
  return to_int(env, fdo_readable(fd));
}


/* ---- module ------------------------------------------------------------- */

NAPI_MODULE_INIT() {
  binding_t* b;
  napi_property_descriptor props[] = {
#define FN(name, fn) { name, NULL, fn, NULL, NULL, NULL, napi_enumerable, NULL }
    FN("init", js_init),
    FN("watch", js_watch),
    FN("unwatch", js_unwatch),
    FN("forget", js_forget),
    FN("setRef", js_set_ref),
    FN("backend", js_backend),
    FN("size", js_size),
    FN("armed", js_armed),
    FN("pipe", js_pipe),
    FN("socketpair", js_socketpair),
    FN("eventfd", js_eventfd),
    FN("notify", js_notify),
    FN("drain", js_drain),
    FN("close", js_close),
    FN("readable", js_readable),
#undef FN
  };
  size_t i;

  b = calloc(1, sizeof(*b));
  if (b == NULL) {
    napi_throw_error(env, "ERR_MEMORY_ALLOCATION_FAILED", "out of memory");
    return NULL;
  }
  b->env = env;
  if (napi_set_instance_data(env, b, on_instance_finalize, NULL) != napi_ok) {
    free(b);
    return NULL;
  }
  for (i = 0; i < sizeof(props) / sizeof(props[0]); i++)
    props[i].data = b;
  CHECK_NAPI(napi_define_properties(env, exports,
                                    sizeof(props) / sizeof(props[0]), props));
  return exports;
}
