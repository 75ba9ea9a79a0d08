/* stats: the admin's figures. Counts and ratings are aggregated by SQLite;
 * the minutes each step took come out of SQL sorted, and their medians are
 * taken here. Everything is read in one read transaction, so the figures
 * agree with each other while cases change under them. */
#include "stats.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include "clock.h"
#include "followup.h"
#include "models.h"
#include "strbuf.h"

/* A step index beyond any procedure (the parser allows 100 steps). */
#define STATS_STEP_LIMIT 1000

/* ---- dates ------------------------------------------------------------------ */

static bool stats_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int stats_month_days(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    return m == 2 && stats_leap(y) ? 29 : days[m - 1];
}

int stats_date_parse(const char *s, int *ymd)
{
    int y, m, d, i;

    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    for (i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return -1;
    y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    m = (s[5] - '0') * 10 + (s[6] - '0');
    d = (s[8] - '0') * 10 + (s[9] - '0');
    if (y < STATS_YEAR_MIN || y > STATS_YEAR_MAX || m < 1 || m > 12 || d < 1 ||
        d > stats_month_days(y, m))
        return -1;
    *ymd = y * 10000 + m * 100 + d;
    return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil). */
static long stats_day_number(int ymd)
{
    long y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100, era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

long stats_range_days(int from, int to)
{
    return stats_day_number(to) - stats_day_number(from) + 1;
}

/* The local date of t plus `days` days, as YYYYMMDD. Noon keeps a daylight
 * saving change from moving the date. */
static int stats_local_date(time_t t, int days)
{
    struct tm tm;

    if (!localtime_r(&t, &tm))
        return 19700101;
    tm.tm_mday += days;
    tm.tm_hour = 12;
    tm.tm_min = tm.tm_sec = 0;
    tm.tm_isdst = -1;
    if (mktime(&tm) == (time_t)-1)
        return 19700101;
    return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

void stats_range_default(time_t now, int *from, int *to)
{
    *to = stats_local_date(now, 0);
    *from = stats_local_date(now, -(STATS_DAYS_DEFAULT - 1));
}

int stats_day_start(int ymd, int days, char out[32])
{
    struct tm tm;
    time_t t;

    memset(&tm, 0, sizeof tm);
    tm.tm_year = ymd / 10000 - 1900;
    tm.tm_mon = ymd / 100 % 100 - 1;
    tm.tm_mday = ymd % 100 + days;
    tm.tm_isdst = -1;
    if ((t = mktime(&tm)) == (time_t)-1)
        return -1;
    clock_utc(t, out);
    return 0;
}

/* ---- reading -------------------------------------------------------------- */

/* Every statement takes ?1 start (UTC, included), ?2 end (excluded), ?3
 * the procedure or NULL; some also ?4 and ?5, the idle cut-offs (a case
 * started at the window has longer, see sweep.h). */

/* the procedures listed: a filter's, or the live ones and any other with
 * something in the range (a case begun, a call-back recorded or a
 * complaint still open at its end, a chain stage done): a retired item's
 * open 差评 from an earlier month must not vanish (a month-end review) */
static const char sql_procs[] =
    "SELECT p.id, v.title, p.status = 'live', p.hash FROM procedures p"
    " JOIN procedure_versions v ON v.procedure_id = p.id AND v.hash = p.hash"
    " LEFT JOIN categories k ON k.id = v.category"
    " WHERE (?3 IS NOT NULL AND p.id = ?3) OR (?3 IS NULL AND"
    "  ((p.status = 'live' AND v.kind = 'procedure') OR EXISTS (SELECT 1 FROM cases c"
    "   WHERE c.procedure_id = p.id AND c.created_at >= ?1 AND c.created_at < ?2)"
    "  OR EXISTS (SELECT 1 FROM followups f JOIN cases c ON c.id = f.case_id WHERE c.procedure_id = p.id"
    "   AND ((f.kind = 'complaint' AND f.created_at < ?2 AND (f.done_at IS NULL OR f.done_at >= ?2))"
    "    OR (f.done_at >= ?1 AND f.done_at < ?2)))"
    "  OR EXISTS (SELECT 1 FROM case_stages s JOIN cases c ON c.id = s.case_id"
    "   WHERE c.procedure_id = p.id AND s.done_at >= ?1 AND s.done_at < ?2)))"
    " ORDER BY k.ord IS NULL, k.ord, v.ord, p.id";

static const char sql_counts[] =
    "SELECT procedure_id, COUNT(*), COUNT(submitted_at), SUM(status = 'completed'),"
    " SUM(status = 'abandoned' OR (status = 'open'"
    "  AND updated_at < CASE WHEN channel IN ('window', 'web') THEN ?5 ELSE ?4 END))"
    " FROM cases WHERE created_at >= ?1 AND created_at < ?2"
    " AND (?3 IS NULL OR procedure_id = ?3) GROUP BY procedure_id";

/* by score and by what 满意率 does with them (schema/043): 0 counted, 1
 * a staff session's, 2 a case never handed in when rated */
static const char sql_ratings[] =
    "SELECT c.procedure_id, r.score, COUNT(*),"
    " CASE WHEN r.staff IS NOT NULL THEN 1 WHEN r.handed_in = 0 THEN 2 ELSE 0 END"
    " FROM ratings r JOIN cases c ON c.id = r.case_id"
    " WHERE c.created_at >= ?1 AND c.created_at < ?2 AND (?3 IS NULL OR c.procedure_id = ?3)"
    " GROUP BY 1, 2, 4";

/* call-backs by the date their result was recorded, and of each result
 * those tried before it without reaching the resident (followup.c's events
 * "unreachable_try KIND" since the call-back was opened); a complaint
 * counts as open when it was opened before the range's end and not closed
 * by then (?1 is named only because stats_stmt binds it in every statement) */
static const char sql_followups[] =
    "SELECT c.procedure_id, f.result, COUNT(*), SUM(EXISTS (SELECT 1 FROM case_events e"
    "  WHERE " FOLLOWUP_TRY_MATCH " AND e.at >= f.created_at AND e.at <= f.done_at))"
    " FROM followups f JOIN cases c ON c.id = f.case_id"
    " WHERE f.done_at >= ?1 AND f.done_at < ?2 AND (?3 IS NULL OR c.procedure_id = ?3)"
    " GROUP BY c.procedure_id, f.result";
/* and of those, the ones a rating kept out of 满意率 opened (schema/043) */
static const char sql_complaints_open[] =
    "SELECT c.procedure_id, COUNT(*), SUM(EXISTS (SELECT 1 FROM ratings r WHERE r.case_id = f.case_id"
    "  AND (r.staff IS NOT NULL OR r.handed_in = 0)))"
    " FROM followups f JOIN cases c ON c.id = f.case_id"
    " WHERE f.kind = 'complaint' AND f.created_at < ?2 AND (f.done_at IS NULL OR f.done_at >= ?2)"
    " AND (?1 IS NOT NULL) AND (?3 IS NULL OR c.procedure_id = ?3) GROUP BY c.procedure_id";

/* A step is entered at the latest of: the acceptance of the previous
 * accepted step (by index), the last confirmation of the conditions before
 * its own acceptance, and the last return by the window before it. A step
 * the window returns loses its case_steps row and is accepted again later:
 * without the return it would count from the step before it, queue and
 * days away included. The case's creation when there is none of these. A
 * span that comes out negative (an earlier step accepted again after a
 * later one) is left out. MAX() of text is the latest time: stored times
 * are ISO 8601 UTC, which sorts as it compares. */
static const char sql_durations[] =
    "SELECT procedure_id, step, minutes FROM ("
    " SELECT c.procedure_id, s.step, (unixepoch(s.at) - unixepoch(COALESCE(NULLIF(MAX("
    "   COALESCE(LAG(s.at) OVER (PARTITION BY s.case_id ORDER BY s.step), ''),"
    "   COALESCE((SELECT MAX(e.at) FROM case_events e WHERE e.case_id = s.case_id"
    "    AND e.what IN ('conditions', 'returned') AND e.at <= s.at), '')), ''),"
    "   c.created_at))) / 60.0 AS minutes"
    " FROM case_steps s JOIN cases c ON c.id = s.case_id"
    " WHERE c.created_at >= ?1 AND c.created_at < ?2 AND (?3 IS NULL OR c.procedure_id = ?3))"
    " WHERE minutes >= 0 ORDER BY procedure_id, step, minutes";

/* Cases given up: the sweep's event says where, when there is one. */
static const char sql_gaveup[] =
    "SELECT c.id, c.procedure_id, c.hash, c.submitted_at IS NOT NULL, e.id IS NOT NULL, e.step"
    " FROM cases c LEFT JOIN case_events e ON e.id = (SELECT MAX(x.id) FROM case_events x"
    "  WHERE x.case_id = c.id AND x.what = 'abandoned')"
    " WHERE c.created_at >= ?1 AND c.created_at < ?2 AND (?3 IS NULL OR c.procedure_id = ?3)"
    " AND (c.status = 'abandoned' OR (c.status = 'open'"
    "  AND c.updated_at < CASE WHEN c.channel IN ('window', 'web') THEN ?5 ELSE ?4 END))"
    " ORDER BY c.procedure_id, c.created_at DESC, c.id";

/* 按期办结: the chains finished in the range, and those finished by the
 * case's committed due date, compared as local dates (SQLite's localtime
 * is the C library's, so the same as clock_today). A case accepted before
 * chains existed has no due and is left out. */
static const char sql_on_time[] =
    "SELECT c.procedure_id, COUNT(DISTINCT e.case_id),"
    " COUNT(DISTINCT CASE WHEN date(e.at, 'localtime') <= c.due THEN e.case_id END)"
    " FROM case_events e JOIN cases c ON c.id = e.case_id"
    " WHERE e.what = 'completed' AND e.at >= ?1 AND e.at < ?2 AND c.due IS NOT NULL"
    " AND (?3 IS NULL OR c.procedure_id = ?3) GROUP BY c.procedure_id";

/* Stages done in the range, grouped by procedure and key (a key may sit
 * at another index in another version); the latest of a key first, so
 * that its label is the one kept. */
static const char sql_stage_days[] =
    "SELECT c.procedure_id, s.key, s.label, s.days, s.begun_on, s.due, date(s.done_at, 'localtime'),"
    " s.idx"
    " FROM case_stages s JOIN cases c ON c.id = s.case_id"
    " WHERE s.done_at >= ?1 AND s.done_at < ?2 AND s.begun_on IS NOT NULL"
    " AND (?3 IS NULL OR c.procedure_id = ?3)"
    " ORDER BY c.procedure_id, s.key, s.done_at DESC";

struct stats_bind {
    char start[32], end[32], idle[32], idle_window[32];
    const char *procedure;
};

/* The statement for sql with the range bound; NULL on error. */
static sqlite3_stmt *stats_stmt(struct db *db, const char *sql, const struct stats_bind *b)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    int n, r = SQLITE_OK;

    if (!st)
        return NULL;
    n = sqlite3_bind_parameter_count(st);
    r |= sqlite3_bind_text(st, 1, b->start, -1, SQLITE_STATIC);
    r |= sqlite3_bind_text(st, 2, b->end, -1, SQLITE_STATIC);
    r |= b->procedure ? sqlite3_bind_text(st, 3, b->procedure, -1, SQLITE_STATIC)
                      : sqlite3_bind_null(st, 3);
    if (n >= 5) {
        r |= sqlite3_bind_text(st, 4, b->idle, -1, SQLITE_STATIC);
        r |= sqlite3_bind_text(st, 5, b->idle_window, -1, SQLITE_STATIC);
    }
    if (r != SQLITE_OK) {
        sqlite3_reset(st);
        return NULL;
    }
    return st;
}

static char *stats_strdup(const char *s)
{
    return strdup(s ? s : "");
}

/* The procedure with id; *hint remembers the last one found, since rows
 * come grouped by procedure. NULL when it is not listed. */
static struct stats_proc *stats_find(struct stats_report *r, const char *id, size_t *hint)
{
    size_t i;

    if (*hint < r->n_procs && strcmp(r->procs[*hint].id, id) == 0)
        return &r->procs[*hint];
    for (i = 0; i < r->n_procs; i++) {
        if (strcmp(r->procs[i].id, id) == 0) {
            *hint = i;
            return &r->procs[i];
        }
    }
    return NULL;
}

/* Makes room for step index `step` (titles "" past the version's steps). */
static int stats_steps_reach(struct stats_proc *p, size_t step)
{
    struct stats_step *s;
    size_t j;

    if (step < p->n_steps)
        return 0;
    if (!(s = realloc(p->steps, (step + 1) * sizeof *s)))
        return -1;
    p->steps = s;
    for (j = p->n_steps; j <= step; j++) {
        s[j].median = -1;
        s[j].samples = 0;
        if (!(s[j].title = stats_strdup(""))) {
            p->n_steps = j;
            return -1;
        }
    }
    p->n_steps = step + 1;
    return 0;
}

/* The plain title of step i of a model ("准备材料" from "第一步:准备材料"). */
static const char *stats_step_title(const struct procedure *m, size_t i)
{
    return m && i < m->n_steps ? procedure_step_label(m->steps[i].title) : "";
}

static int stats_list(struct db *db, const struct stats_bind *b, struct stats_report *r)
{
    sqlite3_stmt *st = stats_stmt(db, sql_procs, b);
    int rc = -1, s;

    if (!st)
        return -1;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        struct stats_proc *p = realloc(r->procs, (r->n_procs + 1) * sizeof *p);
        const struct procedure *m;
        struct model_ref *ref = NULL;
        size_t j;
        int mr;

        if (!p)
            goto out;
        r->procs = p;
        p = &r->procs[r->n_procs++];
        memset(p, 0, sizeof *p);
        snprintf(p->id, sizeof p->id, "%s", (const char *)sqlite3_column_text(st, 0));
        p->live = sqlite3_column_int(st, 2) != 0;
        if (!(p->title = stats_strdup((const char *)sqlite3_column_text(st, 1))))
            goto out;
        /* step titles from the current version; a stored version that no
         * longer parses just leaves them out, one that cannot be read is
         * an error (the figures would be quietly short) */
        mr = models_get(db, p->id, (const char *)sqlite3_column_text(st, 3), &m, &ref);
        if (mr < 0)
            goto out;
        if (mr == 0 && m->n_steps) {
            if (stats_steps_reach(p, m->n_steps - 1) != 0) {
                models_release(ref);
                goto out;
            }
            for (j = 0; j < m->n_steps; j++) {
                free(p->steps[j].title);
                if (!(p->steps[j].title = stats_strdup(stats_step_title(m, j)))) {
                    models_release(ref);
                    goto out;
                }
            }
        }
        models_release(ref);
    }
    rc = s == SQLITE_DONE ? 0 : -1;
out:
    sqlite3_reset(st);
    return rc;
}

/* Runs sql, whose rows are a procedure id and then n counts, into the
 * size_t fields at offs[0..n) of each listed procedure. 0 or -1. */
static int stats_per_proc(struct db *db, const struct stats_bind *b, struct stats_report *r,
                          const char *sql, const size_t *offs, int n)
{
    sqlite3_stmt *st = stats_stmt(db, sql, b);
    struct stats_proc *p;
    size_t hint = 0;
    int s, i;

    if (!st)
        return -1;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (!(p = stats_find(r, (const char *)sqlite3_column_text(st, 0), &hint)))
            continue;
        for (i = 0; i < n; i++)
            *(size_t *)(void *)((char *)p + offs[i]) = (size_t)sqlite3_column_int64(st, i + 1);
    }
    sqlite3_reset(st);
    return s == SQLITE_DONE ? 0 : -1;
}

