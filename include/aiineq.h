/*
 * aiineq.h -- public interface of the aiineq library.
 *
 * aiineq implements the task-based model of "When AI Levels the Playing
 * Field: Skill Homogenization, Asset Concentration, and Two Regimes of
 * Inequality" (2026): equilibrium solvers, simulated moments, estimation,
 * inequality measures and occupation-level regressions.
 *
 * This header is the single source of truth for the version numbers (the
 * Makefile reads them).  It declares the core of the API (versions, status
 * codes, the model handle) and includes the module headers, so that
 * `#include <aiineq.h>` is all a program needs.  Each module header also
 * compiles on its own.
 *
 * Conventions shared by every function:
 *  - Handles are opaque (`aiineq_model *`), created through an
 *    out-parameter by `*_new`, released by `*_free`; `*_free(NULL)` is a
 *    no-op.
 *  - Every fallible function returns an `int` status: `AIINEQ_OK` (0) on
 *    success, a negative `AIINEQ_ERR_*` code on failure.  Iterative solvers
 *    may return positive codes that say why they stopped successfully, so
 *    test failures with `status < 0`.
 *  - On failure, the handle involved keeps a message that names the argument
 *    and what was wrong (`aiineq_model_errmsg()` etc.), and its state is
 *    exactly as before the call.
 *  - Arrays are passed as a pointer plus an explicit length; caller-owned
 *    input arrays are never modified and never retained.
 *  - The library never prints, never exits, keeps no mutable global state;
 *    distinct handles may be used from distinct threads concurrently.
 *
 * Copyright (c) 2026 The aiineq developers.  MIT licence (see LICENSE).
 */
#ifndef AIINEQ_H
#define AIINEQ_H

#include <stddef.h>
#include <stdint.h>

