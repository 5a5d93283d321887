/*
 * csv.h -- an RFC 4180 CSV tokenizer: quoted fields (with "" escapes,
 * commas and line breaks inside), LF or CRLF line ends, an optional UTF-8
 * byte-order mark.  The whole text is tokenised into one owned buffer;
 * every field keeps the line and column where it starts, for messages.
 */
#ifndef AIQ_CSV_H
#define AIQ_CSV_H

#include <stddef.h>

typedef struct aiq_csv {
  char *buf;     /* unescaped fields, each NUL-terminated */
  size_t *off;   /* offset in buf of each field */
  size_t *fline; /* 1-based line where each field starts */
  size_t *fcol;  /* 1-based byte column where each field starts */
  size_t *rec;   /* nrec + 1 indices into off: record r is [rec[r], rec[r+1]) */
  size_t nrec;
} aiq_csv;

/* Tokenise text[0..len).  Blank lines are skipped.  On success *out owns
 * its arrays (free with aiq_csv_free); on failure *out is empty and err
 * (AIQ_ERRLEN bytes, may be NULL) says what is wrong at which line and
 * column.  Returns AIINEQ_OK, AIINEQ_ERR_FORMAT or AIINEQ_ERR_NOMEM. */
int aiq_csv_parse(const char *text, size_t len, aiq_csv *out, char *err);

/* Read a whole file into a fresh NUL-terminated buffer (*text, *len).
 * Returns AIINEQ_OK, AIINEQ_ERR_IO or AIINEQ_ERR_NOMEM. */
int aiq_read_file(const char *path, char **text, size_t *len, char *err);

void aiq_csv_free(aiq_csv *c);

/* Read the file at path and pass its text to parse(ctx, text, len), whose
 * messages (written to err, AIQ_ERRLEN bytes) are then prefixed with the
 * path.  Returns parse's status, or AIINEQ_ERR_ARG (path NULL),
 * AIINEQ_ERR_IO, AIINEQ_ERR_NOMEM. */
typedef int (*aiq_text_parser)(void *ctx, const char *text, size_t len);
int aiq_parse_file(const char *path, char *err, aiq_text_parser parse, void *ctx);

/* Number of fields of record r, and field j of record r. */
static inline size_t aiq_csv_nfields(const aiq_csv *c, size_t r) { return c->rec[r + 1] - c->rec[r]; }
static inline const char *aiq_csv_field(const aiq_csv *c, size_t r, size_t j) {
  return c->buf + c->off[c->rec[r] + j];
}


/* Parse a decimal number: optional surrounding blanks, optional sign,
 * digits with optional correctly grouped thousands separators ("1,234,567"),
 * optional fraction and exponent.  Returns 0 and *v on success, -1 if s is
 * not such a number (including the empty string). */
int aiq_parse_number(const char *s, double *v);

/* 1 if a and b are equal ignoring ASCII case. */
int aiq_ieq(const char *a, const char *b);

/* Index of the header field equal to name (ASCII case-insensitive, blanks
 * around the header ignored) in record 0, or -1. */
long aiq_csv_find_column(const aiq_csv *c, const char *name);

/* 1 if the field s, without surrounding blanks, equals name ignoring ASCII
 * case (how headers are matched). */
int aiq_csv_field_is(const char *s, const char *name);

#endif /* AIQ_CSV_H */
