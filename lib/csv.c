/*
 * csv.c -- RFC 4180 tokenizer and whole-file reading (see csv.h).
 */
#include "csv.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* Files above this size are rejected (OEWS national files are ~300 kB). */
#define AIQ_MAX_FILE ((size_t)1 << 30)

typedef struct {
  aiq_csv c;
  size_t nf, capf; /* fields used / allocated */
  size_t capr;     /* records allocated (rec has capr + 1) */
} builder;

static int grow_fields(builder *b) {
  if (b->nf < b->capf) return 0;
  size_t cap = b->capf ? 2 * b->capf : 256;
  size_t *off = aiq_realloc_array(b->c.off, cap, sizeof *off);
  if (!off) return -1;
  b->c.off = off;
  size_t *fl = aiq_realloc_array(b->c.fline, cap, sizeof *fl);
  if (!fl) return -1;
  b->c.fline = fl;
  size_t *fc = aiq_realloc_array(b->c.fcol, cap, sizeof *fc);
  if (!fc) return -1;
  b->c.fcol = fc;
  b->capf = cap;
  return 0;
}

static int grow_records(builder *b) {
  if (b->c.nrec + 1 < b->capr) return 0;
  size_t cap = b->capr ? 2 * b->capr : 64;
  size_t *rec = aiq_realloc_array(b->c.rec, cap + 1, sizeof *rec);
  if (!rec) return -1;
  b->c.rec = rec;
  b->capr = cap;
  return 0;
}

void aiq_csv_free(aiq_csv *c) {
  if (!c) return;
  aiq_free(c->buf);
  aiq_free(c->off);
  aiq_free(c->fline);
  aiq_free(c->fcol);
  aiq_free(c->rec);
  memset(c, 0, sizeof *c);
}

int aiq_csv_parse(const char *text, size_t len, aiq_csv *out, char *err) {
  memset(out, 0, sizeof *out);
  builder b;
  memset(&b, 0, sizeof b);
  int rc = AIINEQ_OK;
  size_t pos = 0, line = 1, linestart = 0, w = 0;
  b.c.buf = aiq_malloc(2 * len + 2); /* text plus one NUL per field, at most */
  if (!b.c.buf || grow_records(&b)) goto nomem;
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) pos = linestart = 3;
  b.c.rec[0] = 0;
  while (pos < len) {
    size_t first = b.nf;
    int blank = 1; /* a record of one empty unquoted field is a blank line */
    for (;;) {
      if (grow_fields(&b)) goto nomem;
      size_t fl = line, fc = pos - linestart + 1;
      b.c.off[b.nf] = w;
      b.c.fline[b.nf] = fl;
      b.c.fcol[b.nf] = fc;
      b.nf++;
      if (pos < len && text[pos] == '"') {
        blank = 0;
        pos++;
        for (;;) {
          if (pos >= len) {
            rc = aiq_fail(err, AIINEQ_ERR_FORMAT,
                          "line %zu, column %zu: quoted field not closed before the end of the "
                          "input (truncated file?)",
                          fl, fc);
            goto fail;
          }
          char ch = text[pos];
          if (ch == '"') {
            if (pos + 1 < len && text[pos + 1] == '"') {
              b.c.buf[w++] = '"';
              pos += 2;
              continue;
            }
            pos++;
            break;
          }
          if (ch == '\0') goto nul;
          if (ch == '\n') line++, linestart = pos + 1;
          b.c.buf[w++] = ch;
          pos++;
        }
        if (pos < len && text[pos] != ',' && text[pos] != '\n' && text[pos] != '\r') {
          rc = aiq_fail(err, AIINEQ_ERR_FORMAT,
                        "line %zu, column %zu: unexpected character '%c' after a closing quote",
                        line, pos - linestart + 1, text[pos]);
          goto fail;
        }
      } else {
        while (pos < len && text[pos] != ',' && text[pos] != '\n' && text[pos] != '\r') {
          if (text[pos] == '"') {
            rc = aiq_fail(err, AIINEQ_ERR_FORMAT,
                          "line %zu, column %zu: quote inside an unquoted field", line,
                          pos - linestart + 1);
            goto fail;
          }
          if (text[pos] == '\0') goto nul;
          b.c.buf[w++] = text[pos++];
          blank = 0;
        }
      }
      b.c.buf[w++] = '\0';
      if (pos < len && text[pos] == ',') {
        pos++;
        blank = 0;
        continue;
      }
      break; /* end of line or of input */
    }
    if (pos < len && text[pos] == '\r') pos++;
    if (pos < len && text[pos] == '\n') pos++;
    line++;
    linestart = pos;
    if (blank) {
      b.nf = first; /* drop the blank line */
      continue;
    }
    if (grow_records(&b)) goto nomem;
    b.c.nrec++;
    b.c.rec[b.c.nrec] = b.nf;
  }
  *out = b.c;
  return AIINEQ_OK;
nul:
  rc = aiq_fail(err, AIINEQ_ERR_FORMAT, "line %zu, column %zu: NUL byte (binary data, not CSV)",
                line, pos - linestart + 1);
  goto fail;
nomem:
  rc = aiq_fail(err, AIINEQ_ERR_NOMEM, "out of memory while reading CSV");
