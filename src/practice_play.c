/* practice_play: the practice mode's records — a staffer's list, a
 * scenario started as a practice case (shown as the staff case view shows
 * a case, through window_view_case_model_add), its one answer judged and
 * kept, and readiness (who passed every scenario of an item). Practice
 * cases live in their own table (schema/019-practice-cases.sql) so that no
 * reader of the case tables (queue, statistics, report, sweep) meets one. */
#include "practice_play.h"

#include "accounts.h"

#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cases.h"
#include "clock.h"
#include "models.h"
#include "render.h"
#include "validate.h"
#include "window_view.h"

/* The practice key of version (id, hash): what a pass is held to
 * (schema/027-practice-key.sql); the key of the version it replaced when
 * an admin saved it as a wording fix (046); the hash itself for a version
 * stored without one. A primary-key seek or two per row. */
#define PRACTICE_PLAY_KEY(id, hash)                                                                \
    "coalesce((SELECT h.practice_key FROM practice_key_held h WHERE h.procedure_id = " id          \
    " AND h.hash = " hash "), (SELECT k.practice_key FROM procedure_versions k"                    \
    " WHERE k.procedure_id = " id " AND k.hash = " hash "), " hash ")"

/* the items on offer: a good practice file proved on the live version, or
 * on the version scheduled to replace it (schema/020-schedule.sql: the
 * loader proves the file beside a procedure against the text on disk), so
 * that staff practise the new rules before their date; also an item not
 * live yet whose first version is scheduled, so that the hall can handle
 * it on its first day (a practice persona review: the console showed its
 * practice file good while staff were never offered it). Column 5 is that
 * date, 0 on the live version; the title is the live version's, else the
 * scheduled one's. */
#define PRACTICE_PLAY_FROM                                                                         \
    " FROM practice_files pf"                                                                      \
    " LEFT JOIN procedures p ON p.id = pf.procedure_id AND p.status = 'live'"                      \
    " LEFT JOIN schedule s ON s.procedure_id = pf.procedure_id"                                    \
    " JOIN procedure_versions v ON v.procedure_id = pf.procedure_id"                               \
    "  AND v.hash = coalesce(p.hash, s.hash)"
#define PRACTICE_PLAY_ITEMS_SQL                                                                    \
    "SELECT pf.procedure_id, v.title, pf.good_hash, pf.good_procedure_hash, pf.good_scenarios,"    \
    " CASE WHEN pf.good_procedure_hash IS p.hash THEN 0 ELSE s.effective END,"                     \
    " " PRACTICE_PLAY_KEY("pf.procedure_id", "pf.good_procedure_hash") ", pf.good_keys,"           \
    " CASE WHEN pf.good_procedure_hash IS NOT p.hash THEN "                                        \
    PRACTICE_PLAY_KEY("pf.procedure_id", "p.hash") " END,"                                         \
    " json_extract(v.detail_json, '$.meta.visit') IS 'yes'"                                        \
    PRACTICE_PLAY_FROM                                                                             \
    " WHERE pf.good_source IS NOT NULL AND (pf.good_procedure_hash = p.hash"                       \
    " OR pf.good_procedure_hash = s.hash)"
static const char sql_items[] = PRACTICE_PLAY_ITEMS_SQL " ORDER BY v.title COLLATE pinyin, pf.procedure_id, pf.path";
/* the one practice_play_file_load reads: the first by path */
static const char sql_item[] = PRACTICE_PLAY_ITEMS_SQL " AND pf.procedure_id = ?1 ORDER BY pf.path LIMIT 1";

/* Right answers per staffer, item, procedure version's practice key and
 * scenario key, with the latest one's day, the last day it counts and
 * whether that is still to come, then the same of the latest one before
 * the window: the current pass is counted from these, scenario by scenario
 * (schema/029-scenario-key.sql), and one that lapsed from those of every
 * year, or else from those before the window (a staffer who passed long
 * ago and has begun again). ?1 a user or NULL for all, ?2 the first day
 * that counts, ?3 date()'s span to the last. */
#define PRACTICE_PLAY_CASE_KEY PRACTICE_PLAY_KEY("pc.procedure_id", "pc.procedure_hash")
static const char sql_key_passes[] =
    "SELECT pc.user, pc.procedure_id, " PRACTICE_PLAY_CASE_KEY " AS pkey, pc.scenario_key,"
    " max(pc.answered_day), date(max(pc.answered_day), ?3), max(pc.answered_day) >= ?2,"
    " max(CASE WHEN pc.answered_day < ?2 THEN pc.answered_day END),"
    " date(max(CASE WHEN pc.answered_day < ?2 THEN pc.answered_day END), ?3)"
    " FROM practice_cases pc WHERE pc.correct = 1 AND (?1 IS NULL OR pc.user = ?1)"
    " AND pc.scenario_key IS NOT NULL"
    " GROUP BY pc.user, pc.procedure_id, pkey, pc.scenario_key ORDER BY pc.user, pc.procedure_id";
/* Whole passes of one file each (passed_before, held, lapsed): per
 * staffer, item and the pair (procedure version's practice key, practice
 * text) played on, how many distinct scenarios were answered right, the
 * day of the latest, the last day the set counts (its oldest scenario's
 * latest right answer's), whether that is still to come (every answer
 * within the window), and the scenarios' keys (a pass held over a
 * scenario added is told by them). Not bounded by the window: a pass that
 * lapsed is shown as such (已过期), not as none. Parameters as
 * sql_key_passes. */
static const char sql_passes[] =
    "SELECT user, procedure_id, pkey, practice_hash, scenarios, count(*), max(last),"
    " date(min(last), ?3), min(last) >= ?2, count(skey), group_concat(skey, ' ') FROM"
    " (SELECT pc.user, pc.procedure_id, " PRACTICE_PLAY_CASE_KEY " AS pkey, pc.practice_hash,"
    " pc.scenarios, pc.scenario, max(pc.answered_day) AS last, min(pc.scenario_key) AS skey"
    " FROM practice_cases pc WHERE pc.correct = 1 AND (?1 IS NULL OR pc.user = ?1)"
    " GROUP BY pc.user, pc.procedure_id, pkey, pc.practice_hash, pc.scenarios, pc.scenario)"
    " GROUP BY user, procedure_id, pkey, practice_hash, scenarios ORDER BY user";
static const char sql_attempts[] =
    "SELECT pc.procedure_id, " PRACTICE_PLAY_CASE_KEY " AS pkey, pc.scenario_key, count(*)"
    " FROM practice_cases pc WHERE pc.user = ?1 AND pc.answered_at IS NOT NULL"
    " AND pc.scenario_key IS NOT NULL GROUP BY pc.procedure_id, pkey, pc.scenario_key";
static const char sql_passed_scenarios[] =
    "SELECT DISTINCT pc.scenario_key FROM practice_cases pc WHERE pc.user = ?1"
    " AND pc.procedure_id = ?2 AND " PRACTICE_PLAY_CASE_KEY " = ?3 AND pc.correct = 1"
    " AND pc.answered_day >= ?4 AND pc.scenario_key IS NOT NULL";
static const char sql_last_played[] =
    "SELECT pc.scenario_key FROM practice_cases pc WHERE pc.user = ?1 AND pc.procedure_id = ?2"
    " AND " PRACTICE_PLAY_CASE_KEY " = ?3 AND pc.scenario_key IS NOT NULL"
    " ORDER BY pc.created_at DESC, pc.rowid DESC LIMIT 1";
static const char sql_insert[] =
    "INSERT INTO practice_cases (id, user, procedure_id, procedure_hash, practice_hash, scenarios,"
    " scenario, title, created_at, scenario_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
static const char sql_case[] =
    "SELECT pc.procedure_id, pc.procedure_hash, pc.practice_hash, pc.scenario,"
    " pc.answered_at IS NOT NULL, " PRACTICE_PLAY_CASE_KEY ", pc.scenario_key"
    " FROM practice_cases pc WHERE pc.id = ?1 AND pc.user = ?2";
static const char sql_answer[] =
    "UPDATE practice_cases SET answered_at = ?2, answered_day = ?3, correct = ?4, decision = ?5,"
    " flags = ?6, condition = ?7 WHERE id = ?1 AND answered_at IS NULL";
/* The items with a practice file that cannot be played now (over the
 * versions the items on offer are read from: it has errors against that
 * version, or no good text yet): readiness lists them as short rather
 * than leaving them out (a review: a procedure edit that broke its
 * practice file made the item vanish from the AB岗 grid). */
static const char sql_unplayable[] =
    "SELECT DISTINCT pf.procedure_id, v.title, json_extract(v.detail_json, '$.meta.visit') IS 'yes'"
    PRACTICE_PLAY_FROM
    " WHERE NOT (pf.good_source IS NOT NULL AND pf.good_procedure_hash IS NOT NULL"
    " AND (pf.good_procedure_hash IS p.hash OR pf.good_procedure_hash IS s.hash))"
    " ORDER BY v.title COLLATE pinyin, pf.procedure_id LIMIT ?1";
/* Live procedures (not policy documents) with no practice file at all:
 * readiness names them apart, so the hall sees which items nobody can
 * prove they handle (the grid lists items with practice only). */
