/* field: one line of a `form` block, `key | label | type | rules`, parsed into
 * the field it defines.
 *
 * This module checks a line on its own (syntax, types, rules that fit the
 * type). Checks that need the whole procedure (duplicate keys, `same_as`
 * targets, `{if}` keys) belong to procedure.c. Validating a resident's
 * value against a field is the validator's job, not this module's.
 */
#ifndef SPK_FIELD_H
#define SPK_FIELD_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "marker.h"

enum field_type {
    FIELD_TEXT,
    FIELD_NUMBER,
    FIELD_DATE,
    FIELD_CN_ID,
    FIELD_CN_MOBILE,
    FIELD_PHONE,
    FIELD_EMAIL,
    FIELD_CHOICE,
    FIELD_YESNO,
};

/* A `not_before=`/`not_after=` bound: none, a fixed date, or the day of use. */
struct date_bound {
    enum { DATE_BOUND_NONE, DATE_BOUND_DATE, DATE_BOUND_TODAY } kind;
    int y, m, d;
};

#define FIELD_MAX_OPTIONS 64
#define FIELD_LABEL_MAX 200     /* bytes */
#define FIELD_PATTERN_MAX 256   /* bytes */

struct field {
    char key[MARKER_KEY_MAX + 1];
    char *label;                /* owned */
    enum field_type type;
    bool required;
    bool has_min, has_max;      /* text: length in characters; number: value */
    double min, max;
    char *pattern;              /* owned source of `pattern=`, or NULL */
    regex_t re;                 /* compiled `^(pattern)$`, valid when pattern */
    struct date_bound not_before, not_after;
    bool has_age_min, has_age_max;
    int age_min, age_max;       /* `age>=N`, `age<=N` */
    char *same_as;              /* owned key, or NULL */
    char **options;             /* owned, for choice; n_options entries */
    size_t n_options;
    bool has_cond;              /* a trailing {if KEY=VALUE} */
    struct cond cond;
    int line;                   /* file line of the form line */
};

/* Parses one form line text[0..len) found at path:line into *f (which the
 * caller zeroes first). Each problem is reported to diags with the line.
 * Returns 0 when the line is a valid field, 1 when errors were reported,
 * -1 when memory ran out. The caller calls field_free(f) in every case. */
int field_parse_line(const char *path, int line, const char *text, size_t len, struct field *f,
                     struct diag_list *diags);

/* The type's name as written in files ("cn_id"), or NULL for a bad value. */
const char *field_type_name(enum field_type t);

/* True when v is one of the choice's options. */
bool field_has_option(const struct field *f, const char *v);

void field_free(struct field *f);

#endif
