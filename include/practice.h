/* practice: the training scenarios of a procedure (练习题, 网页模拟),
 * `ID.practice.md` beside its file: each H2 a scenario, the resident's
 * story, and a ```case block of `key = value` lines saying what the
 * resident answers, brings and writes, and what the window should decide.
 *
 * Three jobs, kept apart so that each caller takes only what it needs:
 * practice_parse reads a file (syntax only, through libcmark's AST);
 * practice_prove proves every scenario against a procedure model with the
 * validation a real case gets (cases_step_validate), so that a procedure
 * change that breaks a scenario is an error on the scenario file;
 * practice_judge scores a trainee's answer to one scenario. The loader
 * keeps the last good file of each procedure in SQLite
 * (schema/018-practice.sql) with the procedure version it was proved
 * against; practice_load reads it back for the practice API. A practice
 * file is never served to residents.
 */
#ifndef SPK_PRACTICE_H
#define SPK_PRACTICE_H

#include <stdbool.h>
#include <stddef.h>

#include "db.h"
#include "diag.h"
#include "marker.h"
#include "models.h"
#include "procedure.h"

/* "STEM.practice.md" beside "STEM.md". */
#define PRACTICE_SUFFIX ".practice.md"
/* Bounds where a file enters: refused (an error with its line) beyond. */
#define PRACTICE_FILE_MAX ((size_t)256 << 10)  /* bytes of one file */
#define PRACTICE_MAX_SCENARIOS 50              /* scenarios of one file */
#define PRACTICE_MAX_LINES 100                 /* lines of one case block */
#define PRACTICE_VALUE_MAX 1000                /* bytes of one value (explain too) */
#define PRACTICE_TITLE_MAX 200                 /* bytes of a scenario's title */
#define PRACTICE_TEXT_MAX 8000                 /* bytes of a scenario's told text */
#define PRACTICE_MAX_IDS 100                   /* ids in brought, flags in return */

/* A key of the case block: a field key or an item id. */
typedef char practice_key[MARKER_KEY_MAX + 1];

enum practice_decision {
    PRACTICE_ACCEPT,    /* 受理: everything is in order */
    PRACTICE_RETURN,    /* 退回补正: flags name what to correct */
    PRACTICE_REFUSE,    /* 不予受理: a condition is not met */
};

/* What the window should decide: a scenario's expect. */
struct practice_expect {
    enum practice_decision decision;
    practice_key *flags;        /* RETURN: field keys and item ids as written (owned) */
    size_t n_flags;
    int condition;              /* REFUSE: the condition's number, from 1; else 0 */
};

/* A field's value as the scenario writes it (raw, as a resident would type
 * it: validation normalises it as in a real case). */
struct practice_value {
    char key[MARKER_KEY_MAX + 1];
    char *value;                /* owned, trimmed; "" when written empty */
    int line;
};

struct practice_scenario {
    char *title;                /* owned plain text of the H2 */
    char *text;                 /* owned plain text of what the trainee is told:
                                   the H2's blocks but the case block, paragraphs
                                   separated by a blank line */
    char *html;                 /* owned: the same rendered by cmark without raw
                                   HTML (raw HTML is an error anyway) */
    bool *conditions;           /* owned: answer (true 是) per condition, in order */
    size_t n_conditions;
    bool has_conditions;        /* a `conditions` line was written */
    practice_key *brought;      /* owned: ids of the items the resident has */
    size_t n_brought;
    struct practice_value *values;  /* owned: field values, in file order */
    size_t n_values;
    bool has_expect;            /* false only in a file that did not parse */
    struct practice_expect expect;
    char *explain;              /* owned, or NULL */
    int line;                   /* the H2 */
    int case_line;              /* the ```case fence, 0 when none */
    int conditions_line, brought_line, expect_line, explain_line;  /* 0 when absent */
};

struct practice {
    char hash[65];              /* sha256 hex of the file's text: set by
                                   practice_load (a trainee's record names the
                                   scenarios it was made on); "" from practice_parse */
    char *title;                /* owned H1, or NULL */
    struct practice_scenario *scenarios;
    size_t n_scenarios;         /* at least 1 once parsed */
};

/* True when name (a file name, no folder) ends with PRACTICE_SUFFIX after
 * a non-empty stem. */
bool practice_name_is(const char *name);