static const char sql_without[] =
    "SELECT p.id, v.title, p.path FROM procedures p"
    " JOIN procedure_versions v ON v.procedure_id = p.id AND v.hash = p.hash"
    " WHERE p.status = 'live' AND v.kind = 'procedure'"
    " AND NOT EXISTS (SELECT 1 FROM practice_files pf WHERE pf.procedure_id = p.id)"
    " ORDER BY v.title COLLATE pinyin, p.id LIMIT ?1";
static const char sql_staff[] =
    "SELECT name, display FROM users WHERE role = 'staff' AND disabled = 0 ORDER BY name LIMIT 500";

static const struct refusal practice_play_unknown = {
    REFUSAL_NOT_FOUND, "unknown_practice", "没有找到这个练习，请重新选择事项"};
static const struct refusal practice_play_no_item = {
    REFUSAL_NOT_FOUND, "no_practice", "这个事项还没有可用的练习题"};
static const struct refusal practice_play_changed = {
    REFUSAL_CONFLICT, "practice_changed", "这个事项的办事指南或练习题刚刚更新了，请重新开始练习"};
static const struct refusal practice_play_answered = {
    REFUSAL_CONFLICT, "already_answered", "这道练习已经作答过了，请开始下一题"};

struct practice_play_item {
    char id[PROCEDURE_ID_MAX + 1];
    char *title;
    char *proc_key;             /* its version's practice key: what a pass
                                   is held to (PRACTICE_PLAY_KEY) */
    char good_hash[65], proc_hash[65];
    char *keys;                 /* its scenarios' keys (practice_keys_join), or
                                   NULL: none is then passed */
    int scenarios;
    int upcoming;               /* YYYYMMDD: played on the version that goes
                                   live that day; 0 on the live one */
    bool visit;                 /* the version played has visit: yes (the B
                                   post may do it at the resident's home) */
    char *live_key;             /* with upcoming, the live version's practice
                                   key (its rules are in force until then),
                                   else NULL */
};

struct practice_play_items {
    struct practice_play_item *v;
    size_t n;
};

static void practice_play_items_free(struct practice_play_items *items)
{
    size_t i;

    for (i = 0; i < items->n; i++) {
        free(items->v[i].title);
        free(items->v[i].proc_key);
        free(items->v[i].keys);
        free(items->v[i].live_key);
    }
    free(items->v);
    items->v = NULL;
    items->n = 0;
}

static void practice_play_copy(char *dst, size_t n, sqlite3_stmt *st, int col)
{
    const char *s = (const char *)sqlite3_column_text(st, col);

    snprintf(dst, n, "%s", s ? s : "");
}

/* The items on offer (procedure NULL), or the one of procedure. 0 or -1. */
static int practice_play_items_read(struct db *db, const char *procedure,
                                    struct practice_play_items *items)
{
    sqlite3_stmt *st = db_stmt(db, procedure ? sql_item : sql_items);
    int r = SQLITE_ERROR;

    items->v = NULL;
    items->n = 0;
    if (!st || !(items->v = calloc(PRACTICE_PLAY_ITEMS_MAX, sizeof *items->v)) ||
        (procedure && sqlite3_bind_text(st, 1, procedure, -1, SQLITE_STATIC) != SQLITE_OK))
        goto out;
    while (items->n < PRACTICE_PLAY_ITEMS_MAX && (r = sqlite3_step(st)) == SQLITE_ROW) {
        struct practice_play_item *it = &items->v[items->n++];
        practice_play_copy(it->id, sizeof it->id, st, 0);
        practice_play_copy(it->good_hash, sizeof it->good_hash, st, 2);
        practice_play_copy(it->proc_hash, sizeof it->proc_hash, st, 3);
        it->scenarios = sqlite3_column_int(st, 4);
        it->upcoming = sqlite3_column_int(st, 5);
        it->visit = sqlite3_column_int(st, 9) != 0;
        if (!(it->title = strdup((const char *)sqlite3_column_text(st, 1))) ||
            !(it->proc_key = strdup((const char *)sqlite3_column_text(st, 6))) ||
            (sqlite3_column_type(st, 7) == SQLITE_TEXT &&
             !(it->keys = strdup((const char *)sqlite3_column_text(st, 7)))) ||
            (it->upcoming && sqlite3_column_type(st, 8) == SQLITE_TEXT &&
             !(it->live_key = strdup((const char *)sqlite3_column_text(st, 8))))) {
            r = SQLITE_NOMEM;
            break;
        }
        /* a version scheduled with the same rules: its passes are the
         * live one's, held to nothing but their year */
        if (it->live_key && strcmp(it->live_key, it->proc_key) == 0) {
            free(it->live_key);
            it->live_key = NULL;
        }
    }
out:
    if (st)
        sqlite3_reset(st);
    if (r == SQLITE_DONE || r == SQLITE_ROW)
        return 0;
    practice_play_items_free(items);
    return -1;
}

/* The index of scenario key in it's current file, or -1. */
static long practice_play_key_index(const struct practice_play_item *it, const char *key)
{
    size_t len = it->keys ? strlen(it->keys) : 0, k;

    if (!key || strlen(key) != PRACTICE_KEY_LEN)
        return -1;
    for (k = 0; k < (size_t)it->scenarios && (k + 1) * (PRACTICE_KEY_LEN + 1) - 1 <= len; k++)
        if (memcmp(it->keys + k * (PRACTICE_KEY_LEN + 1), key, PRACTICE_KEY_LEN) == 0)
            return (long)k;
    return -1;
}

static struct practice_play_item *practice_play_item_of(struct practice_play_items *items,
                                                        const char *id)
{
    size_t i;

    for (i = 0; i < items->n; i++)
        if (strcmp(items->v[i].id, id) == 0)
            return &items->v[i];
    return NULL;
}

/* The first local day that counts for a pass: a right answer counts on its
 * own day and the PRACTICE_PLAY_DAYS - 1 after it (365 days, not 366). */
static void practice_play_since(char out[CLOCK_DAY_LEN])
{
    time_t t = time(NULL) - (time_t)(PRACTICE_PLAY_DAYS - 1) * 24 * 60 * 60;
    struct tm tm;

    if (!localtime_r(&t, &tm) || strftime(out, CLOCK_DAY_LEN, "%Y-%m-%d", &tm) == 0)
        snprintf(out, CLOCK_DAY_LEN, "1970-01-01");
}

/* A staffer's passes of an item as the callers need them: current (of the
 * item's current scenarios, by key) or of an earlier pair (sql_passes). */
struct practice_play_pass {
    const char *user, *procedure, *proc_key, *practice_hash, *last;
    const char *expires;        /* the last day the pass counts: its oldest
                                   scenario's right answer's last day */
    const char *keys;           /* of an earlier pair: its scenarios' keys,
                                   space-separated (NULL when none is keyed) */
    int scenarios, passed;
    int keyed;                  /* how many of them have a key */
    bool current;               /* counted by key on the current file */
    bool within;                /* every answer within the window: the pass
                                   counts today (a current one always) */
};

typedef int (*practice_play_pass_fn)(void *ctx, const struct practice_play_pass *p);

/* The current pass being counted, one (user, item) at a time. */
struct practice_play_tally {
    char user[ACCOUNTS_NAME_MAX + 1], procedure[PROCEDURE_ID_MAX + 1];
    char last[CLOCK_DAY_LEN], expires[CLOCK_DAY_LEN];   /* within the window */
    char elast[CLOCK_DAY_LEN], eexpires[CLOCK_DAY_LEN]; /* of every year */
    char olast[CLOCK_DAY_LEN], oexpires[CLOCK_DAY_LEN]; /* before the window */
    struct practice_play_item *it;
    int passed, ever, old;
};

/* Keeps in day the later (max) or the earlier (!max) of day and d; "" is
 * no day yet. */
static void practice_play_day_keep(char day[CLOCK_DAY_LEN], const char *d, bool max)
{
    int c = strcmp(d, day);

    if (!day[0] || (max ? c > 0 : c < 0))
        snprintf(day, CLOCK_DAY_LEN, "%s", d);
}

static int practice_play_tally_flush(struct practice_play_tally *t, practice_play_pass_fn fn,
                                     void *ctx)
{
    struct practice_play_pass p = {
        .user = t->user, .procedure = t->procedure, .last = t->last, .expires = t->expires,
        .passed = t->passed, .current = true, .within = true};
    int r = 0;

    if (t->it && t->passed > 0) {
        p.proc_key = t->it->proc_key;
        p.practice_hash = t->it->good_hash;
        p.scenarios = t->it->scenarios;
        r = fn(ctx, &p);
    }
    /* every current scenario answered right once, not all within the
     * window now: a pass that lapsed (whatever texts it was played on),
     * if the latest answers made one, else those before the window */
    if (r == 0 && t->it && t->ever >= t->it->scenarios && t->passed < t->it->scenarios) {
        bool latest = strcmp(t->eexpires, t->elast) >= 0;
        p.last = latest ? t->elast : t->olast;
        p.expires = latest ? t->eexpires : t->oexpires;
        p.passed = latest ? t->ever : t->old;
        p.current = false;
        p.within = false;
        r = fn(ctx, &p);
    }
    t->it = NULL;
    t->passed = t->ever = t->old = 0;
    t->last[0] = t->expires[0] = t->elast[0] = t->eexpires[0] = t->olast[0] = t->oexpires[0] = '\0';
    return r;
}

