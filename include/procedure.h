/* procedure: a procedure file's Markdown, read through libcmark's AST, turned
 * into the model the kiosk walks a resident through: title, summary,
 * information sections, eligibility conditions, and steps with checklist
 * items and form fields.
 *
 * A model is immutable once built and is built once per content hash; the
 * JSON the API serves is rendered from it (render.h).
 */
#ifndef SPK_PROCEDURE_H
#define SPK_PROCEDURE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "field.h"
#include "frontmatter.h"
#include "marker.h"

/* Files over this size are refused before parsing. */
#define PROCEDURE_FILE_MAX ((size_t)1 << 20)
#define PROCEDURE_MAX_STEPS 100
#define PROCEDURE_MAX_ITEMS 200     /* checklist items in one step */
#define PROCEDURE_MAX_FIELDS 200    /* fields in one procedure */
#define PROCEDURE_MAX_SECTIONS 50
/* A summary longer than this (characters) is warned: lists show it whole. */
#define PROCEDURE_SUMMARY_WARN_CHARS 150
#define PROCEDURE_ID_MAX 64

enum proc_kind { PROC_PROCEDURE, PROC_POLICY };

enum section_kind {
    SECTION_ELIGIBILITY,
    SECTION_BASIS,
    SECTION_FEES,
    SECTION_RESULT,
    SECTION_NOTES,
    SECTION_FAQ,
    SECTION_INFO,       /* any other H2 of a policy document */
    SECTION_CHAIN,      /* 办理流程: may hold the ```chain block */
};

struct proc_section {
    enum section_kind kind;
    char *title;        /* owned plain text */
    char *html;         /* owned, rendered safely (no raw HTML) */
    int line;
};

struct proc_item {
    /* The `{#id}` written at its end ([a-z][a-z0-9_]{0,31}, unique in the
     * procedure and never a field key), else "s<step>-<n>", both
     * zero-based. Cases store it, so giving an item an id in a new version
     * changes its id: cases on the old version keep the old one. */
    char id[MARKER_KEY_MAX + 1];
    bool named;         /* the id was written as {#id} */
    char *text;         /* owned plain text, markers and "[ ] " removed */
    bool required;      /* false when marked {optional} */
    bool has_cond;
    struct cond cond;
    int line;
};

struct proc_step {
    char *title;        /* owned plain text, markers removed */
    char *html;         /* owned: everything but checklist items, forms and staff guidance */
    char *staff_html;   /* owned: the `{staff}` block quotes, for the window only; NULL if none */
    char *tips_html;    /* owned: the other block quotes (tips), also in html; NULL if none */
    struct proc_item *items;
    size_t n_items;
    struct field *fields;
    size_t n_fields;
    bool has_cond;
    struct cond cond;
    int line;
};

/* A file of the library's _assets/ folder that the text refers to by a
 * relative link; its URL in the HTML is PROCEDURE_MEDIA_PREFIX + name. */
struct proc_asset {
    char *name;         /* owned, relative to _assets/ */
    int line;           /* line of the block that links to it */
};

#define PROCEDURE_MEDIA_PREFIX "/media/"
#define PROCEDURE_MAX_ASSETS 100
/* A link to an office, "../_directory.md#ID", becomes this + ID: the
 * kiosk's route for the office's card. */
#define PROCEDURE_OFFICE_PREFIX "#/office/"

/* One stage of the review chain (审核链) a case walks after the window
 * accepts it: who acts on it and in how many working days. */
#define PROCEDURE_MAX_STAGES 20
#define PROCEDURE_STAGE_KEY_MAX 32
#define PROCEDURE_STAGE_DAYS_MAX 365
#define PROCEDURE_STAGE_LABEL_MAX 120   /* bytes */

struct proc_stage {
    char key[PROCEDURE_STAGE_KEY_MAX + 1];     /* [a-z][a-z0-9_]{0,31} */
    char *label;                                /* owned plain text */
    char post[PROCEDURE_STAGE_KEY_MAX + 1];    /* a post id of _posts.md */
    int days;                                   /* 0..365 working days */
    int line;                                   /* 0 for the implicit stage */
};