#if defined(__cplusplus)
extern "C" {
#endif

/* ---- Version (read by the Makefile: keep the three lines as they are) ---- */
#define AIINEQ_VERSION_MAJOR 0
#define AIINEQ_VERSION_MINOR 3
#define AIINEQ_VERSION_PATCH 0

#define AIINEQ_VERSION_NUMBER \
  (AIINEQ_VERSION_MAJOR * 10000 + AIINEQ_VERSION_MINOR * 100 + AIINEQ_VERSION_PATCH)
#define AIINEQ_STRINGIFY_(x) #x
#define AIINEQ_STRINGIFY(x) AIINEQ_STRINGIFY_(x)
#define AIINEQ_VERSION_STRING                                             \
  AIINEQ_STRINGIFY(AIINEQ_VERSION_MAJOR) "." AIINEQ_STRINGIFY(            \
      AIINEQ_VERSION_MINOR) "." AIINEQ_STRINGIFY(AIINEQ_VERSION_PATCH)

/* ---- Export macro: the library is built with -fvisibility=hidden ---- */
#ifndef AIINEQ_API
#if defined(AIINEQ_BUILDING) && defined(__GNUC__)
#define AIINEQ_API __attribute__((visibility("default")))
#else
#define AIINEQ_API
#endif
#endif

/** Runtime version as MAJOR*10000 + MINOR*100 + PATCH (compare with
 *  AIINEQ_VERSION_NUMBER to detect a header/library mismatch). */
AIINEQ_API unsigned aiineq_version_number(void);
/** Runtime version as "MAJOR.MINOR.PATCH"; a static string, never NULL. */
AIINEQ_API const char *aiineq_version_string(void);

/* ---- Status codes: stable numbers, never reused ---- */
typedef enum aiineq_status {
  AIINEQ_OK = 0,               /* success */
  AIINEQ_ERR_ARG = -1,         /* invalid argument (NULL pointer, bad flag) */
  AIINEQ_ERR_NOMEM = -2,       /* out of memory */
  AIINEQ_ERR_RANGE = -3,       /* value outside its allowed range */
  AIINEQ_ERR_NONFINITE = -4,   /* NaN or infinite value */
  AIINEQ_ERR_SIZE = -5,        /* wrong length, size mismatch or empty input */
  AIINEQ_ERR_NAME = -6,        /* unknown name (parameter, column, ...) */
  AIINEQ_ERR_NOCONV = -7,      /* iterative method did not converge */
  AIINEQ_ERR_SINGULAR = -8,    /* singular, rank-deficient or not positive definite */
  AIINEQ_ERR_IO = -9,          /* file could not be opened or read */
  AIINEQ_ERR_FORMAT = -10,     /* malformed input data (message has line/column) */
  AIINEQ_ERR_STATE = -11,      /* call not valid in the handle's current state */
  AIINEQ_ERR_STOPPED = -12,    /* stopped at the caller's request (callback) */
  AIINEQ_ERR_DEGENERATE = -13, /* result undefined for this input (e.g. zero total) */
  AIINEQ_ERR_TYPE = -14        /* wrong type (e.g. real value for an integer parameter) */
} aiineq_status;

/** Short English description of a status code; a static string, never NULL
 *  (unknown codes give "unknown status"). */
AIINEQ_API const char *aiineq_strerror(int status);

/* ---- Model handle: parameters and task table ---- */

/** Opaque model: the parameters of MODEL.md section 1 and the task table. */
typedef struct aiineq_model aiineq_model;

/** Parameter flags returned by aiineq_param_info(). */
#define AIINEQ_PARAM_INTEGER 1u /* integer-valued: use aiineq_model_set_int() */
#define AIINEQ_PARAM_LO_OPEN 2u /* lower bound excluded */
#define AIINEQ_PARAM_HI_OPEN 4u /* upper bound excluded */

/** Create a model holding the defaults of MODEL.md section 1 (including the
 *  five-task table).  On success *out owns a new handle (free it with
 *  aiineq_model_free); on failure *out is NULL.
 *  Errors: AIINEQ_ERR_ARG (out NULL), AIINEQ_ERR_NOMEM. */
AIINEQ_API int aiineq_model_new(aiineq_model **out);

/** Release a model; NULL is a no-op. */
AIINEQ_API void aiineq_model_free(aiineq_model *m);

/** Deep copy of a model (parameters and task table; not the error message).
 *  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_NOMEM. */
AIINEQ_API int aiineq_model_copy(const aiineq_model *m, aiineq_model **out);

/** Message describing the last failure on this handle ("" if none); valid
 *  until the next call on the handle.  NULL handle gives a static message. */
AIINEQ_API const char *aiineq_model_errmsg(const aiineq_model *m);

/** Set a real-valued parameter by its MODEL.md name.  Validated at once:
 *  AIINEQ_ERR_NAME (unknown name), AIINEQ_ERR_TYPE (integer parameter),
 *  AIINEQ_ERR_NONFINITE, AIINEQ_ERR_RANGE (outside the bounds reported by
 *  aiineq_param_info).  A rejected value leaves the model unchanged. */
AIINEQ_API int aiineq_model_set_double(aiineq_model *m, const char *name, double value);
/** Read a real-valued parameter.  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_NAME,
 *  AIINEQ_ERR_TYPE. */
AIINEQ_API int aiineq_model_get_double(const aiineq_model *m, const char *name, double *value);

/** Set an integer parameter (n_quad, n_workers, n_firms, eq_max_iter, seed).
 *  `seed` takes any value; its bits are used as an unsigned 64-bit key.
 *  Errors as aiineq_model_set_double (AIINEQ_ERR_TYPE for a real parameter). */
AIINEQ_API int aiineq_model_set_int(aiineq_model *m, const char *name, int64_t value);
/** Read an integer parameter.  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_NAME,
 *  AIINEQ_ERR_TYPE. */
AIINEQ_API int aiineq_model_get_int(const aiineq_model *m, const char *name, int64_t *value);

/** Replace the task table with k tasks: exposure x[i] in [0,1] and base
 *  weight nu[i] > 0.  The arrays are copied.  The weights are renormalised to
 *  sum to one (so employment counts may be passed directly).
 *  Errors: AIINEQ_ERR_ARG (NULL), AIINEQ_ERR_SIZE (k == 0 or k > 100000),
 *  AIINEQ_ERR_NONFINITE, AIINEQ_ERR_RANGE.  On error the table is unchanged. */
AIINEQ_API int aiineq_model_set_tasks(aiineq_model *m, const double *x, const double *nu,
                                      size_t k);
/** Number of tasks in the table.  Errors: AIINEQ_ERR_ARG. */
AIINEQ_API int aiineq_model_get_n_tasks(const aiineq_model *m, size_t *k);
/** Copy the task table (normalised weights) into caller arrays of length k,
 *  which must equal the number of tasks; either array may be NULL to skip it.
 *  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_SIZE. */
AIINEQ_API int aiineq_model_get_tasks(const aiineq_model *m, double *x, double *nu, size_t k);

/** Threads a solve on this model may use (OpenMP): n_threads >= 1, or 0
 *  (the default): OMP_NUM_THREADS threads when that variable is set, else
 *  one.  Results are bit-identical for every thread count.  A copy inherits
 *  the setting.  Errors: AIINEQ_ERR_ARG (m NULL), AIINEQ_ERR_RANGE
 *  (n_threads < 0 or > 1024). */
AIINEQ_API int aiineq_model_set_threads(aiineq_model *m, int n_threads);
/** Read the thread setting (0 = the default above).  Errors: AIINEQ_ERR_ARG. */
AIINEQ_API int aiineq_model_get_threads(const aiineq_model *m, int *n_threads);

/* ---- Parameter introspection (no handle needed) ---- */

/** Number of named parameters. */
AIINEQ_API size_t aiineq_param_count(void);
/** Index of a parameter by name.  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_NAME. */
AIINEQ_API int aiineq_param_index(const char *name, size_t *index);
/** Describe parameter `index` (0 <= index < aiineq_param_count()).  Any out
 *  pointer may be NULL.  Strings are static.  Bounds of integer parameters
 *  are exact in a double; the seed reports [INT64_MIN, INT64_MAX] as doubles.
 *  Errors: AIINEQ_ERR_RANGE (bad index). */
AIINEQ_API int aiineq_param_info(size_t index, const char **name, const char **description,
                                 double *default_value, double *lower, double *upper,
                                 unsigned *flags);

#if defined(__cplusplus)
}
#endif

/* Module headers (each also compiles on its own). */
#include "aiineq_ineq.h"
#include "aiineq_solve.h"
#include "aiineq_msm.h"
#include "aiineq_regime.h"
#include "aiineq_ols.h"
#include "aiineq_oews.h"

#endif /* AIINEQ_H */