/* Calls fn with each staffer's current pass of each of items (user's
 * alone, or everyone's with user NULL): how many of its current scenarios
 * they answered right on its version's practice key within the window;
 * and, when every one of them was answered right once but not all within
 * the window, with that pass as lapsed (current and within false).
 * 0, or -1 on a database error or when fn failed. */
static int practice_play_key_passes(struct db *db, const char *user, struct practice_play_items *items,
                                    const char *since, const char *span, practice_play_pass_fn fn,
                                    void *ctx)
{
    sqlite3_stmt *st = db_stmt(db, sql_key_passes);
    struct practice_play_tally t;
    int r = SQLITE_ERROR, b = SQLITE_OK;

    memset(&t, 0, sizeof t);
    if (!st)
        return -1;
    b |= user ? sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 1);
    b |= sqlite3_bind_text(st, 2, since, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 3, span, -1, SQLITE_STATIC);
    while (b == SQLITE_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *u = (const char *)sqlite3_column_text(st, 0),
                   *proc = (const char *)sqlite3_column_text(st, 1),
                   *pkey = (const char *)sqlite3_column_text(st, 2),
                   *key = (const char *)sqlite3_column_text(st, 3),
                   *last = (const char *)sqlite3_column_text(st, 4),
                   *expires = (const char *)sqlite3_column_text(st, 5);
        bool within = sqlite3_column_int(st, 6) != 0;
        const char *olast = (const char *)sqlite3_column_text(st, 7),
                   *oexpires = (const char *)sqlite3_column_text(st, 8);
        struct practice_play_item *it = proc ? practice_play_item_of(items, proc) : NULL;
        /* a name longer than any account's could not be told apart in t */
        if (!u || strlen(u) > ACCOUNTS_NAME_MAX || !last || !expires || !it || !pkey ||
            strcmp(pkey, it->proc_key) != 0 || practice_play_key_index(it, key) < 0)
            continue;
        if (t.it != it || strcmp(t.user, u) != 0) {
            if (practice_play_tally_flush(&t, fn, ctx) != 0) {
                r = SQLITE_NOMEM;
                break;
            }
            snprintf(t.user, sizeof t.user, "%s", u);
            snprintf(t.procedure, sizeof t.procedure, "%s", proc);
            t.it = it;
        }
        t.ever++;
        practice_play_day_keep(t.elast, last, true);
        practice_play_day_keep(t.eexpires, expires, false);
        if (olast && oexpires) {
            t.old++;
            practice_play_day_keep(t.olast, olast, true);
            practice_play_day_keep(t.oexpires, oexpires, false);
        }
        if (!within)
            continue;
        t.passed++;
        practice_play_day_keep(t.last, last, true);
        practice_play_day_keep(t.expires, expires, false);
    }
    if (r == SQLITE_DONE && practice_play_tally_flush(&t, fn, ctx) != 0)
        r = SQLITE_NOMEM;
    sqlite3_reset(st);
    return r == SQLITE_DONE ? 0 : -1;
}

/* Calls fn with each current pass of items (practice_play_key_passes),
 * then with each pass, whole or not, on one pair, within the window or
 * lapsed (current false; a group on the current pair comes too: counted
 * by key when within, the callee's to skip). */
static int practice_play_passes(struct db *db, const char *user, struct practice_play_items *items,
                                practice_play_pass_fn fn, void *ctx)
{
    sqlite3_stmt *st;
    char since[CLOCK_DAY_LEN], span[32];
    int r = SQLITE_ERROR, b = SQLITE_OK;

    practice_play_since(since);
    /* date()'s modifier: from an answer's day to the last day it counts */
    snprintf(span, sizeof span, "+%d days", PRACTICE_PLAY_DAYS - 1);
    if (practice_play_key_passes(db, user, items, since, span, fn, ctx) != 0 ||
        !(st = db_stmt(db, sql_passes)))
        return -1;
    b |= user ? sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 1);
    b |= sqlite3_bind_text(st, 2, since, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 3, span, -1, SQLITE_STATIC);
    while (b == SQLITE_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        struct practice_play_pass p = {
            .user = (const char *)sqlite3_column_text(st, 0),
            .procedure = (const char *)sqlite3_column_text(st, 1),
            .proc_key = (const char *)sqlite3_column_text(st, 2),
            .practice_hash = (const char *)sqlite3_column_text(st, 3),
            .last = (const char *)sqlite3_column_text(st, 6),
            .expires = (const char *)sqlite3_column_text(st, 7),
            .keys = (const char *)sqlite3_column_text(st, 10),
            .scenarios = sqlite3_column_int(st, 4),
            .passed = sqlite3_column_int(st, 5),
            .keyed = sqlite3_column_int(st, 9),
            .within = sqlite3_column_int(st, 8) != 0};
        if (fn(ctx, &p) != 0) {
            r = SQLITE_NOMEM;
            break;
        }
    }
    sqlite3_reset(st);
    return r == SQLITE_DONE ? 0 : -1;
}

/* Whether what was played on (a version's practice key, a practice text)
 * is what the item plays now: a pass made on it counts. */
static bool practice_play_current(const struct practice_play_item *it, const char *proc_key,
                                  const char *practice_hash)
{
    return proc_key && practice_hash && strcmp(it->proc_key, proc_key) == 0 &&
           strcmp(it->good_hash, practice_hash) == 0;
}

/* The local day before ymd (YYYYMMDD) as "YYYY-MM-DD" in out. */
static void practice_play_day_before(int ymd, char out[CLOCK_DAY_LEN])
{
    struct tm tm;

    memset(&tm, 0, sizeof tm);
    tm.tm_year = ymd / 10000 - 1900;
    tm.tm_mon = ymd / 100 % 100 - 1;
    tm.tm_mday = ymd % 100 - 1; /* mktime carries a 0th into the month before */
    tm.tm_hour = 12;            /* clear of a clock change at midnight */
    tm.tm_isdst = -1;
    if (mktime(&tm) == (time_t)-1 || strftime(out, CLOCK_DAY_LEN, "%Y-%m-%d", &tm) == 0)
        clock_day_text(ymd, out);
}

/* Whether p, a whole pass of an earlier pair within the window, holds
 * over to the current file (docs/http-api.md "Practice", held): played on
 * the current version's practice key, and every one of its scenarios is
 * still in the current file, judged the same, so the file has only gained
 * scenarios since. A scenario added asks everyone for it, but a pass
 * earned on the file before stands until it lapses: the hall's A and B
 * posts did not stop covering each other the moment the admin saved
 * (a scenario changed or taken out, or a procedure key changed, is no
 * such case: what was right before may be wrong now). Or: a pass of the
 * live version's rules while practice is on one scheduled for later.
 * until: the last day it holds. */
static bool practice_play_holds(const struct practice_play_item *it, const struct practice_play_pass *p,
                                char until[CLOCK_DAY_LEN])
{
    const char *k = p->keys;
    int n = 0;

    if (p->current || !p->within || p->passed < p->scenarios || p->scenarios <= 0 || !p->proc_key)
        return false;
    snprintf(until, CLOCK_DAY_LEN, "%s", p->expires);
    /* practice is on a version scheduled for later: residents are served
     * the live one until then, and a pass of its rules still handles the
     * item, up to the day before the new rules apply */
    if (it->live_key && strcmp(p->proc_key, it->live_key) == 0) {
        char last[CLOCK_DAY_LEN];
        practice_play_day_before(it->upcoming, last);
        if (strcmp(last, until) < 0)
            snprintf(until, CLOCK_DAY_LEN, "%s", last);
        return strcmp(until, p->last) >= 0;
    }
    if (p->keyed != p->scenarios || !k || strcmp(p->proc_key, it->proc_key) != 0)
        return false;
    while (*k) {
        char key[PRACTICE_KEY_LEN + 1];
        size_t len = strcspn(k, " ");
        if (len != PRACTICE_KEY_LEN)
            return false;
        memcpy(key, k, len);
        key[len] = '\0';
        if (practice_play_key_index(it, key) < 0)
            return false;
        n++;
        k += len;
        if (*k == ' ')
            k++;
    }
    return n == p->scenarios;
}

/* Whether p, a set of right answers no longer all within the window, was
 * a pass once: on the day of its latest answer its oldest still counted.
 * One answer two years back and the others today never made one. */
static bool practice_play_was_whole(const struct practice_play_pass *p)
{
    return p->last && p->expires && strcmp(p->expires, p->last) >= 0;
}

/* Sets o's member name to {"passed","expires"} of p when o holds null
 * there or an object whose expires is earlier: the pass that lasts longest
 * is the one to show. 0 or -1. */
static int practice_play_span_put(cJSON *o, const char *name, const struct practice_play_pass *p)
{
    const cJSON *old = cJSON_GetObjectItemCaseSensitive(o, name);
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(old, "expires");
    cJSON *v;

    if (cJSON_IsString(e) && strcmp(e->valuestring, p->expires) >= 0)
        return 0;
    if (!(v = cJSON_CreateObject()) || !cJSON_AddStringToObject(v, "passed", p->last) ||
        !cJSON_AddStringToObject(v, "expires", p->expires)) {
        cJSON_Delete(v);
        return -1;
    }
    /* a replace that fails leaves v unattached, and ours to free */
    if (!cJSON_ReplaceItemInObjectCaseSensitive(o, name, v)) {
        cJSON_Delete(v);
        return -1;
    }
    return 0;
}