static int stats_counts(struct db *db, const struct stats_bind *b, struct stats_report *r)
{
    static const size_t offs[] = {
        offsetof(struct stats_proc, started), offsetof(struct stats_proc, submitted),
        offsetof(struct stats_proc, completed), offsetof(struct stats_proc, abandoned),
    };

    return stats_per_proc(db, b, r, sql_counts, offs, 4);
}

static int stats_ratings(struct db *db, const struct stats_bind *b, struct stats_report *r)
{
    sqlite3_stmt *st = stats_stmt(db, sql_ratings, b);
    struct stats_proc *p;
    size_t hint = 0, n;
    int s, score;

    if (!st)
        return -1;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        score = sqlite3_column_int(st, 1);
        n = (size_t)sqlite3_column_int64(st, 2);
        if (score < 1 || score > 5 ||
            !(p = stats_find(r, (const char *)sqlite3_column_text(st, 0), &hint)))
            continue;
        p->scores[score - 1] += n;
        p->ratings += n;
        p->rating_sum += (long)n * score;
        switch (sqlite3_column_int(st, 3)) {
        case 1:
            p->apart_staff += n;
            break;
        case 2:
            p->apart_not_handed_in += n;
            break;
        default:
            p->counted[score - 1] += n;
        }
    }
    sqlite3_reset(st);
    return s == SQLITE_DONE ? 0 : -1;
}

