/*
 * lifecircle/context.h — the context handle every public call takes first, status codes, messages
 * and progress.
 *
 * A context owns the GEOS handle, the PROJ context, the last error (code and message), the message
 * handler and the progress handler. There is no global state: one thread uses one context at a time,
 * parallel work gets one context per thread (as with GEOS's _r API and PROJ's PJ_CONTEXT).
 */
#ifndef LIFECIRCLE_CONTEXT_H
#define LIFECIRCLE_CONTEXT_H

#include <stdarg.h>
#include <stddef.h>

#define LC_API __attribute__((visibility("default")))

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes. LC_OK is 0; the hundreds digit names the family so a caller can tell
 * input-data problems from I/O, CRS, geometry, misuse and memory failures (lc_status_family). */
typedef enum lc_status {
    LC_OK = 0,
    LC_ERR_MISUSE = 100,      /* the caller broke an API contract (NULL argument, bad option) */
    LC_ERR_UNSUPPORTED = 101, /* a valid request this build cannot serve */
    LC_ERR_DATA = 200,        /* input values are wrong: missing, non-numeric, negative, duplicate */
    LC_ERR_FIELD = 201,       /* a mapped or required field does not exist */
    LC_ERR_CONFIG = 202,      /* a study or profile file is malformed or names unknown keys */
    LC_ERR_GEOMETRY = 300,    /* a geometry could not be read, repaired or computed */
    LC_ERR_CRS = 400,         /* a coordinate reference system is missing, unknown or unusable */
    LC_ERR_IO = 500,          /* a file, database or directory could not be opened, read or written */
    LC_ERR_NOMEM = 600,       /* out of memory */
    LC_ERR_INTERNAL = 700,    /* a bug in lifecircle: please report it */
    LC_ERR_CANCELLED = 800    /* the caller cancelled the call (lc_context_cancel): nothing was written */
} lc_status;

/* Status families, the hundreds digit of a status (LC_FAMILY_DATA for 200..299, ...). */
typedef enum lc_status_family {
    LC_FAMILY_OK = 0,
    LC_FAMILY_MISUSE = 1,
    LC_FAMILY_DATA = 2,
    LC_FAMILY_GEOMETRY = 3,
    LC_FAMILY_CRS = 4,
    LC_FAMILY_IO = 5,
    LC_FAMILY_NOMEM = 6,
    LC_FAMILY_INTERNAL = 7,
    LC_FAMILY_CANCELLED = 8
} lc_status_family;

/* Message levels, from chatter to failure. */
typedef enum lc_log_level {
    LC_LOG_DEBUG = 0,
    LC_LOG_INFO = 1,
    LC_LOG_WARNING = 2,
    LC_LOG_ERROR = 3
} lc_log_level;

typedef struct lc_context lc_context;

/* Receives every message the library emits, including forwarded GDAL, GEOS and PROJ messages.
 * message is borrowed for the duration of the call. */
typedef void (*lc_message_fn)(lc_log_level level, const char *message, void *user_data);

/* Receives progress of long steps: stage is a short English label ("reading residential"),
 * fraction runs from 0 to 1 and is exactly 1 once when the stage ends. stage is borrowed. Always
 * called on the thread that made the call in progress; a handler may call lc_context_cancel (a
 * QGIS Processing feedback's isCanceled(), a GUI's Cancel button). */
typedef void (*lc_progress_fn)(const char *stage, double fraction, void *user_data);

/* Creates a context with its own GEOS handle and PROJ context and registers GDAL's drivers.
 * Returns NULL only when memory or a library handle cannot be had.
 * Caller frees with lc_context_destroy(). */
LC_API lc_context *lc_context_create(void);

/* Releases the context and everything it owns. Accepts NULL. */
LC_API void lc_context_destroy(lc_context *ctx);

/* Frees memory the library returned with "caller frees with lc_free()" (texts, arrays, rendered
 * maps): the library's own allocator, whatever the caller's is (a Python or QGIS binding, another C
 * runtime). Accepts NULL. */
LC_API void lc_free(void *p);

/* Installs the message handler (NULL: messages are dropped). user_data is borrowed. */
LC_API void lc_context_set_message_handler(lc_context *ctx, lc_message_fn fn, void *user_data);

/* Installs the progress handler (NULL: no progress). user_data is borrowed. */
LC_API void lc_context_set_progress_handler(lc_context *ctx, lc_progress_fn fn, void *user_data);

/* Messages below this level are not passed to the handler (default LC_LOG_INFO). */
LC_API void lc_context_set_log_level(lc_context *ctx, lc_log_level level);

/* The status of the last failed call on this context, LC_OK if none since the last clear. */
LC_API lc_status lc_context_errno(const lc_context *ctx);

/* The message of the last failed call, naming file, feature and field where they apply;
 * "" if none. Borrowed, valid until the next call on ctx. */
LC_API const char *lc_context_errmsg(const lc_context *ctx);

/* Forgets the last error. */
LC_API void lc_context_clear_error(lc_context *ctx);

/* Asks the call running on ctx to stop: it returns LC_ERR_CANCELLED at its next checkpoint (between
 * steps, and between the tasks of every threaded step, so within a fraction of a second on a city)
 * and writes nothing — an output and a report are committed only at the very end, and never after
 * a cancel. Safe from any thread and from a signal handler (one lock-free atomic store). The context
 * stays cancelled, so every later call on it stops too, until lc_context_uncancel. */
LC_API void lc_context_cancel(lc_context *ctx);

/* Whether lc_context_cancel was called on ctx (and not undone). */
LC_API int lc_context_cancelled(const lc_context *ctx);

/* Undoes lc_context_cancel, so the context can run calls again. */
LC_API void lc_context_uncancel(lc_context *ctx);

/* A fixed English description of a status code. Never NULL, never freed. */
LC_API const char *lc_status_string(lc_status status);

/* The family of a status code. */
LC_API lc_status_family lc_status_family_of(lc_status status);

/* The toolkit's version, "MAJOR.MINOR.PATCH". Never freed. */
LC_API const char *lc_version(void);

#ifdef __cplusplus
}
#endif

#endif /* LIFECIRCLE_CONTEXT_H */