/* Sets o's member name to null. 0 or -1. */
static int practice_play_null(cJSON *o, const char *name)
{
    cJSON *none = cJSON_CreateNull();

    /* a replace that fails leaves none unattached, and ours to free */
    if (!none || !cJSON_ReplaceItemInObjectCaseSensitive(o, name, none)) {
        cJSON_Delete(none);
        return -1;
    }
    return 0;
}

/* Sets o's key to day when it is later than what o holds (null or a day). */
static int practice_play_later(cJSON *o, const char *key, const char *day)
{
    cJSON *old = cJSON_GetObjectItemCaseSensitive(o, key), *s;

    if (cJSON_IsString(old) && strcmp(old->valuestring, day) >= 0)
        return 0;
    if (!(s = cJSON_CreateString(day)))
        return -1;
    /* a replace that fails leaves s unattached, and ours to free */
    if (!cJSON_ReplaceItemInObjectCaseSensitive(o, key, s)) {
        cJSON_Delete(s);
        return -1;
    }
    return 0;
}

/* ---- a staffer's list ---------------------------------------------------- */

struct practice_play_list {
    struct practice_play_items *items;
    cJSON **objs;               /* one per item */
};

static int practice_play_list_pass(void *ctx, const struct practice_play_pass *p)
{
    struct practice_play_list *l = ctx;
    struct practice_play_item *it = practice_play_item_of(l->items, p->procedure);
    char until[CLOCK_DAY_LEN];
    cJSON *o;

    if (!it)
        return 0;
    o = l->objs[it - l->items->v];
    if (p->current) {
        cJSON_SetNumberValue(cJSON_GetObjectItemCaseSensitive(o, "passed_scenarios"), p->passed);
        if (p->passed < it->scenarios)
            return 0;
        /* expires: the staffer sees when to practise again, before the
         * pass lapses and the hall's A or B post with it */
        return practice_play_later(o, "passed", p->last) != 0 ||
                       practice_play_later(o, "expires", p->expires) != 0
                   ? -1
                   : 0;
    }
    if (p->passed < p->scenarios)
        return 0;
    /* lapsed (已过期): someone to send for a refresher, not a first training */
    if (!p->within)
        return practice_play_was_whole(p) ? practice_play_span_put(o, "lapsed", p) : 0;
    if (practice_play_current(it, p->proc_key, p->practice_hash))
        return 0; /* counted by key */
    if (practice_play_holds(it, p, until)) {
        struct practice_play_pass q = *p;
        q.expires = until;
        if (practice_play_span_put(o, "held", &q) != 0)
            return -1;
    }
    return practice_play_later(o, "passed_before", p->last);
}

static int practice_play_attempts(struct db *db, const char *user, struct practice_play_list *l)
{
    sqlite3_stmt *st = db_stmt(db, sql_attempts);
    int r = SQLITE_ERROR;

    if (!st)
        return -1;
    if (sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC) == SQLITE_OK)
        while ((r = sqlite3_step(st)) == SQLITE_ROW) {
            struct practice_play_item *it =
                practice_play_item_of(l->items, (const char *)sqlite3_column_text(st, 0));
            const char *pkey = (const char *)sqlite3_column_text(st, 1);
            cJSON *n;
            /* the answers to the current scenarios, on the version's key */
            if (!it || !pkey || strcmp(pkey, it->proc_key) != 0 ||
                practice_play_key_index(it, (const char *)sqlite3_column_text(st, 2)) < 0)
                continue;
            n = cJSON_GetObjectItemCaseSensitive(l->objs[it - l->items->v], "attempts");
            cJSON_SetNumberValue(n, n->valuedouble + sqlite3_column_int(st, 3));
        }
    sqlite3_reset(st);
    return r == SQLITE_DONE ? 0 : -1;
}

/* ---- the stored file ----------------------------------------------------- */

static const char sql_practice_good[] =
    "SELECT path, good_source, good_procedure_hash, good_hash FROM practice_files"
    " WHERE procedure_id = ?1 AND good_source IS NOT NULL ORDER BY path LIMIT 1";
int practice_play_file_load(struct db *db, const char *id, struct practice **out,
                            const struct procedure **model, struct model_ref **ref)
{
    struct diag_list quiet = DIAG_LIST_INIT;
    sqlite3_stmt *st;
    char *path = NULL, *text = NULL, *hash = NULL, good[65] = "";
    size_t len = 0;
    int r, rc = -1;

    *out = NULL;
    *model = NULL;
    *ref = NULL;
    if (!(st = db_stmt(db, sql_practice_good)))
        return -1;
    if (sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) != SQLITE_OK) {
        sqlite3_reset(st);
        return -1;
    }
    r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        path = strdup((const char *)sqlite3_column_text(st, 0));
        text = db_column_text_dup(st, 1, &len);
        hash = strdup((const char *)sqlite3_column_text(st, 2));
        snprintf(good, sizeof good, "%s", (const char *)sqlite3_column_text(st, 3));
    }
    sqlite3_reset(st);
    if (r == SQLITE_DONE)
        return 1;
    if (r != SQLITE_ROW || !path || !text || !hash)
        goto out;
    if (models_get(db, id, hash, model, ref) != 0)
        goto out;
    /* stored only after it parsed: a failure here is memory or a newer
     * parser refusing what an older one took */
    if (practice_parse(path, text, len, out, &quiet) != 0) {
        fprintf(stderr, "spkiosk: practice: the stored scenarios of %s no longer parse\n", id);
        goto out;
    }
    memcpy((*out)->hash, good, sizeof good);
    rc = 0;
out:
    if (rc != 0) {
        models_release(*ref);
        *ref = NULL;
        *model = NULL;
    }
    diag_list_free(&quiet);
    free(path);
    free(text);
    free(hash);
    return rc;
}

/* "upcoming": the date the version played on goes live, or null. */
static int practice_play_upcoming_add(cJSON *o, int day)
{
    char text[CLOCK_DAY_LEN];

    if (!day)
        return cJSON_AddNullToObject(o, "upcoming") ? 0 : -1;
    clock_day_text(day, text);
    return cJSON_AddStringToObject(o, "upcoming", text) ? 0 : -1;
}

int practice_play_list_json(struct db *db, const char *user, char **out)
{
    struct practice_play_items items = {NULL, 0};
    struct practice_play_list l = {&items, NULL};
    cJSON *root = cJSON_CreateObject(), *arr;
    size_t i;
    int rc = -1;

    *out = NULL;
    if (!root || db_read_begin(db) != 0) {
        cJSON_Delete(root);
        return -1;
    }
    if (practice_play_items_read(db, NULL, &items) != 0 ||
        !(arr = cJSON_AddArrayToObject(root, "procedures")) ||
        !(l.objs = calloc(items.n + 1, sizeof *l.objs)))
        goto out;
    for (i = 0; i < items.n; i++) {
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            goto out;
        }
        l.objs[i] = o;
        if (!cJSON_AddStringToObject(o, "id", items.v[i].id) ||
            !cJSON_AddStringToObject(o, "title", items.v[i].title) ||
            !cJSON_AddNumberToObject(o, "scenarios", items.v[i].scenarios) ||
            !cJSON_AddNumberToObject(o, "passed_scenarios", 0) || !cJSON_AddNullToObject(o, "passed") ||
            !cJSON_AddNullToObject(o, "expires") || !cJSON_AddNullToObject(o, "passed_before") || !cJSON_AddNumberToObject(o, "attempts", 0) ||
            !cJSON_AddNullToObject(o, "held") || !cJSON_AddNullToObject(o, "lapsed") ||
            practice_play_upcoming_add(o, items.v[i].upcoming) != 0)
            goto out;
    }
    if (practice_play_passes(db, user, &items, practice_play_list_pass, &l) != 0 ||
        practice_play_attempts(db, user, &l) != 0)
        goto out;
    /* passed now: no earlier pass to speak of (docs/http-api.md); a pass
     * that counts, now or from before the change, is said rather than one
     * that lapsed */
    for (i = 0; i < items.n; i++) {
        const cJSON *o = l.objs[i];
        bool now = cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "passed"));
        bool before = cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "passed_before"));
        if ((now && (practice_play_null(l.objs[i], "passed_before") != 0 ||
                     practice_play_null(l.objs[i], "held") != 0)) ||
            ((now || before) && practice_play_null(l.objs[i], "lapsed") != 0))
            goto out;
    }
    rc = 0;
out:
    if (db_read_end(db) != 0)
        rc = -1;
    if (rc == 0 && !(*out = cJSON_PrintUnformatted(root)))
        rc = -1;
    cJSON_Delete(root);
    free(l.objs);
    practice_play_items_free(&items);
    return rc;
}

/* ---- a scenario as a case ------------------------------------------------ */

/* The scenario as the window would find the case: each value its check
 * passes as a real case stores it (a yes/no field written 是 in the file
 * is "yes", which the {if} conditions and the page's choices compare
 * with: as written it hid the parts it shows and left the question
 * unanswered), one that fails as the resident wrote it, for the trainee to
 * find; the brought items ticked, each step that applies filled in; then
 * the staff case view's parts (window_view). */