static int stats_followups(struct db *db, const struct stats_bind *b, struct stats_report *r)
{
    sqlite3_stmt *st = stats_stmt(db, sql_followups, b);
    struct stats_proc *p;
    const char *res;
    size_t hint = 0, n;
    int s;

    if (!st)
        return -1;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        res = (const char *)sqlite3_column_text(st, 1);
        n = (size_t)sqlite3_column_int64(st, 2);
        if (!res || !(p = stats_find(r, (const char *)sqlite3_column_text(st, 0), &hint)))
            continue;
        p->followups_done += n;
        if (strcmp(res, "satisfied") == 0)
            p->followups_satisfied += n;
        else if (strcmp(res, "unsatisfied") == 0)
            p->followups_unsatisfied += n;
        else
            p->followups_unreachable += n;
        /* every unreachable one was tried: only a reached one says more */
        if (strcmp(res, "unreachable") != 0)
            p->followups_reached_on_retry += (size_t)sqlite3_column_int64(st, 3);
    }
    sqlite3_reset(st);
    if (s != SQLITE_DONE || !(st = stats_stmt(db, sql_complaints_open, b)))
        return -1;
    hint = 0;
    while ((s = sqlite3_step(st)) == SQLITE_ROW)
        if ((p = stats_find(r, (const char *)sqlite3_column_text(st, 0), &hint))) {
            p->complaints_open = (size_t)sqlite3_column_int64(st, 1);
            p->complaints_open_apart = (size_t)sqlite3_column_int64(st, 2);
        }
    sqlite3_reset(st);
    return s == SQLITE_DONE ? 0 : -1;
}

