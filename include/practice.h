/* practice: the training scenarios of a procedure (练习题, 网页模拟),
 * `ID.practice.md` beside its file: each H2 a scenario, the resident's
 * story, and a ```case block of `key = value` lines saying what the
 * resident answers, brings and writes, and what the window should decide.
 *
 * Three jobs in three modules, so that each caller takes only what it
 * needs: practice (this one) reads a file, syntax only, through libcmark's
 * AST; practice_proof proves the scenarios against a procedure model with
 * the validation a real case gets and judges a trainee's answer;
 * practice_play reads back the last good file the loader stored
 * (schema/018-practice.sql) with the procedure version it was proved
 * against. A practice file is never served to residents.
 */
#ifndef SPK_PRACTICE_H
#define SPK_PRACTICE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "marker.h"
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
#define PRACTICE_KEY_LEN 32                    /* hex digits of a scenario's key */

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
    bool bad;                   /* its own lines had errors (practice_parse_partial):
                                   not proved */
    int case_line;              /* the ```case fence, 0 when none */
    int conditions_line, brought_line, expect_line, explain_line;  /* 0 when absent */
    char key[PRACTICE_KEY_LEN + 1];  /* what a trainee's pass of it is held to: a
                                        BLAKE2b digest of what is judged (conditions,
                                        brought, values, expect), so that a scenario
                                        added or reworded beside it, a new title or a
                                        new explain keeps its passes; a second
                                        scenario judged the same in one file gets its
                                        own (its place among the twins is mixed in) */
};

struct practice {
    char hash[65];              /* sha256 hex of the file's text: set by
                                   practice_play_file_load (a trainee's record names the
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

/* As practice_parse, but on 1 *out holds what parsed, each scenario whose
 * own lines had errors marked `bad`: for proving the others, so that one
 * check reports every error; never to be played. */
int practice_parse_partial(const char *path, const char *text, size_t len, struct practice **out,
                   struct diag_list *diags);

/* Adds a warning to diags (path as shown) at the H2 of each scenario of pr
 * that has no told text (the trainee decides on a title alone) or, with a
 * case block, no `explain` (or one written empty: nothing says why after
 * the answer). Neither is an error in the contract, and existing files
 * must keep loading, but each is almost always a slip of the author.
 * Returns 0, or -1 when memory ran out (diags->oom). */
int practice_warn_untold(const char *path, const struct practice *pr, struct diag_list *diags);

/* The keys of pr's scenarios in order, joined by one space (scenario k's
 * starts at byte k * (PRACTICE_KEY_LEN + 1)): what the store keeps beside
 * a good text (schema/029-scenario-key.sql). Returns a string the caller
 * frees, or NULL when memory ran out. */
char *practice_keys_join(const struct practice *pr);

/* The name of a decision in files and JSON: "accept", "return", "refuse". */
const char *practice_decision_name(enum practice_decision d);

void practice_free(struct practice *pr);

#endif
