/* stats: figures per procedure over cases started in a range of local
 * dates — started, submitted, completed, abandoned, median minutes per
 * step, where residents give up, ratings — read from the case tables in one
 * read transaction, and rendered as JSON or CSV.
 *
 * Only anonymous columns are read (status, timestamps, steps done, events,
 * rating scores), so the figures are the same before and after a case's
 * personal data is erased (sweep.h).
 */
#ifndef SPK_STATS_H
#define SPK_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "db.h"
#include "procedure.h"
#include "sweep.h"
#include "workdays.h"

#define STATS_DAYS_MAX 366          /* longest range, from and to included */
#define STATS_DAYS_DEFAULT 30       /* the default range ends today */
#define STATS_YEAR_MIN 2000
#define STATS_YEAR_MAX 2999

struct stats_query {
    int from, to;                   /* local dates as YYYYMMDD, both included */
    const char *procedure;          /* NULL: every procedure */
    time_t now;                     /* an open case idle for an hour before now counts as abandoned */
    const struct workdays *cal;     /* the hall's calendar (catalog_calendar), NULL: weekends rest */
};

/* Parses "YYYY-MM-DD", a real calendar date in STATS_YEAR_MIN..MAX, into
 * YYYYMMDD. Returns 0, or -1 for anything else. */
int stats_date_parse(const char *s, int *ymd);

/* Days from `from` to `to`, both included (0 or less when to is before
 * from). Dates are YYYYMMDD. */
long stats_range_days(int from, int to);

/* The start of local day ymd + days (days may be negative or 1: the next
 * day's start, the end of ymd) as stored timestamps are written, UTC, in
 * out. Returns 0 or -1. */
int stats_day_start(int ymd, int days, char out[32]);

/* The default range as of now: the STATS_DAYS_DEFAULT local days ending
 * today. */
void stats_range_default(time_t now, int *from, int *to);

/* One step of a procedure (index in file order). */
struct stats_step {
    char *title;                    /* owned, from the current version; "" past its steps */
    double median;                  /* minutes from entering the step to its acceptance; < 0: none */
    size_t samples;
};

/* A place where residents gave up, with how many did. */
struct stats_giveup {
    enum sweep_stage stage;
    int step;                       /* index for SWEEP_STAGE_STEP, else -1 */
    char *title;                    /* owned, from the pinned version of the latest such case */
    size_t count;
};

/* One stage of a procedure's review chain, by key, over the stages done
 * in the range: the median working days its clock ran (workdays_between
 * from the day it began to the day it was done, plus, for a stage resumed
 * after a return, the days it had used before: its limit less the days it
 * had left). */
struct stats_stage {
    char key[PROCEDURE_STAGE_KEY_MAX + 1];
    char *label;                    /* owned, from the latest stage done */
    double median;                  /* working days */
    size_t count;                   /* stages done in the range */
    int idx;                        /* its (first) index in the chain */
};

struct stats_proc {
    char id[PROCEDURE_ID_MAX + 1];
    char *title;                    /* owned */
    bool live;                      /* false: retired, listed because it has cases */
    size_t started, submitted, completed, abandoned;
    struct stats_step *steps;       /* owned */
    size_t n_steps;
    struct stats_giveup *give_up;   /* owned, most first, then in file order; a case whose
                                     * stop is unknown (its version no longer parses) is
                                     * counted in abandoned, not here */
    size_t n_give_up;
    size_t ratings;
    long rating_sum;
    size_t scores[5];               /* scores[k]: how many rated k + 1 */
    /* of those, the ones 满意率 counts (schema/043: a resident's, on a
     * case handed in) and the ones kept apart: a staff session's, and else
     * one of a case never handed in when rated */
    size_t counted[5];
    size_t apart_staff, apart_not_handed_in;
    /* 按期办结: chains finished in the range (the last stage done, a
     * "completed" event, of cases with a committed due date), and of those
     * finished on or before it (local dates) */
    size_t finished, on_time;
    struct stats_stage *stages;     /* owned, in chain order */
    size_t n_stages;
    /* call-backs (followup.h) whose result was recorded in the range, by
     * result, and complaint call-backs still open at the range's end, of
     * which complaints_open_apart opened by a rating kept out of 满意率 */
    size_t followups_done, followups_satisfied, followups_unsatisfied, followups_unreachable;
    /* of satisfied and unsatisfied, those reached only after a 联系不上 try */
    size_t followups_reached_on_retry;
    size_t complaints_open, complaints_open_apart;
};

struct stats_report {
    int from, to;
    struct stats_proc *procs;       /* owned; catalog order (category, then order, then id) */
    size_t n_procs;
};

/* Gathers the figures for q into *out (freed with stats_report_free in
 * every case). Lists every live procedure (not policies) and any other
 * that has cases in the range; with q->procedure, only that one. Returns
 * 0; 1 when q->procedure names no procedure ever loaded; -1 on a database
 * error or when memory runs out. */
int stats_collect(struct db *db, const struct stats_query *q, struct stats_report *out);

/* The report as GET /api/v1/admin/stats answers it. NULL when memory runs
 * out. Caller frees. */
char *stats_json(const struct stats_report *r);

/* The report as CSV for spreadsheets: a UTF-8 byte order mark (Excel then
 * reads Chinese correctly), CRLF lines, RFC 4180 quoting, text cells that
 * a spreadsheet would take for a formula prefixed with '. *len gets the
 * length. NULL when memory runs out. Caller frees. */
char *stats_csv(const struct stats_report *r, size_t *len);

struct strbuf;

/* Appends s to sb as one CSV text cell: quoted when it holds a comma,
 * quote or line break; a cell a spreadsheet would take for a formula
 * (leading = + - @, tab or CR) quoted and prefixed with '. Returns 0, or
 * nonzero when memory ran out. */
int stats_csv_text(struct strbuf *sb, const char *s);

void stats_report_free(struct stats_report *r);

#endif