static int practice_play_case_add(cJSON *root, const struct practice_scenario *s,
                                  const struct procedure *p, int today)
{
    struct validate_error verr;
    struct case_state cs;
    size_t i, k;
    int rc = -1, r;

    memset(&cs, 0, sizeof cs);
    cs.model = p;
    cs.conditions_confirmed = true;
    snprintf(cs.procedure, sizeof cs.procedure, "%s", p->id);
    snprintf(cs.hash, sizeof cs.hash, "%s", p->hash);
    snprintf(cs.status, sizeof cs.status, "practice");
    if (!(cs.done = calloc(p->n_steps + 1, sizeof *cs.done)) ||
        !(cs.applicable = calloc(p->n_steps + 1, sizeof *cs.applicable)) ||
        !(cs.ticks = calloc(s->n_brought + 1, sizeof *cs.ticks)) ||
        !(cs.values = calloc(s->n_values + 1, sizeof *cs.values)))
        goto out;
    for (i = 0; i < s->n_brought; i++) {
        const struct proc_item *it = procedure_item_find(p, s->brought[i], &k);
        if (!it)
            continue;
        snprintf(cs.ticks[cs.n_ticks].item, sizeof cs.ticks[0].item, "%s", it->id);
        cs.ticks[cs.n_ticks++].step = (int)k;
    }
    for (i = 0; i < s->n_values; i++) {
        struct case_value *v = &cs.values[cs.n_values];
        const struct field *f = procedure_field_find(p, s->values[i].key, &k);
        const char *raw = s->values[i].value;
        if (!f)
            continue;
        snprintf(v->key, sizeof v->key, "%s", s->values[i].key);
        v->step = (int)k;
        v->value = NULL;
        r = validate_field(f, raw, strlen(raw), today, NULL, NULL, &v->value, &verr);
        if (r < 0)
            goto out;
        if (!v->value && !(v->value = strdup(raw)))
            goto out;
        cs.n_values++;
    }
    cases_evaluate(&cs);
    for (i = 0; i < p->n_steps; i++)
        cs.done[i] = cs.applicable[i];
    cases_evaluate(&cs);
    rc = window_view_case_model_add(root, &cs);
out:
    cs.model = NULL; /* borrowed: the caller holds the model's ref */
    cases_state_free(&cs);
    return rc;
}

/* The scenario to play, in turn: the next after the last one started on
 * this version that is not passed yet, else simply the next. A scenario
 * answered wrong (its answer then shown) comes back after the others, not
 * at once, and starting again without answering moves on too. Returns its
 * index, or -1. */
static long practice_play_pick(struct db *db, const char *user, const struct practice_play_item *it,
                               size_t n)
{
    sqlite3_stmt *st = db_stmt(db, sql_last_played);
    char since[CLOCK_DAY_LEN];
    bool *passed = calloc(n + 1, sizeof *passed);
    long pick = -1, last = -1, k;
    int r = SQLITE_ERROR, b = SQLITE_OK;
    size_t i;

    if (!st || !passed || n == 0)
        goto out;
    b |= sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, it->id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 3, it->proc_key, -1, SQLITE_STATIC);
    if (b == SQLITE_OK && (r = sqlite3_step(st)) == SQLITE_ROW)
        last = practice_play_key_index(it, (const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        goto out;
    if (last < 0 || (size_t)last >= n)
        last = -1;
    if (!(st = db_stmt(db, sql_passed_scenarios)))
        goto out;
    practice_play_since(since);
    b |= sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, it->id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 3, it->proc_key, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 4, since, -1, SQLITE_STATIC);
    while (b == SQLITE_OK && (r = sqlite3_step(st)) == SQLITE_ROW)
        if ((k = practice_play_key_index(it, (const char *)sqlite3_column_text(st, 0))) >= 0 &&
            (size_t)k < n)
            passed[k] = true;
    sqlite3_reset(st);
    if (r != SQLITE_DONE)
        goto out;
    pick = (long)((size_t)(last + 1) % n);
    for (i = 1; i <= n; i++) {
        size_t j = ((size_t)(last + (long)n) + i) % n;
        if (!passed[j]) {
            pick = (long)j;
            break;
        }
    }
out:
    free(passed);
    return pick;
}

static int practice_play_insert(struct db *db, const char *id, const char *user,
                                const struct practice_play_item *it, size_t n, long k,
                                const struct practice_scenario *sc)
{
    sqlite3_stmt *st = db_stmt(db, sql_insert);
    char now[CLOCK_UTC_LEN];
    int b = SQLITE_OK;

    if (!st)
        return -1;
    clock_utc_now(now);
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, user, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 3, it->id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 4, it->proc_hash, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 5, it->good_hash, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int64(st, 6, (sqlite3_int64)n);
    b |= sqlite3_bind_int64(st, 7, k);
    b |= sqlite3_bind_text(st, 8, sc->title, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 9, now, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 10, sc->key, -1, SQLITE_STATIC);
    return db_run(st, b);
}