fail:
  aiq_csv_free(&b.c);
  return rc;
}

int aiq_read_file(const char *path, char **text, size_t *len, char *err) {
  *text = NULL;
  *len = 0;
  FILE *f = fopen(path, "rb");
  if (!f) {
    char msg[128] = "";
    strerror_r(errno, msg, sizeof msg);
    return aiq_fail(err, AIINEQ_ERR_IO, "cannot open '%s': %s", path, msg);
  }
  size_t cap = 1 << 16, n = 0;
  char *buf = aiq_malloc(cap + 1);
  int rc = AIINEQ_OK;
  while (buf) {
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap) break;
    if (cap >= AIQ_MAX_FILE) {
      rc = aiq_fail(err, AIINEQ_ERR_IO, "'%s' is larger than %zu bytes", path, AIQ_MAX_FILE);
      break;
    }
    cap *= 2;
    char *nb = aiq_realloc_array(buf, cap + 1, 1);
    if (!nb) {
      aiq_free(buf);
      buf = NULL;
    } else {
      buf = nb;
    }
  }
  if (!buf) rc = aiq_fail(err, AIINEQ_ERR_NOMEM, "out of memory reading '%s'", path);
  if (rc == AIINEQ_OK && ferror(f)) rc = aiq_fail(err, AIINEQ_ERR_IO, "error reading '%s'", path);
  fclose(f);
  if (rc != AIINEQ_OK) {
    aiq_free(buf);
    return rc;
  }
  buf[n] = '\0';
  *text = buf;
  *len = n;
  return AIINEQ_OK;
}

int aiq_parse_file(const char *path, char *err, aiq_text_parser parse, void *ctx) {
  if (!path) return aiq_fail(err, AIINEQ_ERR_ARG, "read: path is NULL");
  char *text;
  size_t len;
  int rc = aiq_read_file(path, &text, &len, err);
  if (rc) return rc;
  rc = parse(ctx, text, len);
  aiq_free(text);
  if (rc && rc != AIINEQ_ERR_NOMEM) {
    char msg[AIQ_ERRLEN];
    memcpy(msg, err, sizeof msg);
    aiq_fail(err, rc, "%s: %s", path, msg);
  }
  return rc;
}

static int is_blank(char ch) { return ch == ' ' || ch == '\t'; }
static int is_digit(char ch) { return ch >= '0' && ch <= '9'; }

int aiq_parse_number(const char *s, double *v) {
  char tmp[64];
  size_t w = 0;
  while (is_blank(*s)) s++;
  if (strlen(s) > 48) return -1; /* no OEWS or exposure number is this long */
  if (*s == '+' || *s == '-') tmp[w++] = *s++;
  /* integer part, with or without grouping */
  size_t run = 0, ndig = 0;
  int grouped = 0;
  for (; is_digit(*s) || *s == ','; s++) {
    if (*s == ',') {
      if (run == 0 || (grouped && run != 3) || (!grouped && run > 3)) return -1;
      grouped = 1;
      run = 0;
      continue;
    }
    if (w >= sizeof tmp - 1) return -1;
    tmp[w++] = *s;
    run++;
    ndig++;
  }
  if (grouped && run != 3) return -1;
  if (*s == '.') {
    if (w >= sizeof tmp - 1) return -1;
    tmp[w++] = *s++;
    for (; is_digit(*s); s++, ndig++) {
      if (w >= sizeof tmp - 1) return -1;
      tmp[w++] = *s;
    }
  }
  if (ndig == 0) return -1;
  if (*s == 'e' || *s == 'E') {
    tmp[w++] = *s++;
    if (*s == '+' || *s == '-') tmp[w++] = *s++;
    if (!is_digit(*s)) return -1;
    for (; is_digit(*s); s++) {
      if (w >= sizeof tmp - 1) return -1;
      tmp[w++] = *s;
    }
  }
  while (is_blank(*s)) s++;
  if (*s != '\0') return -1;
  tmp[w] = '\0';
  char *end = NULL;
  double x = strtod(tmp, &end);
  if (end != tmp + w || !isfinite(x)) return -1;
  *v = x;
  return 0;
}

int aiq_ieq(const char *a, const char *b) {
  for (; *a && *b; a++, b++) {
    char x = *a, y = *b;
    if (x >= 'A' && x <= 'Z') x = (char)(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = (char)(y - 'A' + 'a');
    if (x != y) return 0;
  }
  return *a == *b;
}

int aiq_csv_field_is(const char *s, const char *name) {
  while (is_blank(*s)) s++;
  size_t n = strlen(s);
  while (n && is_blank(s[n - 1])) n--;
  char tmp[128];
  if (n >= sizeof tmp) return 0;
  memcpy(tmp, s, n);
  tmp[n] = '\0';
  return aiq_ieq(tmp, name);
}

long aiq_csv_find_column(const aiq_csv *c, const char *name) {
  if (c->nrec == 0) return -1;
  for (size_t j = 0; j < aiq_csv_nfields(c, 0); j++)
    if (aiq_csv_field_is(aiq_csv_field(c, 0, j), name)) return (long)j;
  return -1;
}
