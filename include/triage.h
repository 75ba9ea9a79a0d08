/* triage: the "不知道办什么?" question flow of `_triage.md`.
 *
 * Each H2 is a question, each item of its list an answer that leads to
 * another question, to a procedure, or ends the flow with advice.
 */
#ifndef SPK_TRIAGE_H
#define SPK_TRIAGE_H

#include <stdbool.h>
#include <stddef.h>

#define TRIAGE_FILE "_triage.md"

#include "diag.h"

#define TRIAGE_MAX_QUESTIONS 200
#define TRIAGE_MAX_ANSWERS 50

enum triage_target { TRIAGE_END, TRIAGE_GOTO, TRIAGE_PROCEDURE, TRIAGE_OFFICE };

struct triage_answer {
    char *text;                 /* owned plain text */
    enum triage_target kind;
    char *target;               /* owned: question id, procedure id or office id */
    int line;
};

struct triage_question {
    char *id;                   /* owned: from {#id} or a slug of the text */
    char *text;                 /* owned plain text */
    struct triage_answer *answers;
    size_t n_answers;
    int line;
};

struct triage {
    char *title;                /* owned: the H1, or "" */
    struct triage_question *questions;  /* the first is where the flow starts */
    size_t n;
};

/* Maps a link such as "employment/labour-handbook.md" (relative to the
 * procedures folder, already checked to hold no ".." or absolute part) to
 * the id of the procedure in that file, and sets *broken when that file has
 * errors now (its last good version, if any, is what residents get).
 * line is the answer's, for the resolver's own notes.
 * Returns a string owned by the resolver that stays valid until
 * triage_parse returns, or NULL when there is no such procedure file.
 * An answer's link to an office, "_directory.md#ID", is resolved the same
 * way: non-NULL when the office exists, NULL when it does not; *broken is
 * then set when the offices it was looked up in are not the text on disk
 * (that file has errors and its last good offices stay live). */
typedef const char *(*triage_resolve_fn)(void *ctx, const char *relpath, int line, bool *broken);

/* Parses and checks the triage file text[0..len) shown as path. Links to
 * files are resolved with resolve. Every problem goes to diags with its
 * line. Returns 0 with *out set when there is no error, 1 when errors were
 * reported (*out NULL), -1 when memory ran out. Free with triage_free(). */
int triage_parse(const char *path, const char *text, size_t len, triage_resolve_fn resolve,
                 void *ctx, struct triage **out, struct diag_list *diags);

/* GET /api/v1/triage's body. Returns a new string (caller frees) or NULL. */
char *triage_render(const struct triage *t);

void triage_free(struct triage *t);

#endif