/* The median of v[0..n), which is sorted. */
static double stats_median(const double *v, size_t n)
{
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int stats_group_end(struct stats_proc *p, int step, const double *v, size_t n)
{
    if (!p || n == 0 || step < 0 || step >= STATS_STEP_LIMIT)
        return 0;
    if (stats_steps_reach(p, (size_t)step) != 0)
        return -1;
    p->steps[step].median = stats_median(v, n);
    p->steps[step].samples = n;
    return 0;
}

static int stats_durations(struct db *db, const struct stats_bind *b, struct stats_report *r)
{
    sqlite3_stmt *st = stats_stmt(db, sql_durations, b);
    struct stats_proc *p = NULL, *q;
    double *v = NULL, *grown;
    size_t n = 0, cap = 0, hint = 0;
    int s, step = -1, row_step, rc = -1;

    if (!st)
        return -1;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        q = stats_find(r, (const char *)sqlite3_column_text(st, 0), &hint);
        row_step = sqlite3_column_int(st, 1);
        if (q != p || row_step != step) {
            if (stats_group_end(p, step, v, n) != 0)
                goto out;
            p = q;
            step = row_step;
            n = 0;
        }
        if (!p)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            if (!(grown = realloc(v, cap * sizeof *v)))
                goto out;
            v = grown;
        }
        v[n++] = sqlite3_column_double(st, 2);
    }
    if (s != SQLITE_DONE || stats_group_end(p, step, v, n) != 0)
        goto out;
    rc = 0;
out:
    sqlite3_reset(st);
    free(v);
    return rc;
}

/* One case given up, as read before its stage is worked out. */
struct stats_gaveup_row {
    char id[CASE_ID_LEN + 1];
    char procedure[PROCEDURE_ID_MAX + 1];
    char hash[65];
    bool submitted, has_event, event_step_null;
    int event_step;
};

static int stats_giveup_add(struct stats_proc *p, enum sweep_stage stage, int step,
                            const char *title)
{
    struct stats_giveup *g;
    size_t i;

    for (i = 0; i < p->n_give_up; i++) {
        if (p->give_up[i].stage == stage && p->give_up[i].step == step) {
            p->give_up[i].count++;
            return 0;
        }
    }
    if (!(g = realloc(p->give_up, (p->n_give_up + 1) * sizeof *g)))
        return -1;
    p->give_up = g;
    g = &g[p->n_give_up];
    g->stage = stage;
    g->step = step;
    g->count = 1;
    if (!(g->title = stats_strdup(title)))
        return -1;
    p->n_give_up++;
    return 0;
}

static const char *stats_stage_title(enum sweep_stage stage, const struct procedure *m, int step)
{
    switch (stage) {
    case SWEEP_STAGE_CONDITIONS:
        return "办理条件";
    case SWEEP_STAGE_SUBMIT:
        return "提交";
    case SWEEP_STAGE_WINDOW:
        return "窗口受理";
    case SWEEP_STAGE_STEP:
        break;
    }
    return step >= 0 ? stats_step_title(m, (size_t)step) : "";
}

/* Where one case stopped: at the window when it was ever handed in; else
 * the sweep's event when there is one; else worked out from the case as it
 * stands (open, idle, not swept yet). A case whose stop is unknown still
 * counts as abandoned, but is left out of give_up. */
static int stats_giveup_one(struct db *db, struct stats_proc *p, const struct stats_gaveup_row *g)
{
    struct model_ref *ref = NULL;
    const struct procedure *m;
    enum sweep_stage stage = SWEEP_STAGE_STEP;
    int step = -1, rc = 0;

    if (models_get(db, g->procedure, g->hash, &m, &ref) < 0)
        return -1;
    if (g->submitted) {
        stage = SWEEP_STAGE_WINDOW;
    } else if (g->has_event) {
        /* the sweep could not read the pinned version; or this cannot,
         * and then a step index cannot be told from "every step done" */
        if (!g->event_step_null && (g->event_step < 0 || !m))
            goto out;
        if (g->event_step_null)
            stage = SWEEP_STAGE_CONDITIONS;
        else if (g->event_step >= (int)m->n_steps)
            stage = SWEEP_STAGE_SUBMIT;
        else
            step = g->event_step;
    } else if (sweep_case_stage(db, g->id, &stage, &step) != 0) {
        /* a version that no longer parses */
        goto out;
    }
    if (stage != SWEEP_STAGE_STEP)
        step = -1;
    rc = stats_giveup_add(p, stage, step, stats_stage_title(stage, m, step));
out:
    models_release(ref);
    return rc;
}

