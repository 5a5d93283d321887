/*
 * aiineq_oews.h -- occupation data (MODEL.md section 7): BLS OEWS national
 * files, occupation-level AI exposure files, the two-year occupation panel
 * and the occupation-level regressions.  Included by aiineq.h.
 *
 * Files are CSV (RFC 4180: quoted fields with commas, LF or CRLF, optional
 * UTF-8 byte-order mark).  BLS publishes XLSX; README.md says how to export
 * each year's first sheet to CSV.  Columns are found by name,
 * case-insensitively (2019 headers are lower case, later ones upper case
 * with extra columns).  Malformed input gives AIINEQ_ERR_FORMAT with the
 * line and column (1-based field number) in the handle's message.
 */
#ifndef AIINEQ_OEWS_H
#define AIINEQ_OEWS_H

#include "aiineq.h"
#include "aiineq_ols.h"

#if defined(__cplusplus)
extern "C" {
#endif

/* The regression handle of aiineq_ols.h (repeated here so that this header
 * compiles whichever of the two is included first; C11 and C++ allow an
 * identical typedef twice). */
typedef struct aiineq_ols aiineq_ols;

/* ---- OEWS national file ---- */

/** Opaque table of one OEWS national file (every occupation level). */
typedef struct aiineq_oews aiineq_oews;

/* Status of a numeric cell (aiineq_oews_get_column).  Only
 * AIINEQ_CELL_VALUE carries a number; every other status has value NaN. */
#define AIINEQ_CELL_VALUE 0    /* a number (thousands separators accepted) */
#define AIINEQ_CELL_NA 1       /* "*": estimate not available */
#define AIINEQ_CELL_NA_EMP 2   /* "**": employment estimate not available */
#define AIINEQ_CELL_TOPCODED 3 /* "#": wage at or above the top-coding threshold */
#define AIINEQ_CELL_TILDE 4    /* "~": fewer than 0.5 percent of establishments */
#define AIINEQ_CELL_EMPTY 5    /* empty cell */

/** Create an empty table.  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_NOMEM. */
AIINEQ_API int aiineq_oews_new(aiineq_oews **out);
/** Release a table; NULL is a no-op. */
AIINEQ_API void aiineq_oews_free(aiineq_oews *t);
/** Message of the last failure ("" if none). */
AIINEQ_API const char *aiineq_oews_errmsg(const aiineq_oews *t);

/** Read an OEWS national CSV file, replacing the table's contents.
 *  Required columns: OCC_CODE, OCC_TITLE, O_GROUP (or OCC_GROUP), TOT_EMP,
 *  A_MEAN, A_PCT10, A_MEDIAN, A_PCT90.  Known numeric columns present in the
 *  file (TOT_EMP, EMP_PRSE, JOBS_1000, LOC_QUOTIENT, PCT_TOTAL, PCT_RPT,
 *  H_MEAN, A_MEAN, MEAN_PRSE, H_PCT10 ... H_PCT90, A_PCT10 ... A_PCT90) are
 *  parsed and checked; other columns are ignored.
 *  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_IO, AIINEQ_ERR_FORMAT (bad CSV, no
 *  rows, a missing required column, a record with too few fields, a cell
 *  that is neither a number nor a BLS special value; line and column in the
 *  message), AIINEQ_ERR_NOMEM.  On failure the table is unchanged. */
AIINEQ_API int aiineq_oews_read(aiineq_oews *t, const char *path);
/** Same as aiineq_oews_read on text[0..len) already in memory. */
AIINEQ_API int aiineq_oews_parse(aiineq_oews *t, const char *text, size_t len);

/** Number of data rows.  Errors: AIINEQ_ERR_ARG. */
AIINEQ_API int aiineq_oews_n_rows(const aiineq_oews *t, size_t *n);

/** Text field of row i: field "occ_code", "occ_title" or "o_group"
 *  (case-insensitive).  *value points into the table (valid until it is
 *  re-read or freed).  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_RANGE (i),
 *  AIINEQ_ERR_NAME. */
AIINEQ_API int aiineq_oews_get_text(const aiineq_oews *t, size_t i, const char *field,
                                    const char **value);

/** Copy numeric column `field` (e.g. "a_mean", case-insensitive) into
 *  values[0..n) and the cell statuses (AIINEQ_CELL_*) into status[0..n);
 *  either may be NULL; n must equal the number of rows.
 *  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_SIZE, AIINEQ_ERR_NAME (not a known
 *  numeric column, or absent from this file). */
AIINEQ_API int aiineq_oews_get_column(const aiineq_oews *t, const char *field, double *values,
                                      int32_t *status, size_t n);

/* ---- Occupation-level exposure file ---- */

/** Opaque exposure measure by six-digit SOC code. */
typedef struct aiineq_exposure aiineq_exposure;

AIINEQ_API int aiineq_exposure_new(aiineq_exposure **out);
AIINEQ_API void aiineq_exposure_free(aiineq_exposure *x);
AIINEQ_API const char *aiineq_exposure_errmsg(const aiineq_exposure *x);

/** Read an exposure CSV.  `code_column` names the occupation-code column
 *  (NULL: the first column whose name contains "SOC", case-insensitive);
 *  `value_column` names the exposure column (e.g. "dv_rating_beta").
 *  Codes may be six-digit SOC ("15-1252") or eight-digit O*NET-SOC
 *  ("15-1252.00"); the values of all codes that share six digits are
 *  averaged (unweighted).  Rows with an empty or NA value are skipped and
 *  counted (aiineq_exposure_counts).
 *  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_IO, AIINEQ_ERR_NAME (column not
 *  found), AIINEQ_ERR_FORMAT (bad CSV, a malformed code, a non-numeric
 *  value; line and column in the message), AIINEQ_ERR_NOMEM.  On failure
 *  the measure is unchanged. */
AIINEQ_API int aiineq_exposure_read(aiineq_exposure *x, const char *path,
                                    const char *code_column, const char *value_column);
/** Same on text in memory. */
AIINEQ_API int aiineq_exposure_parse(aiineq_exposure *x, const char *text, size_t len,
                                     const char *code_column, const char *value_column);

/** Counts: *n_codes six-digit codes, *n_rows data rows read, *n_skipped
 *  rows without a value.  Any pointer may be NULL.  Errors: AIINEQ_ERR_ARG. */
AIINEQ_API int aiineq_exposure_counts(const aiineq_exposure *x, size_t *n_codes, size_t *n_rows,
                                      size_t *n_skipped);

/** Exposure of six-digit SOC code `soc` ("15-1252"; an eight-digit code is
 *  cut to six).  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_NAME (code unknown). */
AIINEQ_API int aiineq_exposure_lookup(const aiineq_exposure *x, const char *soc, double *value);

/* ---- Two-year occupation panel ---- */

/** Opaque panel of detailed occupations present in two OEWS years. */
typedef struct aiineq_panel aiineq_panel;

AIINEQ_API int aiineq_panel_new(aiineq_panel **out);
AIINEQ_API void aiineq_panel_free(aiineq_panel *p);
AIINEQ_API const char *aiineq_panel_errmsg(const aiineq_panel *p);

/** Build the panel: detailed occupations (O_GROUP "detailed") of `from`
 *  and `to` joined on OCC_CODE, then exposure joined on the six-digit SOC
 *  code.  The tables are copied from; they may be freed afterwards.
 *  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_SIZE (no occupation matched),
 *  AIINEQ_ERR_NOMEM.  On failure the panel is unchanged. */
AIINEQ_API int aiineq_panel_build(aiineq_panel *p, const aiineq_oews *from, const aiineq_oews *to,
                                  const aiineq_exposure *x);

/** Number of matched occupations.  Errors: AIINEQ_ERR_ARG. */
AIINEQ_API int aiineq_panel_size(const aiineq_panel *p, size_t *n);

/** Named count of the join: "detailed_from", "detailed_to" (detailed rows
 *  in each year), "only_from", "only_to" (dropped: code absent from the
 *  other year), "no_exposure" (dropped: in both years, no exposure value),
 *  "duplicate" (dropped: a code repeated within a year), "matched".
 *  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_NAME. */
AIINEQ_API int aiineq_panel_count(const aiineq_panel *p, const char *name, size_t *value);

/** OCC_CODE and title of matched occupation i (pointers valid while the
 *  panel lives).  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_RANGE. */
AIINEQ_API int aiineq_panel_occupation(const aiineq_panel *p, size_t i, const char **code,
                                       const char **title);

/** Copy a panel column into values[0..n) (statuses into status, either
 *  may be NULL), n == panel size.  Columns: "exposure" (raw), "major"
 *  (SOC major group, e.g. 15), and per year "<field>_from" / "<field>_to"
 *  for tot_emp, a_mean, a_pct10, a_median, a_pct90.
 *  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_SIZE, AIINEQ_ERR_NAME. */
AIINEQ_API int aiineq_panel_get_column(const aiineq_panel *p, const char *name, double *values,
                                       int32_t *status, size_t n);

/* ---- Occupation-level regressions ---- */

/* Outcomes: change between the two years, `to` minus `from`. */
#define AIINEQ_Y_LOG_WAGE 0    /* log mean annual wage */
#define AIINEQ_Y_LOG_EMP 1     /* log employment */
#define AIINEQ_Y_LOG_P90_P10 2 /* log(P90/P10) of annual wages */
#define AIINEQ_Y_LOG_P50_P10 3 /* log(P50/P10) */
#define AIINEQ_Y_LOG_P90_P50 4 /* log(P90/P50) */
#define AIINEQ_N_OUTCOMES 5

/* Specification flags. */
#define AIINEQ_REG_CONTROL_WAGE 1u /* control: baseline log mean annual wage */
#define AIINEQ_REG_MAJOR_FE 2u     /* SOC major-group fixed effects */
#define AIINEQ_REG_WEIGHTS 4u      /* weights: baseline employment */

/** Short name of an outcome ("dlog_wage", "dlog_emp", "dlog_p90_p10",
 *  "dlog_p50_p10", "dlog_p90_p50"); NULL for an unknown code. */
AIINEQ_API const char *aiineq_outcome_name(int outcome);

/** Regress outcome on standardised exposure across the panel's
 *  occupations and fit it in `o` (set_data, weights, clusters = SOC major
 *  group, covariance `cov_type`, then aiineq_ols_fit; read the estimates
 *  from `o`).  Regressor 1 is "exposure_sd": exposure minus its mean,
 *  divided by its standard deviation (n-1 denominator), both taken over
 *  all panel occupations.  Columns: "const", "exposure_sd", then
 *  "log_wage_from" and "major_XX" dummies (first group omitted) as flagged.
 *  Occupations with a missing value in either year for this outcome (BLS
 *  `*`, `**`, and top-coded `#` percentiles: an occupation whose P90 or
 *  median is top-coded in either year is dropped from the outcomes that
 *  use it) are dropped by the regression and counted in its statistics.
 *  Errors (message on o): AIINEQ_ERR_ARG, AIINEQ_ERR_RANGE (outcome, flags,
 *  cov_type), AIINEQ_ERR_STATE (empty panel), and those of aiineq_ols_fit. */
AIINEQ_API int aiineq_panel_regress(const aiineq_panel *p, int outcome, unsigned flags,
                                    int cov_type, aiineq_ols *o);

/* ---- The model side: occupations as tasks ---- */

/** Simulate the occupation panel from the model (MODEL.md section 7).
 *  The occupations of `data` with a baseline employment count become the
 *  tasks of a copy of `m` (exposure x_k = the raw exposure, which must lie
 *  in [0, 1]; weights nu_k = baseline employment); the copy is solved before
 *  and after AI (adopt_pre, adopt_post) and its households are aggregated
 *  to occupation statistics:
 *   - `wages` receives each economy's households in the task they chose,
 *     valued at their simulated wage: tot_emp = household count, a_mean,
 *     a_pct10, a_median, a_pct90; statistics >= topcode_ratio times the
 *     baseline mean wage are marked top-coded (0 turns this off; BLS's May
 *     2019 threshold is 208000/53490 = 3.89 times the mean);
 *   - `truth` (may be NULL) receives the baseline households held in their
 *     baseline task and education, valued at their productivity exp(q)
 *     before and after: only the within-task compression the model builds
 *     in (employment unchanged).
 *  Percentiles are nearest-rank order statistics; cells of an occupation
 *  with fewer than `min_households` households in that economy are
 *  AIINEQ_CELL_NA.  Both panels keep the data's codes, titles, exposure and
 *  major groups, so aiineq_panel_regress runs on them unchanged.  `m` is
 *  not modified.  Errors (message on `wages`): AIINEQ_ERR_ARG (NULL, the
 *  same panel twice), AIINEQ_ERR_RANGE (topcode_ratio, exposure outside
 *  [0, 1]), AIINEQ_ERR_SIZE (fewer than 2 occupations with employment),
 *  the solver's errors, AIINEQ_ERR_NOMEM.  On failure both panels are
 *  unchanged. */
AIINEQ_API int aiineq_panel_simulate(const aiineq_panel *data, const aiineq_model *m,
                                     double topcode_ratio, size_t min_households,
                                     aiineq_panel *wages, aiineq_panel *truth);

#if defined(__cplusplus)
}
#endif

#endif /* AIINEQ_OEWS_H */