/* Parses text[0..len) (path as shown in diagnostics). Every problem is
 * added to diags with its line. Returns 0 and sets *out when the file has
 * no error, 1 when errors were reported (*out NULL), -1 when memory ran
 * out. The caller frees *out with practice_free(). */
int practice_parse(const char *path, const char *text, size_t len, struct practice **out,
                   struct diag_list *diags);

/* Proves every scenario of pr against procedure p (path as shown in
 * diagnostics), today YYYYMMDD as a case would be validated that day: the
 * keys are p's fields, the brought items exist and apply to the scenario's
 * answers, choice values are options, the conditions are as many as p's,
 * an accept passes every check, a return flags things that exist and
 * apply, a refuse names a condition answered 否. Each problem is an error
 * at the line of the offending key. Returns 0 when every scenario holds,
 * 1 when errors were reported, -1 when memory ran out. */
int practice_prove(const char *path, const struct practice *pr, const struct procedure *p,
                   int today, struct diag_list *diags);

/* A trainee's answer. */
struct practice_answer {
    enum practice_decision decision;
    const char *const *flags;   /* RETURN: field keys and item ids (borrowed) */
    size_t n_flags;
    int condition;              /* REFUSE: from 1 */
};

/* One line of the explanation shown after an answer, in this order: the
 * scenario's explain, the conditions answered 否, the fields that fail
 * their check (the validator's message), the required items not brought,
 * then the `{staff}` guidance of the relevant steps. */
enum practice_note_kind {
    PRACTICE_NOTE_EXPLAIN,      /* the scenario's explain */
    PRACTICE_NOTE_CONDITION,    /* condition `number` is answered 否: its text */
    PRACTICE_NOTE_FIELD,        /* field `key` fails: the validator's message */
    PRACTICE_NOTE_ITEM,         /* required item `key` not brought: its text */
    PRACTICE_NOTE_STAFF,        /* step `step`'s {staff} guidance: safe HTML */
};

struct practice_note {
    enum practice_note_kind kind;
    char key[MARKER_KEY_MAX + 1];   /* FIELD, ITEM: the field key or item id; else "" */
    const char *code;           /* FIELD: the validator's code (static); else NULL */
    int number;                 /* CONDITION: from 1; else 0 */
    int step;                   /* FIELD, ITEM, STAFF: step index from 0; else -1 */
    char *text;                 /* owned: plain text, or HTML for STAFF */
};

struct practice_verdict {
    bool correct;
    const struct practice_expect *expected; /* the scenario's (borrowed) */
    struct practice_note *notes;            /* owned */
    size_t n_notes;
};

/* Judges answer a to scenario s of a file proved against p, validating the
 * scenario's values as of today (YYYYMMDD). Correct: the same decision; for
 * RETURN the same set of flags (order and repeats aside); for REFUSE any
 * condition the scenario answers 否 (the expected one is the one the
 * explanation names). Relevant steps for STAFF notes: for RETURN those
 * holding the expected flags, for ACCEPT every step that applies, for
 * REFUSE none (conditions come before the steps). Returns 0 with *v filled
 * (free with practice_verdict_free), -1 when memory ran out (*v emptied). */
int practice_judge(const struct practice_scenario *s, const struct procedure *p, int today,
                   const struct practice_answer *a, struct practice_verdict *v);

void practice_verdict_free(struct practice_verdict *v);

/* The last good practice file of procedure id as the loader stored it,
 * with the procedure version it was proved against: *out (free with
 * practice_free), *model and *ref (from models_get; release ref with
 * models_release). Returns 0, 1 when the procedure has no good practice
 * file (outputs NULL), -1 on a database error or when memory ran out
 * (logged). */
int practice_load(struct db *db, const char *id, struct practice **out,
                  const struct procedure **model, struct model_ref **ref);

/* Called by practice_list for each procedure with good scenarios. Return
 * 0 to go on, non-zero to stop. */
typedef int (*practice_list_fn)(void *ctx, const char *id, size_t n_scenarios);

/* Every procedure whose practice file has a last good text, by id: calls
 * fn with its id and its number of scenarios. Returns 0 (also when fn
 * stopped it), -1 on a database error. */
int practice_list(struct db *db, practice_list_fn fn, void *ctx);

/* The name of a decision in files and JSON: "accept", "return", "refuse". */
const char *practice_decision_name(enum practice_decision d);

void practice_free(struct practice *pr);

#endif