/* What to parse; all pointers are borrowed for the duration of the call. */
struct procedure_src {
    const char *path;       /* as shown in diagnostics */
    const char *id;         /* the file stem; front matter `id` overrides it */
    const char *category;   /* the folder's id */
    const char *text;
    size_t len;
    const char *hash;       /* 64 hex digits: sha256 of text */
    int today;              /* YYYYMMDD: a review_by before it is overdue; 0 to skip */
    int remind;             /* YYYYMMDD: a review_by up to it is due soon; 0 to skip */
    bool keep_on_error;     /* procedure_parse sets *out even when it reports errors */
};

struct procedure {
    char *id, *category, *path;     /* owned */
    char hash[65];
    enum proc_kind kind;
    struct frontmatter meta;        /* the front matter, known keys only */
    int order;                      /* `order`, default 1000 */
    int review_by;                  /* YYYYMMDD or 0 */
    int effective;                  /* `effective`, YYYYMMDD or 0: a date after
                                       the hall's today schedules the version */
    char *title;
    char *summary_html;
    char *summary_text;
    struct proc_section *sections;
    size_t n_sections;
    char **conditions;              /* plain text of eligibility conditions */
    size_t n_conditions;
    struct proc_step *steps;
    size_t n_steps;
    char *search_text;              /* plain text of the body, for search */
    struct proc_asset *assets;      /* files of _assets/ the text links to */
    size_t n_assets;
    struct proc_asset *offices;     /* offices of _directory.md the text links
                                       to (name is the office id), which the
                                       library checks exist */
    size_t n_offices;
    /* The review chain: the `chain` block's stages, or the one implicit
     * stage `handle | 窗口办理 | window | N` (N from a time_limit of the
     * form `N个工作日`, else 0). Never empty once parsed. */
    struct proc_stage *stages;
    size_t n_stages;
    bool chain_written;             /* the stages come from a chain block */
    size_t chain_section;           /* the section that holds it, when written */
    bool pickup;                    /* `pickup: yes`: ends as 待领取 */
    bool visit;                     /* `visit: yes`: the B post may do it at home */
    int followup;                   /* `followup: N` working days, -1 when absent */
};

/* N when time_limit is `N个工作日` (or `N 个工作日`), else -1. */
int procedure_time_limit_days(const char *time_limit);

/* The sum of the stages' days. */
int procedure_chain_days(const struct procedure *p);

/* Parses src into a new model. Every problem is added to diags with its
 * line. Returns 0 and sets *out when the file has no error (warnings are
 * allowed), 1 when errors were reported (*out is NULL, or with
 * src->keep_on_error what parsed, for checks across files that report the
 * rest of the file's errors; never to be served), -1 when memory ran out.
 * The caller frees *out with procedure_free(). */
int procedure_parse(const struct procedure_src *src, struct procedure **out,
                    struct diag_list *diags);

/* True when s is a valid procedure or category id: [a-z0-9][a-z0-9-]{0,63}. */
bool procedure_id_valid(const char *s, size_t n);

/* The JSON name of a section kind ("eligibility"). */
const char *procedure_section_kind_name(enum section_kind k);

/* The field with this key in any step, or NULL; *step_out gets its step. */
const struct field *procedure_field_find(const struct procedure *p, const char *key,
                                         size_t *step_out);

/* The checklist item with this id in any step, or NULL; *step_out gets
 * its step. */
const struct proc_item *procedure_item_find(const struct procedure *p, const char *id,
                                            size_t *step_out);

/* The part of a step title after an author's own number ("第一步:准备材料"
 * gives "准备材料"): pages number steps themselves, counting only those that
 * apply. Returns a pointer into title, or title when it has no number (or
 * nothing after it). */
const char *procedure_step_label(const char *title);

void procedure_free(struct procedure *p);

#endif
