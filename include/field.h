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

/* The field types, one row each: everything the C code knows about a type
 * is in its row, so that adding a type is one row here and one validator
 * in validate.c (then the browser's table in web/, the docs and tests).
 * It is a list macro rather than an array so that the enum comes from it
 * and each module expands the columns it needs: field.c the descriptions
 * (struct field_type_info), validate.c the validators, which stay static
 * there. So the parser does not depend on the validators, which depend on
 * it. The order is the order of the enum and of the types listed in
 * messages. One thing is not derived: the messages refusing a rule on a
 * type name the types that take it ("只能用于 cn_id 或 date 类型", in
 * field.c), word for word as before; a new type that takes min=/max=,
 * pattern=, not_before=/not_after=, age>=/age<= or options= updates that
 * message too.
 *
 *   ID      the enum constant
 *   NAME    as written in procedure files and sent to browsers
 *   BOUNDS  what min=/max= measure (enum field_bounds)
 *   RULES   the other rules it takes, FIELD_RULE_* or'ed; required,
 *           pattern= and same_as= fit every type (a pattern is matched
 *           against the value as stored, after the type's normalising)
 *   COND    what `{if KEY=VALUE}` may ask of it (enum field_cond)
 *   JSON    what a submitted JSON value may be besides a string (enum field_json)
 *   MASK    how lists and residents' views show its value (enum field_mask)
 *   CHECK   its validator: a static function of validate.c, of the
 *           signature validate_check_fn there
 */
#define FIELD_TYPES(X)                                                                                   \
    /* ID              NAME         BOUNDS               RULES */                                        \
    /*                 COND                JSON               MASK             CHECK */                  \
    X(FIELD_TEXT,      "text",      FIELD_BOUNDS_LENGTH, 0,                                              \
                       FIELD_COND_NONE,    FIELD_JSON_STRING, FIELD_MASK_NONE, validate_check_text)      \
    X(FIELD_NUMBER,    "number",    FIELD_BOUNDS_VALUE,  0,                                              \
                       FIELD_COND_NONE,    FIELD_JSON_NUMBER, FIELD_MASK_NONE, validate_check_number)    \
    X(FIELD_DATE,      "date",      FIELD_BOUNDS_NONE,   FIELD_RULE_DATES | FIELD_RULE_AGE,              \
                       FIELD_COND_NONE,    FIELD_JSON_STRING, FIELD_MASK_NONE, validate_check_date)      \
    X(FIELD_CN_ID,     "cn_id",     FIELD_BOUNDS_NONE,   FIELD_RULE_AGE,                                 \
                       FIELD_COND_NONE,    FIELD_JSON_STRING, FIELD_MASK_ID,   validate_check_cn_id)     \
    X(FIELD_CN_MOBILE, "cn_mobile", FIELD_BOUNDS_NONE,   0,                                              \
                       FIELD_COND_NONE,    FIELD_JSON_STRING, FIELD_MASK_NONE, validate_check_cn_mobile) \
    X(FIELD_PHONE,     "phone",     FIELD_BOUNDS_NONE,   0,                                              \
                       FIELD_COND_NONE,    FIELD_JSON_STRING, FIELD_MASK_NONE, validate_check_phone)     \
    X(FIELD_EMAIL,     "email",     FIELD_BOUNDS_NONE,   0,                                              \
                       FIELD_COND_NONE,    FIELD_JSON_STRING, FIELD_MASK_NONE, validate_check_email)     \
    X(FIELD_CHOICE,    "choice",    FIELD_BOUNDS_NONE,   FIELD_RULE_OPTIONS,                             \
                       FIELD_COND_OPTIONS, FIELD_JSON_STRING, FIELD_MASK_NONE, validate_check_choice)    \
    X(FIELD_YESNO,     "yesno",     FIELD_BOUNDS_NONE,   0,                                              \
                       FIELD_COND_YESNO,   FIELD_JSON_BOOL,   FIELD_MASK_NONE, validate_check_yesno)     \
    X(FIELD_BANK_CARD, "bank_card", FIELD_BOUNDS_NONE,   0,                                              \
                       FIELD_COND_NONE,    FIELD_JSON_STRING, FIELD_MASK_LAST4, validate_check_bank_card)

#define FIELD_TYPE_ENUM(id, name, bounds, rules, cond, json, mask, check) id,
enum field_type { FIELD_TYPES(FIELD_TYPE_ENUM) };
#undef FIELD_TYPE_ENUM

#define FIELD_TYPE_ONE(id, name, bounds, rules, cond, json, mask, check) 1 +
/* How many types there are; enum field_type runs from 0 to this - 1. */
enum { FIELD_TYPE_COUNT = FIELD_TYPES(FIELD_TYPE_ONE) 0 };
#undef FIELD_TYPE_ONE

/* What min= and max= measure: refused, characters (whole numbers), or the
 * value itself. */
enum field_bounds { FIELD_BOUNDS_NONE, FIELD_BOUNDS_LENGTH, FIELD_BOUNDS_VALUE };

/* Rules that fit some types only. */
enum {
    FIELD_RULE_DATES = 1 << 1,      /* not_before=, not_after= */
    FIELD_RULE_AGE = 1 << 2,        /* age>=, age<= (on the date, or the birth date in it) */
    FIELD_RULE_OPTIONS = 1 << 3,    /* options=, which the type then cannot do without */
};

/* What a condition `{if KEY=VALUE}` on a field of the type may test: nothing
 * (such a condition is an error), yes or no, or one of the field's options. */
enum field_cond { FIELD_COND_NONE, FIELD_COND_YESNO, FIELD_COND_OPTIONS };

/* A submitted JSON value the type takes besides a string: none, true/false
 * (read as "yes"/"no"), or a number. */
enum field_json { FIELD_JSON_STRING, FIELD_JSON_BOOL, FIELD_JSON_NUMBER };

/* How the queue's lists and the resident's own case view show a stored
 * value: in full; for an ID number, by its last 4 characters there and in
 * the queue's list of who is waiting (case_view_mask_id); for another
 * number a resident would not want read over their shoulder (a bank card),
 * by its last 4 characters in the resident's view, and not at all in the
 * queue, where it identifies no one. The staff case view, where the
 * original is checked, shows every value in full. */
enum field_mask { FIELD_MASK_NONE, FIELD_MASK_ID, FIELD_MASK_LAST4 };

/* One row of FIELD_TYPES without its validator, which only validate_field
 * calls. */
struct field_type_info {
    const char *name;
    enum field_bounds bounds;
    unsigned rules;             /* FIELD_RULE_* */
    enum field_cond cond;
    enum field_json json;
    enum field_mask mask;
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
    bool has_min, has_max;      /* measuring what the type's BOUNDS says */
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
 * -1 when memory ran out. With errors, f->key is the line's key when it
 * could be read (else empty). The caller calls field_free(f) in every case. */
int field_parse_line(const char *path, int line, const char *text, size_t len, struct field *f,
                     struct diag_list *diags);

/* The row of type t (static), or NULL for a value outside the enum. */
const struct field_type_info *field_type_get(enum field_type t);

/* The type's name as written in files ("cn_id"), or NULL for a bad value. */
const char *field_type_name(enum field_type t);

/* True when v is one of the choice's options. */
bool field_has_option(const struct field *f, const char *v);

void field_free(struct field *f);

#endif