static int stats_giveup_cmp(const void *a, const void *b)
{
    const struct stats_giveup *x = a, *y = b;

    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    if (x->stage != y->stage)
        return (int)x->stage - (int)y->stage;
    return x->step - y->step;
}

static int stats_gaveup(struct db *db, const struct stats_bind *b, struct stats_report *r)
{
    sqlite3_stmt *st = stats_stmt(db, sql_gaveup, b);
    struct stats_gaveup_row *rows = NULL, *grown;
    size_t n = 0, cap = 0, i, hint = 0;
    struct stats_proc *p;
    int s, rc = -1;

    if (!st)
        return -1;
    /* read first: working out a stage runs other statements */
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        struct stats_gaveup_row *g;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            if (!(grown = realloc(rows, cap * sizeof *rows)))
                goto out;
            rows = grown;
        }
        g = &rows[n++];
        snprintf(g->id, sizeof g->id, "%s", (const char *)sqlite3_column_text(st, 0));
        snprintf(g->procedure, sizeof g->procedure, "%s", (const char *)sqlite3_column_text(st, 1));
        snprintf(g->hash, sizeof g->hash, "%s", (const char *)sqlite3_column_text(st, 2));
        g->submitted = sqlite3_column_int(st, 3) != 0;
        g->has_event = sqlite3_column_int(st, 4) != 0;
        g->event_step_null = sqlite3_column_type(st, 5) == SQLITE_NULL;
        g->event_step = sqlite3_column_int(st, 5);
    }
    sqlite3_reset(st);
    st = NULL;
    if (s != SQLITE_DONE)
        goto out;
    for (i = 0; i < n; i++)
        if ((p = stats_find(r, rows[i].procedure, &hint)) && stats_giveup_one(db, p, &rows[i]) != 0)
            goto out;
    for (i = 0; i < r->n_procs; i++)
        if (r->procs[i].n_give_up > 1)
            qsort(r->procs[i].give_up, r->procs[i].n_give_up, sizeof *r->procs[i].give_up,
                  stats_giveup_cmp);
    rc = 0;
out:
    if (st)
        sqlite3_reset(st);
    free(rows);
    return rc;
}

static int stats_on_time(struct db *db, const struct stats_bind *b, struct stats_report *r)
{
    static const size_t offs[] = {
        offsetof(struct stats_proc, finished), offsetof(struct stats_proc, on_time),
    };

    return stats_per_proc(db, b, r, sql_on_time, offs, 2);
}

/* The working days one stage's clock ran (struct stats_stage); -1 when a
 * date cannot be read. */
static int stats_stage_used(const struct workdays *cal, int days, const char *begun, const char *due,
                            const char *done)
{
    int b, d, e, left, used;

    if (stats_date_parse(begun, &b) != 0 || stats_date_parse(due, &d) != 0 ||
        stats_date_parse(done, &e) != 0)
        return -1;
    /* a stage resumed after a return began again with the days it had
     * left, and its due was counted from then: what it had used before
     * is its limit less those */
    left = workdays_between(cal, b, d);
    used = workdays_between(cal, b, e) + (days > left ? days - left : 0);
    return used < 0 ? 0 : used;
}

static int stats_int_cmp(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;

    return (x > y) - (x < y);
}

static int stats_stage_cmp(const void *a, const void *b)
{
    const struct stats_stage *x = a, *y = b;

    return (x->idx > y->idx) - (x->idx < y->idx);
}

/* The median of the n sorted values. */
static double stats_median_int(const int *v, size_t n)
{
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/* Medians of the working days per stage. Rows come grouped by procedure
 * and key, so each group's days are gathered into one array, sorted, and
 * its median taken when the group ends; the stages are then put in chain
 * order. */
static int stats_stage_days(struct db *db, const struct stats_bind *b, const struct workdays *cal,
                            struct stats_report *r)
{
    sqlite3_stmt *st = stats_stmt(db, sql_stage_days, b);
    struct stats_proc *p, *gp = NULL;
    int *days = NULL, *grown, s, used, idx, rc = -1;
    size_t n = 0, cap = 0, hint = 0, gi = 0, i;

    if (!st)
        return -1;
    for (;;) {
        const char *proc = NULL, *key = NULL;
        s = sqlite3_step(st);
        if (s == SQLITE_ROW) {
            proc = (const char *)sqlite3_column_text(st, 0);
            key = (const char *)sqlite3_column_text(st, 1);
        }
        if (gp && (s != SQLITE_ROW || strcmp(gp->id, proc) != 0 ||
                   strcmp(gp->stages[gi].key, key) != 0)) {
            qsort(days, n, sizeof *days, stats_int_cmp);
            gp->stages[gi].median = stats_median_int(days, n);
            gp->stages[gi].count = n;
            gp = NULL;
            n = 0;
        }
        if (s != SQLITE_ROW)
            break;
        if (!(p = stats_find(r, proc, &hint)))
            continue;
        idx = sqlite3_column_int(st, 7);
        used = stats_stage_used(cal, sqlite3_column_int(st, 3), (const char *)sqlite3_column_text(st, 4),
                                (const char *)sqlite3_column_text(st, 5),
                                (const char *)sqlite3_column_text(st, 6));
        if (used < 0)
            continue;
        if (!gp) {
            struct stats_stage *g = realloc(p->stages, (p->n_stages + 1) * sizeof *g);
            if (!g)
                goto out;
            p->stages = g;
            g = &g[p->n_stages];
            memset(g, 0, sizeof *g);
            snprintf(g->key, sizeof g->key, "%s", key);
            g->idx = idx;
            if (!(g->label = stats_strdup((const char *)sqlite3_column_text(st, 2))))
                goto out;
            gp = p;
            gi = p->n_stages++;
        }
        if (idx < gp->stages[gi].idx)
            gp->stages[gi].idx = idx;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            if (!(grown = realloc(days, cap * sizeof *days)))
                goto out;
            days = grown;
        }
        days[n++] = used;
    }
    if (s != SQLITE_DONE)
        goto out;
    for (i = 0; i < r->n_procs; i++)
        if (r->procs[i].n_stages > 1)
            qsort(r->procs[i].stages, r->procs[i].n_stages, sizeof *r->procs[i].stages, stats_stage_cmp);
    rc = 0;
out:
    sqlite3_reset(st);
    free(days);
    return rc;
}

