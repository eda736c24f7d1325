{
  "targets": [
    {
      "target_name": "asyncjob_native",
      "sources": [
        "native/binding.c",
        "native/fd_watch.c",
        "native/fd_ops.c"
      ],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter", "-std=gnu11"],
      "cflags!": ["-O3"],
      "xcode_settings": {
        "GCC_OPTIMIZATION_LEVEL": "2",
        "WARNING_CFLAGS": ["-Wall", "-Wextra", "-Wno-unused-parameter"],
        "MACOSX_DEPLOYMENT_TARGET": "10.15"
      }
    }
  ]
}