static cJSON *practice_play_start_doc(const char *id, const struct practice *pr, long k,
                                      const struct procedure *p)
{
    const struct practice_scenario *s = &pr->scenarios[k];
    cJSON *root = cJSON_CreateObject(), *sc, *cs, *detail = NULL;
    char *text = render_procedure_detail(p);

    /* the version played, as the procedure route gives the live one: the
     * page drew the fields (options, rules) from the live version, and a
     * scenario of a version scheduled for later showed the old options,
     * its values unselected */
    if (text)
        detail = cJSON_Parse(text);
    free(text);
    if (!detail || !cJSON_AddItemToObject(root, "procedure", detail)) {
        cJSON_Delete(detail);
        cJSON_Delete(root);
        return NULL;
    }
    if (!root || !cJSON_AddStringToObject(root, "id", id) ||
        !(sc = cJSON_AddObjectToObject(root, "scenario")) ||
        !cJSON_AddNumberToObject(sc, "number", (double)k + 1) ||
        !cJSON_AddNumberToObject(sc, "of", (double)pr->n_scenarios) ||
        !cJSON_AddStringToObject(sc, "title", s->title) || !cJSON_AddStringToObject(sc, "text", s->text) ||
        !cJSON_AddStringToObject(sc, "html", s->html ? s->html : "") ||
        !(cs = cJSON_AddObjectToObject(root, "case")) || !cJSON_AddStringToObject(cs, "id", id) ||
        !cJSON_AddTrueToObject(cs, "practice") || practice_play_case_add(cs, s, p, clock_today()) != 0) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

/* Ends a write whose answer is doc: *out gets it printed, then the
 * transaction commits. On failure it is rolled back and *out NULL. 0 or -1. */
static int practice_play_commit(struct db *db, const cJSON *doc, char **out)
{
    if ((*out = cJSON_PrintUnformatted(doc)) && db_commit(db) == 0)
        return 0;
    db_rollback(db);
    free(*out);
    *out = NULL;
    return -1;
}

int practice_play_start(struct db *db, const char *user, const char *procedure, char **out,
                        struct refusal *e)
{
    struct practice_play_items items = {NULL, 0};
    struct practice *pr = NULL;
    const struct procedure *p = NULL;
    struct model_ref *ref = NULL;
    unsigned char rnd[PRACTICE_PLAY_ID_LEN / 2];
    char id[PRACTICE_PLAY_ID_LEN + 1];
    cJSON *doc = NULL;
    bool open = true;
    long k;
    int r, rc = -1;

    *out = NULL;
    if (strlen(procedure) > PROCEDURE_ID_MAX) {
        *e = practice_play_no_item;
        return 1;
    }
    if (db_begin(db) != 0)
        return -1;
    if (practice_play_items_read(db, procedure, &items) != 0)
        goto out;
    if (items.n == 0) {
        *e = practice_play_no_item;
        rc = 1;
        goto out;
    }
    if ((r = practice_play_file_load(db, procedure, &pr, &p, &ref)) != 0) {
        *e = practice_play_no_item;
        rc = r;
        goto out;
    }
    /* the row read above and the file practice_play_file_load parsed are the same
     * (one transaction); their hashes say so once more */
    if (strcmp(pr->hash, items.v[0].good_hash) != 0 || strcmp(p->hash, items.v[0].proc_hash) != 0) {
        *e = practice_play_changed;
        rc = 1;
        goto out;
    }
    if ((k = practice_play_pick(db, user, &items.v[0], pr->n_scenarios)) < 0)
        goto out;
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2hex(id, sizeof id, rnd, sizeof rnd);
    if (practice_play_insert(db, id, user, &items.v[0], pr->n_scenarios, k, &pr->scenarios[k]) != 0 ||
        !(doc = practice_play_start_doc(id, pr, k, p)))
        goto out;
    open = false;
    rc = practice_play_commit(db, doc, out);
out:
    if (open)
        db_rollback(db);
    cJSON_Delete(doc);
    practice_free(pr);
    models_release(ref);
    practice_play_items_free(&items);
    return rc;
}

/* ---- the answer ---------------------------------------------------------- */

int practice_play_answer_check(const struct procedure *p, const struct practice_answer *a,
                               struct refusal *e)
{
    static const struct refusal no_flags = {REFUSAL_INVALID, "bad_flags",
                                            "退回补正时，请指出要补正的字段或材料"};
    static const struct refusal bad_flag = {REFUSAL_INVALID, "bad_flags",
                                            "要补正的只能是本事项表格里的字段或材料清单里的材料"};
    static const struct refusal bad_condition = {REFUSAL_INVALID, "bad_condition",
                                                 "不予受理时，请选出不符合的那一条办理条件"};
    size_t i, k;

    switch (a->decision) {
    case PRACTICE_ACCEPT:
        return 0;
    case PRACTICE_RETURN:
        if (a->n_flags == 0 || a->n_flags > PRACTICE_MAX_IDS) {
            *e = no_flags;
            return 1;
        }
        for (i = 0; i < a->n_flags; i++)
            if (!procedure_field_find(p, a->flags[i], &k) && !procedure_item_find(p, a->flags[i], &k)) {
                *e = bad_flag;
                return 1;
            }
        return 0;
    case PRACTICE_REFUSE:
        if (a->condition < 1 || (size_t)a->condition > p->n_conditions) {
            *e = bad_condition;
            return 1;
        }
        return 0;
    }
    *e = bad_condition;
    return 1;
}

static const char *const practice_play_note_kinds[] = {
    "explain", "condition", "field", "item", "staff",
};

static cJSON *practice_play_verdict_doc(const struct practice_verdict *v)
{
    const struct practice_expect *x = v->expected;
    cJSON *root = cJSON_CreateObject(), *ex, *fl, *explain, *notes;
    size_t i;

    if (!root || !cJSON_AddBoolToObject(root, "correct", v->correct) ||
        !(ex = cJSON_AddObjectToObject(root, "expected")) ||
        !cJSON_AddStringToObject(ex, "decision", practice_decision_name(x->decision)) ||
        !(fl = cJSON_AddArrayToObject(ex, "flags")) ||
        !(x->decision == PRACTICE_REFUSE ? cJSON_AddNumberToObject(ex, "condition", x->condition)
                                         : cJSON_AddNullToObject(ex, "condition")) ||
        !(explain = cJSON_AddArrayToObject(root, "explain")) ||
        !(notes = cJSON_AddArrayToObject(root, "notes")))
        goto fail;
    for (i = 0; i < x->n_flags; i++) {
        cJSON *s = cJSON_CreateString(x->flags[i]);
        if (!s || !cJSON_AddItemToArray(fl, s)) {
            cJSON_Delete(s);
            goto fail;
        }
    }
    for (i = 0; i < v->n_notes; i++) {
        const struct practice_note *n = &v->notes[i];
        bool html = n->kind == PRACTICE_NOTE_STAFF;
        cJSON *o = cJSON_CreateObject(), *s;
        if (!o || !cJSON_AddItemToArray(notes, o)) {
            cJSON_Delete(o);
            goto fail;
        }
        if (!cJSON_AddStringToObject(o, "kind", practice_play_note_kinds[n->kind]) ||
            !(n->key[0] ? cJSON_AddStringToObject(o, "key", n->key) : cJSON_AddNullToObject(o, "key")) ||
            !(n->code ? cJSON_AddStringToObject(o, "code", n->code) : cJSON_AddNullToObject(o, "code")) ||
            !(n->number ? cJSON_AddNumberToObject(o, "condition", n->number)
                        : cJSON_AddNullToObject(o, "condition")) ||
            !(n->step >= 0 ? cJSON_AddNumberToObject(o, "step", n->step) : cJSON_AddNullToObject(o, "step")) ||
            !cJSON_AddStringToObject(o, html ? "html" : "text", n->text))
            goto fail;
        /* explain: the scenario's own `explain` line, as the contract has
         * it (procedure-format.md: "an optional explain, shown after the
         * answer"); what else says why (the conditions answered 否, the
         * fields, the items, the {staff} guidance) is in notes, ours */
        if (n->kind == PRACTICE_NOTE_EXPLAIN &&
            (!(s = cJSON_CreateString(n->text)) || !cJSON_AddItemToArray(explain, s))) {
            cJSON_Delete(s);
            goto fail;
        }
    }
    return root;
fail:
    cJSON_Delete(root);
    return NULL;
}

/* The answer's flags as stored: a JSON array (caller frees). */
static char *practice_play_flags_json(const struct practice_answer *a)
{
    cJSON *arr = cJSON_CreateArray();
    char *s = NULL;
    size_t i;

    if (!arr)
        return NULL;
    for (i = 0; i < a->n_flags; i++) {
        cJSON *x = cJSON_CreateString(a->flags[i]);
        if (!x || !cJSON_AddItemToArray(arr, x)) {
            cJSON_Delete(x);
            goto out;
        }
    }
    s = cJSON_PrintUnformatted(arr);
out:
    cJSON_Delete(arr);
    return s;
}

static int practice_play_record(struct db *db, const char *id, const struct practice_answer *a,
                                bool correct)
{
    sqlite3_stmt *st = db_stmt(db, sql_answer);
    char now[CLOCK_UTC_LEN], day[CLOCK_DAY_LEN];
    char *flags = a->decision == PRACTICE_RETURN ? practice_play_flags_json(a) : NULL;
    int b = SQLITE_OK, rc = -1;

    if (!st || (a->decision == PRACTICE_RETURN && !flags))
        goto out;
    clock_utc_now(now);
    clock_today_text(day);
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 3, day, -1, SQLITE_STATIC);
    b |= sqlite3_bind_int(st, 4, correct);
    b |= sqlite3_bind_text(st, 5, practice_decision_name(a->decision), -1, SQLITE_STATIC);
    b |= flags ? sqlite3_bind_text(st, 6, flags, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 6);
    b |= a->decision == PRACTICE_REFUSE ? sqlite3_bind_int(st, 7, a->condition) : sqlite3_bind_null(st, 7);
    if (db_run(st, b) != 0)
        goto out;
    /* 0 changes: answered since it was read (the transaction makes it rare) */
    rc = sqlite3_changes(db_handle(db)) == 1 ? 0 : 1;
out:
    free(flags);
    return rc;
}

int practice_play_answer(struct db *db, const char *user, const char *id,
                         const struct practice_answer *a, char **out, struct refusal *e)
{
    struct practice_play_items items = {NULL, 0};
    struct practice *pr = NULL;
    const struct procedure *p = NULL;
    struct model_ref *ref = NULL;
    struct practice_verdict v;
    sqlite3_stmt *st;
    char procedure[PROCEDURE_ID_MAX + 1] = "", proc_hash[65] = "", practice_hash[65] = "";
    char *proc_key = NULL, skey[PRACTICE_KEY_LEN + 1] = "";
    long k = -1;
    int answered = 0, r, rc = -1;
    bool open = true;
    cJSON *doc = NULL;

    *out = NULL;
    memset(&v, 0, sizeof v);
    if (strlen(id) != PRACTICE_PLAY_ID_LEN) {
        *e = practice_play_unknown;
        return 1;
    }
    if (db_begin(db) != 0)
        return -1;
    if (!(st = db_stmt(db, sql_case)))
        goto out;
    if (sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(st, 2, user, -1, SQLITE_STATIC) != SQLITE_OK) {
        sqlite3_reset(st);
        goto out;
    }
    r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        practice_play_copy(procedure, sizeof procedure, st, 0);
        practice_play_copy(proc_hash, sizeof proc_hash, st, 1);
        practice_play_copy(practice_hash, sizeof practice_hash, st, 2);
        k = sqlite3_column_int(st, 3);
        answered = sqlite3_column_int(st, 4);
        practice_play_copy(skey, sizeof skey, st, 6);
        if (sqlite3_column_type(st, 5) != SQLITE_TEXT ||
            !(proc_key = strdup((const char *)sqlite3_column_text(st, 5))))
            r = SQLITE_NOMEM;
    }
    sqlite3_reset(st);
    if (r == SQLITE_DONE) {
        *e = practice_play_unknown; /* another user's too: it is not theirs to know of */
        rc = 1;
        goto out;
    }
    if (r != SQLITE_ROW)
        goto out;
    if (answered) {
        *e = practice_play_answered;
        rc = 1;
        goto out;
    }
    /* judged against what was played: only the current file is kept. A
     * load since that changed neither what the scenario is judged on (its
     * key) nor what the window checks (the version's practice key) — a
     * typo fixed in the procedure's prose, a story reworded, a scenario
     * added — leaves the answer the same: the trainee half-way through it
     * keeps it, judged as the current file has it */
    if (practice_play_items_read(db, procedure, &items) != 0)
        goto out;
    if (items.n > 0 && (strcmp(items.v[0].proc_hash, proc_hash) != 0 ||
                        strcmp(items.v[0].good_hash, practice_hash) != 0))
        k = strcmp(items.v[0].proc_key, proc_key) == 0 ? practice_play_key_index(&items.v[0], skey) : -1;
    if (items.n == 0 || k < 0 || (r = practice_play_file_load(db, procedure, &pr, &p, &ref)) == 1 ||
        (r == 0 && ((size_t)k >= pr->n_scenarios || strcmp(p->hash, items.v[0].proc_hash) != 0 ||
                    strcmp(pr->hash, items.v[0].good_hash) != 0 ||
                    (skey[0] && strcmp(pr->scenarios[k].key, skey) != 0)))) {
        *e = practice_play_changed;
        rc = 1;
        goto out;
    }
    if (r != 0)
        goto out;
    if ((r = practice_play_answer_check(p, a, e)) != 0) {
        rc = r == 1 ? 1 : -1; /* e: what is wrong with the answer */
        goto out;
    }
    if (practice_proof_judge(&pr->scenarios[k], p, clock_today(), a, &v) != 0)
        goto out;
    if ((r = practice_play_record(db, id, a, v.correct)) != 0) {
        if (r == 1)
            *e = practice_play_answered;
        rc = r == 1 ? 1 : -1;
        goto out;
    }
    if (!(doc = practice_play_verdict_doc(&v)))
        goto out;
    open = false;
    rc = practice_play_commit(db, doc, out);