int stats_collect(struct db *db, const struct stats_query *q, struct stats_report *out)
{
    struct stats_bind b;
    int rc = -1;

    memset(out, 0, sizeof *out);
    out->from = q->from;
    out->to = q->to;
    memset(&b, 0, sizeof b);
    b.procedure = q->procedure;
    if (stats_day_start(q->from, 0, b.start) != 0 || stats_day_start(q->to, 1, b.end) != 0)
        return -1;
    clock_utc(q->now - SWEEP_IDLE_SECONDS, b.idle);
    clock_utc(q->now - SWEEP_IDLE_WINDOW_SECONDS, b.idle_window);
    if (db_read_begin(db) != 0)
        return -1;
    if (stats_list(db, &b, out) != 0)
        goto out;
    if (q->procedure && out->n_procs == 0) {
        rc = 1;
        goto out;
    }
    if (stats_counts(db, &b, out) != 0 || stats_ratings(db, &b, out) != 0 ||
        stats_followups(db, &b, out) != 0 ||
        stats_durations(db, &b, out) != 0 || stats_gaveup(db, &b, out) != 0 ||
        stats_on_time(db, &b, out) != 0 || stats_stage_days(db, &b, q->cal, out) != 0)
        goto out;
    rc = 0;
out:
    if (db_read_end(db) != 0 && rc == 0)
        rc = -1;
    return rc;
}

void stats_report_free(struct stats_report *r)
{
    size_t i, j;

    for (i = 0; i < r->n_procs; i++) {
        struct stats_proc *p = &r->procs[i];
        free(p->title);
        for (j = 0; j < p->n_steps; j++)
            free(p->steps[j].title);
        free(p->steps);
        for (j = 0; j < p->n_give_up; j++)
            free(p->give_up[j].title);
        free(p->give_up);
        for (j = 0; j < p->n_stages; j++)
            free(p->stages[j].label);
        free(p->stages);
    }
    free(r->procs);
    memset(r, 0, sizeof *r);
}

/* ---- output ---------------------------------------------------------------- */

static void stats_date_text(int ymd, char out[16])
{
    unsigned u = (unsigned)ymd;

    snprintf(out, 16, "%04u-%02u-%02u", u / 10000 % 10000, u / 100 % 100, u % 100);
}

static double stats_round(double v, double unit)
{
    return round(v / unit) * unit;
}

/* The share of the chains finished in the range that kept their due
 * date, to four places (0.6667). */
static double stats_on_time_rate(const struct stats_proc *p)
{
    return stats_round((double)p->on_time / (double)p->finished, 0.0001);
}

