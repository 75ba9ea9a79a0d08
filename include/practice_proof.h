/* practice_proof: a practice file's scenarios against a procedure, with
 * the validation a real case gets (cases_step_validate on a case state
 * built in memory, never a copy of the rules): proving a file when it is
 * loaded or checked, so that a procedure change that breaks a scenario is
 * an error on the scenario file, and judging a trainee's answer.
 *
 * Kept apart from the file reader (practice) so that the reader links
 * alone: its fuzz harness needs no database.
 */
#ifndef SPK_PRACTICE_PROOF_H
#define SPK_PRACTICE_PROOF_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "marker.h"
#include "practice.h"
#include "procedure.h"

/* Proves every scenario of pr against procedure p (path as shown in
 * diagnostics), today YYYYMMDD as a case would be validated that day: the
 * keys are p's fields, the brought items exist and apply to the scenario's
 * answers, choice values are options, the conditions are as many as p's,
 * an accept passes every check, a return flags things that exist and
 * apply, a refuse names a condition answered 否. Each problem is an error
 * at the line of the offending key; a scenario marked bad (its own parse
 * errors) is skipped. Returns 0 when every scenario holds,
 * 1 when errors were reported, -1 when memory ran out. */
int practice_proof_check(const char *path, const struct practice *pr, const struct procedure *p,
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
 * (free with practice_proof_verdict_free), -1 when memory ran out (*v emptied). */
int practice_proof_judge(const struct practice_scenario *s, const struct procedure *p, int today,
                         const struct practice_answer *a, struct practice_verdict *v);

void practice_proof_verdict_free(struct practice_verdict *v);

#endif