out:
    if (open)
        db_rollback(db);
    cJSON_Delete(doc);
    free(proc_key);
    practice_proof_verdict_free(&v);
    practice_free(pr);
    models_release(ref);
    practice_play_items_free(&items);
    return rc;
}

/* ---- readiness ----------------------------------------------------------- */

struct practice_play_ready {
    struct practice_play_items *items;
    cJSON **qualified, **before;    /* one array per item */
    cJSON **held, **lapsed;         /* likewise (ours) */
    cJSON **practising;             /* likewise: some scenarios right, not all */
    const cJSON *staff;             /* the active staff accounts' names */
};

/* Whether name is in the array of names arr. */
static bool practice_play_named(const cJSON *arr, const char *name)
{
    const cJSON *s;

    cJSON_ArrayForEach(s, arr)
        if (cJSON_IsString(s) && strcmp(s->valuestring, name) == 0)
            return true;
    return false;
}

/* Adds or updates {"user","passed"} in arr, keeping the later day. */
static int practice_play_ready_put(cJSON *arr, const char *user, const char *day,
                                   const char *expires)
{
    cJSON *o;

    cJSON_ArrayForEach(o, arr) {
        const cJSON *u = cJSON_GetObjectItemCaseSensitive(o, "user");
        if (cJSON_IsString(u) && strcmp(u->valuestring, user) == 0)
            return practice_play_later(o, "passed", day) != 0 ||
                           (expires && practice_play_later(o, "expires", expires) != 0)
                       ? -1
                       : 0;
    }
    if (!(o = cJSON_CreateObject()) || !cJSON_AddItemToArray(arr, o)) {
        cJSON_Delete(o);
        return -1;
    }
    /* expires: the last day the pass counts, so the hall sees when to
     * practise again before an A or B post lapses */
    return cJSON_AddStringToObject(o, "user", user) && cJSON_AddStringToObject(o, "passed", day) &&
                   (!expires || cJSON_AddStringToObject(o, "expires", expires))
               ? 0
               : -1;
}

/* Adds or updates {"user","passed","expires"} of p in arr, keeping the
 * pass that lasts longest (held, lapsed). 0 or -1. */
static int practice_play_ready_span(cJSON *arr, const struct practice_play_pass *p)
{
    cJSON *o;

    cJSON_ArrayForEach(o, arr) {
        const cJSON *u = cJSON_GetObjectItemCaseSensitive(o, "user"),
                    *e = cJSON_GetObjectItemCaseSensitive(o, "expires");
        if (!cJSON_IsString(u) || strcmp(u->valuestring, p->user) != 0)
            continue;
        if (cJSON_IsString(e) && strcmp(e->valuestring, p->expires) >= 0)
            return 0;
        cJSON_Delete(cJSON_DetachItemViaPointer(arr, o));
        break;
    }
    if (!(o = cJSON_CreateObject()) || !cJSON_AddItemToArray(arr, o)) {
        cJSON_Delete(o);
        return -1;
    }
    return cJSON_AddStringToObject(o, "user", p->user) && cJSON_AddStringToObject(o, "passed", p->last) &&
                   cJSON_AddStringToObject(o, "expires", p->expires)
               ? 0
               : -1;
}

/* Adds {"user","passed_scenarios","last"} of a part pass on the current
 * pair to arr: the grid showed a staffer one scenario short of the item as
 * "—", like one who never opened it, and the manager could not tell whom
 * to ask to finish. 0 or -1. */
static int practice_play_ready_part(cJSON *arr, const struct practice_play_pass *p)
{
    cJSON *o;

    if (!(o = cJSON_CreateObject()) || !cJSON_AddItemToArray(arr, o)) {
        cJSON_Delete(o);
        return -1;
    }
    return cJSON_AddStringToObject(o, "user", p->user) &&
                   cJSON_AddNumberToObject(o, "passed_scenarios", p->passed) &&
                   cJSON_AddStringToObject(o, "last", p->last ? p->last : "")
               ? 0
               : -1;
}

static int practice_play_ready_pass(void *ctx, const struct practice_play_pass *p)
{
    struct practice_play_ready *rd = ctx;
    struct practice_play_item *it = practice_play_item_of(rd->items, p->procedure);
    char until[CLOCK_DAY_LEN];
    size_t i;

    /* "fewer than two staff": a disabled account or an admin's practice
     * is no one at the window (a review counted both as qualified) */
    if (!it || !practice_play_named(rd->staff, p->user))
        return 0;
    i = (size_t)(it - rd->items->v);
    if (p->current && p->passed < it->scenarios)
        return practice_play_ready_part(rd->practising[i], p);
    if (p->current)
        return practice_play_ready_put(rd->qualified[i], p->user, p->last, p->expires);
    if (p->passed < p->scenarios)
        return 0;
    if (!p->within)
        return practice_play_was_whole(p) ? practice_play_ready_span(rd->lapsed[i], p) : 0;
    if (practice_play_current(it, p->proc_key, p->practice_hash))
        return 0; /* counted by key */
    if (practice_play_holds(it, p, until)) {
        struct practice_play_pass q = *p;
        q.expires = until;
        if (practice_play_ready_span(rd->held[i], &q) != 0)
            return -1;
    }
    return practice_play_ready_put(rd->before[i], p->user, p->last, NULL);
}

/* Takes out of arr whoever is listed in by. */
static void practice_play_ready_prune(const cJSON *by, cJSON *arr)
{
    const cJSON *q;
    cJSON *b, *next;

    cJSON_ArrayForEach(q, by) {
        const char *u = cJSON_GetObjectItemCaseSensitive(q, "user")->valuestring;
        for (b = arr->child; b; b = next) {
            next = b->next;
            if (strcmp(cJSON_GetObjectItemCaseSensitive(b, "user")->valuestring, u) == 0)
                cJSON_Delete(cJSON_DetachItemViaPointer(arr, b));
        }
    }
}

static int practice_play_staff(struct db *db, cJSON *root)
{
    sqlite3_stmt *st = db_stmt(db, sql_staff);
    cJSON *arr = cJSON_AddArrayToObject(root, "staff"), *names = cJSON_AddObjectToObject(root, "names"),
          *s;
    int r = SQLITE_ERROR;

    if (!st || !arr || !names)
        return -1;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0),
                   *display = (const char *)sqlite3_column_text(st, 1);
        if (!(s = cJSON_CreateString(name)) || !cJSON_AddItemToArray(arr, s)) {
            cJSON_Delete(s);
            r = SQLITE_NOMEM;
            break;
        }
        /* the grid's heads are the names the hall knows its staff by */
        if (display && display[0] && !cJSON_AddStringToObject(names, name, display)) {
            r = SQLITE_NOMEM;
            break;
        }
    }
    sqlite3_reset(st);
    return r == SQLITE_DONE ? 0 : -1;
}

/* Adds to arr an entry, short and not playable, for each live procedure
 * whose practice file cannot be played now and that items does not hold.
 * 0 or -1. */
static int practice_play_unplayable(struct db *db, struct practice_play_items *items, cJSON *arr)
{
    sqlite3_stmt *st = db_stmt(db, sql_unplayable);
    int r = SQLITE_ERROR;
    cJSON *o;

    if (!st || sqlite3_bind_int(st, 1, PRACTICE_PLAY_ITEMS_MAX) != SQLITE_OK)
        return -1;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        if (practice_play_item_of(items, id))
            continue;
        if (!(o = cJSON_CreateObject()) || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            r = SQLITE_NOMEM;
            break;
        }
        if (!cJSON_AddStringToObject(o, "id", id) ||
            !cJSON_AddStringToObject(o, "title", (const char *)sqlite3_column_text(st, 1)) ||
            !cJSON_AddNumberToObject(o, "scenarios", 0) || !cJSON_AddNullToObject(o, "upcoming") ||
            !cJSON_AddBoolToObject(o, "visit", sqlite3_column_int(st, 2) != 0) ||
            !cJSON_AddArrayToObject(o, "qualified") ||
            !cJSON_AddArrayToObject(o, "passed_before") || !cJSON_AddArrayToObject(o, "held") ||
            !cJSON_AddArrayToObject(o, "lapsed") || !cJSON_AddArrayToObject(o, "practising") ||
            !cJSON_AddBoolToObject(o, "short", true) ||
            !cJSON_AddBoolToObject(o, "covered", false) || !cJSON_AddBoolToObject(o, "playable", false)) {
            r = SQLITE_NOMEM;
            break;
        }
    }
    sqlite3_reset(st);
    return r == SQLITE_DONE ? 0 : -1;
}

/* "without_practice": [{"id","title","file"}] of sql_without. 0 or -1. */
static int practice_play_without(struct db *db, cJSON *root)
{
    sqlite3_stmt *st = db_stmt(db, sql_without);
    cJSON *arr = cJSON_AddArrayToObject(root, "without_practice"), *o;
    int r = SQLITE_ERROR;

    if (!st || !arr || sqlite3_bind_int(st, 1, PRACTICE_PLAY_ITEMS_MAX) != SQLITE_OK)
        return -1;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (!(o = cJSON_CreateObject()) || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            r = SQLITE_NOMEM;
            break;
        }
        if (!cJSON_AddStringToObject(o, "id", (const char *)sqlite3_column_text(st, 0)) ||
            !cJSON_AddStringToObject(o, "title", (const char *)sqlite3_column_text(st, 1)) ||
            !cJSON_AddStringToObject(o, "file", (const char *)sqlite3_column_text(st, 2))) {
            r = SQLITE_NOMEM;
            break;
        }
    }
    sqlite3_reset(st);
    return r == SQLITE_DONE ? 0 : -1;
}