static cJSON *stats_giveup_json(const struct stats_giveup *g)
{
    cJSON *o = cJSON_CreateObject();

    if (!o || !cJSON_AddStringToObject(o, "stage", sweep_stage_name(g->stage)) ||
        !(g->step >= 0 ? cJSON_AddNumberToObject(o, "step", g->step)
                       : cJSON_AddNullToObject(o, "step")) ||
        !cJSON_AddStringToObject(o, "title", g->title) ||
        !cJSON_AddNumberToObject(o, "count", (double)g->count)) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* ours, into the procedure's ratings rt: the contract's figures count every
 * rating; "counted" the ones 满意率 counts, "apart" the rest by why
 * (schema/043). 好评 is 5 to 3 (非常满意, 满意, 基本满意), 差评 2 and 1,
 * as the national 好差评 counts them. 0 or -1. */
static int stats_ratings_apart_json(const struct stats_proc *p, cJSON *rt)
{
    cJSON *c, *scores, *x;
    size_t j, n = 0;
    long sum = 0;

    for (j = 0; j < 5; j++) {
        n += p->counted[j];
        sum += (long)p->counted[j] * (long)(j + 1);
    }
    if (!(c = cJSON_AddObjectToObject(rt, "counted")) ||
        !cJSON_AddNumberToObject(c, "count", (double)n) ||
        !(n ? cJSON_AddNumberToObject(c, "average", stats_round((double)sum / (double)n, 0.01))
            : cJSON_AddNullToObject(c, "average")) ||
        !(n ? cJSON_AddNumberToObject(c, "good_rate",
                                      stats_round((double)(p->counted[2] + p->counted[3] + p->counted[4]) /
                                                      (double)n, 0.0001))
            : cJSON_AddNullToObject(c, "good_rate")) ||
        !(scores = cJSON_AddArrayToObject(c, "scores")))
        return -1;
    for (j = 0; j < 5; j++)
        if (!(x = cJSON_CreateNumber((double)p->counted[j])) || !cJSON_AddItemToArray(scores, x))
            return (cJSON_Delete(x), -1);
    if (!(c = cJSON_AddObjectToObject(rt, "apart")) ||
        !cJSON_AddNumberToObject(c, "staff", (double)p->apart_staff) ||
        !cJSON_AddNumberToObject(c, "not_handed_in", (double)p->apart_not_handed_in))
        return -1;
    return 0;
}

static int stats_proc_json(cJSON *arr, const struct stats_proc *p)
{
    cJSON *o = cJSON_CreateObject(), *medians, *steps, *gu, *rt, *scores, *stages, *x;
    size_t j;

    if (!o || !cJSON_AddItemToArray(arr, o)) {
        cJSON_Delete(o);
        return -1;
    }
    if (!cJSON_AddStringToObject(o, "id", p->id) || !cJSON_AddStringToObject(o, "title", p->title) ||
        !cJSON_AddBoolToObject(o, "live", p->live) ||
        !cJSON_AddNumberToObject(o, "started", (double)p->started) ||
        !cJSON_AddNumberToObject(o, "submitted", (double)p->submitted) ||
        !cJSON_AddNumberToObject(o, "completed", (double)p->completed) ||
        !cJSON_AddNumberToObject(o, "abandoned", (double)p->abandoned) ||
        !(medians = cJSON_AddArrayToObject(o, "median_minutes_per_step")) ||
        !(steps = cJSON_AddArrayToObject(o, "steps")))
        return -1;
    for (j = 0; j < p->n_steps; j++) {
        const struct stats_step *s = &p->steps[j];
        double m = stats_round(s->median, 0.1);
        x = s->median >= 0 ? cJSON_CreateNumber(m) : cJSON_CreateNull();
        if (!x || !cJSON_AddItemToArray(medians, x))
            return (cJSON_Delete(x), -1);
        if (!(x = cJSON_CreateObject()) || !cJSON_AddItemToArray(steps, x))
            return (cJSON_Delete(x), -1);
        if (!cJSON_AddNumberToObject(x, "step", (double)j) ||
            !cJSON_AddStringToObject(x, "title", s->title) ||
            !(s->median >= 0 ? cJSON_AddNumberToObject(x, "median_minutes", m)
                             : cJSON_AddNullToObject(x, "median_minutes")) ||
            !cJSON_AddNumberToObject(x, "samples", (double)s->samples))
            return -1;
    }
    if (p->n_give_up) {
        if (!(x = stats_giveup_json(&p->give_up[0])) ||
            !cJSON_AddItemToObject(o, "give_up_step", x))
            return (cJSON_Delete(x), -1);
    } else if (!cJSON_AddNullToObject(o, "give_up_step")) {
        return -1;
    }
    if (!(gu = cJSON_AddArrayToObject(o, "give_up")))
        return -1;
    for (j = 0; j < p->n_give_up; j++)
        if (!(x = stats_giveup_json(&p->give_up[j])) || !cJSON_AddItemToArray(gu, x))
            return (cJSON_Delete(x), -1);
    /* the contract's "average rating", flat, beside the full breakdown */
    if (!(p->ratings ? cJSON_AddNumberToObject(o, "average_rating",
                                               stats_round((double)p->rating_sum / (double)p->ratings, 0.01))
                     : cJSON_AddNullToObject(o, "average_rating")))
        return -1;
    if (!(rt = cJSON_AddObjectToObject(o, "ratings")) ||
        !cJSON_AddNumberToObject(rt, "count", (double)p->ratings) ||
        !(p->ratings ? cJSON_AddNumberToObject(rt, "average",
                                               stats_round((double)p->rating_sum / (double)p->ratings, 0.01))
                     : cJSON_AddNullToObject(rt, "average")) ||
        !(scores = cJSON_AddArrayToObject(rt, "scores")))
        return -1;
    for (j = 0; j < 5; j++)
        if (!(x = cJSON_CreateNumber((double)p->scores[j])) || !cJSON_AddItemToArray(scores, x))
            return (cJSON_Delete(x), -1);
    if (stats_ratings_apart_json(p, rt) != 0)
        return -1;
    if (!cJSON_AddNumberToObject(o, "finished", (double)p->finished) ||
        !cJSON_AddNumberToObject(o, "on_time", (double)p->on_time) ||
        !(p->finished ? cJSON_AddNumberToObject(o, "on_time_rate", stats_on_time_rate(p))
                      : cJSON_AddNullToObject(o, "on_time_rate")) ||
        !(stages = cJSON_AddArrayToObject(o, "stages")))
        return -1;
    for (j = 0; j < p->n_stages; j++) {
        const struct stats_stage *g = &p->stages[j];
        if (!(x = cJSON_CreateObject()) || !cJSON_AddItemToArray(stages, x))
            return (cJSON_Delete(x), -1);
        if (!cJSON_AddStringToObject(x, "key", g->key) || !cJSON_AddStringToObject(x, "label", g->label) ||
            !cJSON_AddNumberToObject(x, "median", g->median) ||
            !cJSON_AddNumberToObject(x, "count", (double)g->count))
            return -1;
    }
    if (!(x = cJSON_AddObjectToObject(o, "followups")) ||
        !cJSON_AddNumberToObject(x, "done", (double)p->followups_done) ||
        !cJSON_AddNumberToObject(x, "satisfied", (double)p->followups_satisfied) ||
        !cJSON_AddNumberToObject(x, "unsatisfied", (double)p->followups_unsatisfied) ||
        !cJSON_AddNumberToObject(x, "unreachable", (double)p->followups_unreachable) ||
        !cJSON_AddNumberToObject(x, "reached_on_retry", (double)p->followups_reached_on_retry) ||
        !cJSON_AddNumberToObject(x, "complaints_open", (double)p->complaints_open) ||
        !cJSON_AddNumberToObject(x, "complaints_open_apart", (double)p->complaints_open_apart))
        return -1;
    return 0;
}

char *stats_json(const struct stats_report *r)
{
    cJSON *root = cJSON_CreateObject(), *arr;
    char from[16], to[16], *out = NULL;
    size_t i;

    stats_date_text(r->from, from);
    stats_date_text(r->to, to);
    if (!root || !cJSON_AddStringToObject(root, "from", from) ||
        !cJSON_AddStringToObject(root, "to", to) ||
        !cJSON_AddNumberToObject(root, "idle_minutes", SWEEP_IDLE_SECONDS / 60) ||
        !(arr = cJSON_AddArrayToObject(root, "procedures")))
        goto out;
    for (i = 0; i < r->n_procs; i++)
        if (stats_proc_json(arr, &r->procs[i]) != 0)
            goto out;
    out = cJSON_PrintUnformatted(root);
out:
    cJSON_Delete(root);
    return out;
}

/* OWASP's advice for CSV: a leading = + - @ or control character would
 * start a spreadsheet formula, so such a cell starts with ' instead. */
int stats_csv_text(struct strbuf *sb, const char *s)
{
    bool formula = strchr("=+-@\t\r", s[0]) != NULL && s[0] != '\0';
    bool quote = formula || strpbrk(s, ",\"\r\n") != NULL;
    int rc = 0;

    if (quote)
        rc |= strbuf_putc(sb, '"');
    if (formula)
        rc |= strbuf_putc(sb, '\'');
    for (; *s; s++)
        rc |= *s == '"' ? strbuf_puts(sb, "\"\"") : strbuf_putc(sb, *s);
    if (quote)
        rc |= strbuf_putc(sb, '"');
    return rc;
}

static int stats_csv_giveup(struct strbuf *sb, const struct stats_giveup *g)
{
    char buf[600];

    if (g->stage == SWEEP_STAGE_STEP)
        snprintf(buf, sizeof buf, "第%d步 %s", g->step + 1, g->title);
    else
        snprintf(buf, sizeof buf, "%s", g->title);
    return stats_csv_text(sb, buf);
}

/* ours: the satisfaction figures of p as the page shows them (schema/043),
 * after the contract-era columns so that a sheet reading those by position
 * still finds them, and before the steps, whose number varies: counted
 * ratings, their average, 好评率 (3 to 5 分, one decimal), their scores,
 * then the two kinds kept apart. Empty cells without counted ratings. */
static int stats_csv_counted(struct strbuf *sb, const struct stats_proc *p)
{
    size_t j, n = 0;
    long sum = 0;
    int rc = 0;

    for (j = 0; j < 5; j++) {
        n += p->counted[j];
        sum += (long)p->counted[j] * (long)(j + 1);
    }
    rc |= strbuf_printf(sb, ",%zu,", n);
    if (n)
        rc |= strbuf_printf(sb, "%.2f,%.1f%%", stats_round((double)sum / (double)n, 0.01),
                            100.0 * (double)(p->counted[2] + p->counted[3] + p->counted[4]) /
                                (double)n);
    else
        rc |= strbuf_putc(sb, ',');
    for (j = 0; j < 5; j++)
        rc |= strbuf_printf(sb, ",%zu", p->counted[j]);
    rc |= strbuf_printf(sb, ",%zu,%zu", p->apart_staff, p->apart_not_handed_in);
    return rc ? -1 : 0;
}

char *stats_csv(const struct stats_report *r, size_t *len)
{
    struct strbuf sb = STRBUF_INIT;
    size_t i, j, max_steps = 0;
    int rc = 0;

    for (i = 0; i < r->n_procs; i++)
        if (r->procs[i].n_steps > max_steps)
            max_steps = r->procs[i].n_steps;
    rc |= strbuf_puts(&sb, "\xEF\xBB\xBF"
                           "事项编号,事项名称,开始,提交,办结,放弃,最多放弃于,在该处放弃,"
                           "评价数,平均评分,1分,2分,3分,4分,5分,期内办结,按期办结,按期办结率,"
                           "计入满意率的评价数,计入满意率的平均评分,好评率(计入满意率的),"
                           "计入满意率的1分,计入满意率的2分,计入满意率的3分,计入满意率的4分,"
                           "计入满意率的5分,工作人员登录的浏览器评价(不计满意率),"
                           "未交到大厅的办件评价(不计满意率)");
    for (j = 0; j < max_steps; j++)
        rc |= strbuf_printf(&sb, ",第%zu步用时中位数(分钟)", j + 1);
    rc |= strbuf_puts(&sb, "\r\n");
    for (i = 0; i < r->n_procs && rc == 0; i++) {
        const struct stats_proc *p = &r->procs[i];
        rc |= stats_csv_text(&sb, p->id);
        rc |= strbuf_putc(&sb, ',');
        rc |= stats_csv_text(&sb, p->title);
        rc |= strbuf_printf(&sb, ",%zu,%zu,%zu,%zu,", p->started, p->submitted, p->completed,
                            p->abandoned);
        if (p->n_give_up) {
            rc |= stats_csv_giveup(&sb, &p->give_up[0]);
            rc |= strbuf_printf(&sb, ",%zu", p->give_up[0].count);
        } else {
            rc |= strbuf_putc(&sb, ',');
        }
        rc |= strbuf_printf(&sb, ",%zu,", p->ratings);
        if (p->ratings)
            rc |= strbuf_printf(&sb, "%.2f",
                                stats_round((double)p->rating_sum / (double)p->ratings, 0.01));
        for (j = 0; j < 5; j++)
            rc |= strbuf_printf(&sb, ",%zu", p->scores[j]);
        rc |= strbuf_printf(&sb, ",%zu,%zu,", p->finished, p->on_time);
        if (p->finished)
            rc |= strbuf_printf(&sb, "%.1f%%", 100.0 * stats_on_time_rate(p));
        rc |= stats_csv_counted(&sb, p);
        for (j = 0; j < max_steps; j++) {
            rc |= strbuf_putc(&sb, ',');
            if (j < p->n_steps && p->steps[j].median >= 0)
                rc |= strbuf_printf(&sb, "%.1f", stats_round(p->steps[j].median, 0.1));
        }
        rc |= strbuf_puts(&sb, "\r\n");
    }
    if (rc != 0) {
        strbuf_free(&sb);
        return NULL;
    }
    *len = sb.len;
    return strbuf_take(&sb);
}