int practice_play_readiness_json(struct db *db, char **out)
{
    struct practice_play_items items = {NULL, 0};
    struct practice_play_ready rd = {&items, NULL, NULL, NULL, NULL, NULL, NULL};
    cJSON *root = cJSON_CreateObject(), *arr, *o;
    size_t i;
    int rc = -1;

    *out = NULL;
    if (!root || db_read_begin(db) != 0) {
        cJSON_Delete(root);
        return -1;
    }
    if (practice_play_items_read(db, NULL, &items) != 0 ||
        !cJSON_AddNumberToObject(root, "days", PRACTICE_PLAY_DAYS) || practice_play_staff(db, root) != 0 ||
        !(arr = cJSON_AddArrayToObject(root, "procedures")) ||
        !(rd.qualified = calloc(items.n + 1, sizeof *rd.qualified)) ||
        !(rd.before = calloc(items.n + 1, sizeof *rd.before)) ||
        !(rd.held = calloc(items.n + 1, sizeof *rd.held)) ||
        !(rd.lapsed = calloc(items.n + 1, sizeof *rd.lapsed)) ||
        !(rd.practising = calloc(items.n + 1, sizeof *rd.practising)))
        goto out;
    rd.staff = cJSON_GetObjectItemCaseSensitive(root, "staff");
    for (i = 0; i < items.n; i++) {
        if (!(o = cJSON_CreateObject()) || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            goto out;
        }
        if (!cJSON_AddStringToObject(o, "id", items.v[i].id) ||
            !cJSON_AddStringToObject(o, "title", items.v[i].title) ||
            !cJSON_AddNumberToObject(o, "scenarios", items.v[i].scenarios) ||
            practice_play_upcoming_add(o, items.v[i].upcoming) != 0 ||
            /* who of those who can handle it may go to the home: the page
             * names their posts (a review: readiness said who could serve
             * at the window, never whether the B post could visit) */
            !cJSON_AddBoolToObject(o, "visit", items.v[i].visit) ||
            !(rd.qualified[i] = cJSON_AddArrayToObject(o, "qualified")) ||
            !(rd.before[i] = cJSON_AddArrayToObject(o, "passed_before")) ||
            !(rd.held[i] = cJSON_AddArrayToObject(o, "held")) ||
            !(rd.lapsed[i] = cJSON_AddArrayToObject(o, "lapsed")) ||
            !(rd.practising[i] = cJSON_AddArrayToObject(o, "practising")))
            goto out;
    }
    if (practice_play_passes(db, NULL, &items, practice_play_ready_pass, &rd) != 0)
        goto out;
    for (i = 0, o = arr->child; i < items.n && o; i++, o = o->next) {
        practice_play_ready_prune(rd.qualified[i], rd.before[i]);
        practice_play_ready_prune(rd.qualified[i], rd.held[i]);
        practice_play_ready_prune(rd.qualified[i], rd.lapsed[i]);
        practice_play_ready_prune(rd.before[i], rd.lapsed[i]);
        /* a held pass already counts: its new scenarios are said there */
        practice_play_ready_prune(rd.held[i], rd.practising[i]);
        /* short: fewer than two passed every scenario, as the contract
         * counts; covered (ours): with the passes held over a scenario
         * added, the hall's A and B posts still cover each other */
        if (!cJSON_AddBoolToObject(o, "short", cJSON_GetArraySize(rd.qualified[i]) < 2) ||
            !cJSON_AddBoolToObject(o, "covered", cJSON_GetArraySize(rd.qualified[i]) +
                                                         cJSON_GetArraySize(rd.held[i]) >= 2) ||
            !cJSON_AddBoolToObject(o, "playable", true))
            goto out;
    }
    if (practice_play_unplayable(db, &items, arr) != 0 || practice_play_without(db, root) != 0)
        goto out;
    rc = 0;
out:
    if (db_read_end(db) != 0)
        rc = -1;
    if (rc == 0 && !(*out = cJSON_PrintUnformatted(root)))
        rc = -1;
    cJSON_Delete(root);
    free(rd.qualified);
    free(rd.before);
    free(rd.held);
    free(rd.lapsed);
    free(rd.practising);
    practice_play_items_free(&items);
    return rc;
}

/* ---- what a save would do to the passes (the admin's check) ------------- */

/* ?1 the item, ?2 the text's hash, ?3 its practice key, ?4 the first day
 * that counts. live: its live version, unless it is this very text; next:
 * the key the text's passes would be held to, as store_practice_hold holds
 * them (the one held for its hash, the live one's when its own key is the
 * live version's own, else its own); pf:
 * the good practice file in use (proved on the live version or on the one
 * scheduled, as the items on offer are read); per: each active staffer's
 * right answers within the window to that file's scenarios, by scenario,
 * on the live key and on the text's. One row: the live hash, whether the
 * keys differ, the live detail, then whole passes on the live key, some
 * of one only, and whole passes on the text's key (tally); none when
 * there is no live version to compare with. Only the item's answers
 * within the window are read, by index (practice_cases_user or _passes). */
static const char sql_lapse[] =
    "WITH live AS (SELECT p.hash, v.detail_json, " PRACTICE_PLAY_KEY("p.id", "p.hash") " AS k,"
    " v.practice_key AS own"
    " FROM procedures p JOIN procedure_versions v ON v.procedure_id = p.id AND v.hash = p.hash"
    " WHERE p.id = ?1 AND p.status = 'live' AND p.hash <> ?2),"
    " next AS (SELECT coalesce((SELECT h.practice_key FROM practice_key_held h"
    "  WHERE h.procedure_id = ?1 AND h.hash = ?2), (SELECT live.k FROM live WHERE live.own = ?3), ?3) AS k),"
    " pf AS (SELECT f.good_keys, f.good_scenarios AS n FROM practice_files f, live"
    "  WHERE f.procedure_id = ?1 AND f.good_source IS NOT NULL AND f.good_keys IS NOT NULL"
    "  AND (f.good_procedure_hash = live.hash OR f.good_procedure_hash ="
    "  (SELECT s.hash FROM schedule s WHERE s.procedure_id = ?1)) ORDER BY f.path LIMIT 1),"
    " per AS (SELECT count(DISTINCT CASE WHEN x.pk = (SELECT k FROM live) THEN x.skey END) AS was,"
    "  count(DISTINCT CASE WHEN x.pk = (SELECT k FROM next) THEN x.skey END) AS now"
    "  FROM (SELECT pc.user, pc.scenario_key AS skey, " PRACTICE_PLAY_CASE_KEY " AS pk"
    "   FROM practice_cases pc, pf WHERE pc.procedure_id = ?1 AND pc.correct = 1"
    "   AND pc.answered_day >= ?4 AND pc.scenario_key IS NOT NULL"
    "   AND instr(pf.good_keys, pc.scenario_key) > 0"
    "   AND pc.user IN (SELECT name FROM users WHERE role = 'staff' AND disabled = 0)) x"
    "  GROUP BY x.user),"
    " tally AS (SELECT coalesce(sum(per.was >= pf.n), 0) AS whole,"
    "  coalesce(sum(per.was > 0 AND per.was < pf.n), 0) AS part,"
    "  coalesce(sum(per.now >= pf.n), 0) AS back FROM per, pf)"
    " SELECT live.hash, live.k IS NOT next.k, live.detail_json, tally.whole, tally.part, tally.back"
    " FROM live, next, tally";

int practice_play_lapse_read(struct db *db, const char *id, const char *hash, const char *key,
                             struct practice_play_lapse *out)
{
    sqlite3_stmt *st = db_stmt(db, sql_lapse);
    char since[CLOCK_DAY_LEN];
    int r = SQLITE_ERROR, b = SQLITE_OK, rc = -1;

    memset(out, 0, sizeof *out);
    if (!st)
        return -1;
    practice_play_since(since);
    b |= sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 3, key, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(st, 4, since, -1, SQLITE_STATIC);
    if (b == SQLITE_OK)
        r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        const char *detail = (const char *)sqlite3_column_text(st, 2);
        const char *lh = (const char *)sqlite3_column_text(st, 0);
        out->live = true;
        snprintf(out->live_hash, sizeof out->live_hash, "%s", lh ? lh : "");
        out->changes = sqlite3_column_int(st, 1) != 0;
        out->passes = sqlite3_column_int(st, 3);
        out->partial = sqlite3_column_int(st, 4);
        out->left = sqlite3_column_int(st, 5);
        rc = detail && !(out->live_detail = strdup(detail)) ? -1 : 0;
    } else if (r == SQLITE_DONE) {
        rc = 0;
    } else {
        fprintf(stderr, "spkiosk: practice: cannot read the passes of %s: %s\n", id,
                sqlite3_errmsg(db_handle(db)));
    }
    sqlite3_reset(st);
    return rc;
}

void practice_play_lapse_free(struct practice_play_lapse *l)
{
    free(l->live_detail);
    l->live_detail = NULL;
}
