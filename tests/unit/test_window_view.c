/* Unit tests of what staff see (src/window_view.c) that the API tests
 * cannot set up without waiting a day or writing a thousand events: the
 * queue's lists (`filling` is a staffer's own window cases changed within
 * 24 hours; `earlier` takes a waiting case with no ticket day; `total`
 * counts today's tickets only; `in_progress` by acceptance, with
 * `waiting_since` null; `same_id` on queue entries only; at most 500 a
 * list) and the case view's history (at most 1,000 events, oldest
 * first, `events_truncated` only past that, `step` null for an event of
 * no step), a rating's reasons as a list, and the conditions texts; and
 * the web cases invited to the hall by the day they are asked to come.
 * Each test has its own database (casedb.h). */
#include <criterion/criterion.h>

#include "casedb.h"
#include "clock.h"
#include "window.h"
#include "window_view.h"

static struct casedb t;

static void setup(void)
{
    casedb_open(&t);
}

static void teardown(void)
{
    casedb_close(&t);
}

TestSuite(window_view, .init = setup, .fini = teardown);

static cJSON *queue(void)
{
    char *out = NULL;
    cJSON *q;

    cr_assert_eq(window_view_queue_json(t.db, &out), 0);
    cr_assert_not_null(q = cJSON_Parse(out));
    free(out);
    return q;
}

static cJSON *case_view(const char *id)
{
    struct refusal e;
    char *out = NULL;
    cJSON *c;

    cr_assert_eq(window_view_case_json(t.db, id, &out, &e), 0);
    cr_assert_not_null(c = cJSON_Parse(out));
    free(out);
    return c;
}

/* whether list `key` of the queue q has an entry for case id */
static bool listed(const cJSON *q, const char *key, const char *id)
{
    const cJSON *x;

    cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(q, key)) {
        if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x, "id")), id) == 0)
            return true;
    }
    return false;
}

/* A case handed in today (status waiting, today's ticket). */
static void handed_in(char id[CASE_ID_LEN + 1])
{
    casedb_handed_in(&t, id, NULL);
}

/* `filling` is the docs' "started at the window (channel window and
 * created_by set), still open and changed within 24 hours": 23 hours ago
 * is listed, 25 hours ago is not, and a window case nobody is recorded as
 * starting is not (anyone may post one to the public route). */
Test(window_view, filling_is_a_staffers_own_window_cases_changed_within_24_hours)
{
    char fresh[CASE_ID_LEN + 1], stale[CASE_ID_LEN + 1], anon[CASE_ID_LEN + 1], iso[32];
    time_t now = time(NULL);
    cJSON *q;

    casedb_case_at(&t, "test", "window", fresh);
    casedb_case_at(&t, "test", "window", stale);
    casedb_case_at(&t, "test", "window", anon);
    casedb_exec(&t, "UPDATE cases SET created_by = 'wang' WHERE id IN ('%s', '%s')", fresh, stale);
    casedb_exec(&t, "UPDATE cases SET updated_at = '%s' WHERE id IN ('%s', '%s')",
                casedb_iso(now - 23 * 3600, iso), fresh, anon);
    casedb_exec(&t, "UPDATE cases SET updated_at = '%s' WHERE id = '%s'", casedb_iso(now - 25 * 3600, iso),
                stale);
    q = queue();
    cr_assert(listed(q, "filling", fresh));
    cr_assert_not(listed(q, "filling", stale), "a day and more untouched: no longer listed");
    cr_assert_not(listed(q, "filling", anon), "no staffer started it");
    cJSON_Delete(q);
}

/* a waiting case with no ticket day (one from before tickets had days) is
 * not today's: listed apart in `earlier`, out of `queue` and of `total` */
Test(window_view, a_waiting_case_without_a_ticket_day_is_earlier_and_not_counted)
{
    char today[CASE_ID_LEN + 1], none[CASE_ID_LEN + 1], old[CASE_ID_LEN + 1];
    cJSON *q;

    handed_in(today);
    handed_in(none);
    handed_in(old);
    casedb_exec(&t, "UPDATE cases SET ticket_day = NULL WHERE id = '%s'", none);
    casedb_exec(&t, "UPDATE cases SET ticket_day = '2000-01-01' WHERE id = '%s'", old);
    q = queue();
    cr_assert(listed(q, "queue", today));
    cr_assert(listed(q, "earlier", none));
    cr_assert(listed(q, "earlier", old));
    cr_assert_not(listed(q, "queue", none));
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(q, "earlier")), 2);
    cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(q, "total")), 1,
                 "total counts today's tickets only");
    cJSON_Delete(q);
}

/* `in_progress` is by acceptance, the earliest accepted first; and only
 * `queue` entries carry `same_id` (the docs: "each queue entry also has") */
Test(window_view, in_progress_is_by_acceptance_and_has_no_same_id)
{
    char a[CASE_ID_LEN + 1], b[CASE_ID_LEN + 1];
    struct refusal e;
    const cJSON *ip, *x;
    cJSON *q;

    handed_in(a);
    handed_in(b);
    cr_assert_eq(window_accept(t.db, a, "wang", NULL, clock_today(), &e), 0);
    cr_assert_eq(window_accept(t.db, b, "wang", NULL, clock_today(), &e), 0);
    /* b accepted first, whatever the ids and the order of the calls */
    casedb_exec(&t, "UPDATE cases SET accepted_at = '2026-01-01T08:00:00Z' WHERE id = '%s'", b);
    casedb_exec(&t, "UPDATE cases SET accepted_at = '2026-01-01T09:00:00Z' WHERE id = '%s'", a);
    q = queue();
    ip = cJSON_GetObjectItemCaseSensitive(q, "in_progress");
    cr_assert_eq(cJSON_GetArraySize(ip), 2);
    cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(ip, 0), "id")), b);
    cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(ip, 1), "id")), a);
    cJSON_ArrayForEach(x, ip) {
        cr_assert_null(cJSON_GetObjectItemCaseSensitive(x, "same_id"));
        /* the docs: submitted_at for a waiting case, null otherwise */
        cr_assert_not_null(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x, "submitted_at")));
        cr_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(x, "waiting_since")), "accepted: no longer waiting");
    }
    cJSON_Delete(q);
}

/* at most WINDOW_QUEUE_MAX entries a list, the first in line (the docs:
 * "at most 500 each"); total still counts every one */
Test(window_view, the_queue_lists_500_and_counts_all)
{
    char a[CASE_ID_LEN + 1];
    const cJSON *list;
    cJSON *q;
    int i;

    handed_in(a);
    /* copies of the case, each its own ticket and turn after a's */
    casedb_exec(&t, "CREATE TEMP TABLE c AS SELECT * FROM cases WHERE id = '%s'", a);
    casedb_exec(&t, "BEGIN");
    for (i = 1; i <= WINDOW_QUEUE_MAX; i++)
        casedb_exec(&t, "UPDATE temp.c SET id = printf('%%032x', %d), ticket = printf('B%%04d', %d),"
                        " queue_seq = queue_seq + 1; INSERT INTO cases SELECT * FROM temp.c", i, i);
    casedb_exec(&t, "COMMIT");
    q = queue();
    list = cJSON_GetObjectItemCaseSensitive(q, "queue");
    cr_assert_eq(cJSON_GetArraySize(list), WINDOW_QUEUE_MAX);
    cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(list, 0), "id")), a);
    cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(q, "total")), WINDOW_QUEUE_MAX + 1);
    cJSON_Delete(q);
}

/* `ready` (待领取) past WINDOW_QUEUE_MAX: ready cases are never swept, so
 * certificates nobody collected pile up over the years; the list is the
 * 500 done last, still first done first. Oldest first with the limit kept
 * the 500 oldest and left out every case done since, the ones residents
 * come back for (a review: 501 ready cases, the newest not listed). */
Test(window_view, ready_lists_the_500_done_last_first_done_first)
{
    char a[CASE_ID_LEN + 1], last[CASE_ID_LEN + 1], first[CASE_ID_LEN + 1];
    const cJSON *list;
    cJSON *q;
    int i;

    handed_in(a);
    casedb_exec(&t, "UPDATE cases SET status = 'ready', ready_at = '2020-01-01T00:00:00Z' WHERE id = '%s'", a);
    casedb_exec(&t, "CREATE TEMP TABLE c AS SELECT * FROM cases WHERE id = '%s'", a);
    casedb_exec(&t, "BEGIN");
    /* each done a second after the one before, all after a */
    for (i = 1; i <= WINDOW_QUEUE_MAX; i++)
        casedb_exec(&t, "UPDATE temp.c SET id = printf('%%032x', %d), ticket = printf('B%%04d', %d),"
                        " ready_at = strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', '2026-01-01', '+%d seconds');"
                        " INSERT INTO cases SELECT * FROM temp.c", i, i, i);
    casedb_exec(&t, "COMMIT");
    snprintf(first, sizeof first, "%032x", 1);
    snprintf(last, sizeof last, "%032x", WINDOW_QUEUE_MAX);
    q = queue();
    list = cJSON_GetObjectItemCaseSensitive(q, "ready");
    cr_assert_eq(cJSON_GetArraySize(list), WINDOW_QUEUE_MAX);
    cr_assert(listed(q, "ready", last), "the case done last is listed");
    cr_assert_not(listed(q, "ready", a), "the one done longest ago is the one left out");
    cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(list, 0), "id")), first,
                     "first done first");
    cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
                         cJSON_GetArrayItem(list, WINDOW_QUEUE_MAX - 1), "id")), last);
    /* the page's 待领取 count: every one, not the 500 listed */
    cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(q, "ready_total")), WINDOW_QUEUE_MAX + 1);
    cJSON_Delete(q);
}

/* the history: oldest first, at most WINDOW_EVENTS_MAX; events_truncated
 * is false at exactly that many and true past it; an event of no step has
 * step null, one of a step its number */
Test(window_view, events_are_the_first_1000_oldest_first_truncated_only_past_that)
{
    char a[CASE_ID_LEN + 1];
    long have;
    const cJSON *ev, *first;
    cJSON *c;

    casedb_case(&t, "test", a);
    casedb_walk(&t, a, 1);
    have = casedb_int(&t, "SELECT count(*) FROM case_events WHERE case_id = '%s'", a);
    cr_assert_lt(have, WINDOW_EVENTS_MAX);
    casedb_exec(&t,
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %ld)"
                " INSERT INTO case_events (case_id, at, what, channel, step)"
                " SELECT '%s', '2099-01-01T00:00:00Z', 'step', 'kiosk', 0 FROM n",
                (long)WINDOW_EVENTS_MAX - have, a);
    c = case_view(a);
    ev = cJSON_GetObjectItemCaseSensitive(c, "events");
    cr_assert_eq(cJSON_GetArraySize(ev), WINDOW_EVENTS_MAX);
    cr_assert(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(c, "events_truncated")),
              "exactly the cap: nothing left out");
    first = cJSON_GetArrayItem(ev, 0);
    cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(first, "what")), "created");
    cr_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(first, "step")), "created is of no step");
    cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(ev, WINDOW_EVENTS_MAX - 1), "step")), 0);
    cJSON_Delete(c);

    casedb_exec(&t, "INSERT INTO case_events (case_id, at, what, channel) VALUES ('%s', '2099-01-02T00:00:00Z', 'rated', 'kiosk')", a);
    c = case_view(a);
    ev = cJSON_GetObjectItemCaseSensitive(c, "events");
    cr_assert_eq(cJSON_GetArraySize(ev), WINDOW_EVENTS_MAX);
    cr_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "events_truncated")));
    cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(ev, 0), "what")),
                     "created", "the first ones are kept, not the last");
    cJSON_Delete(c);
}

/* a rating's reasons are the stored codes as a list; the conditions are
 * the pinned version's texts, every one */
Test(window_view, rating_reasons_are_a_list_and_conditions_are_all_there)
{
    char a[CASE_ID_LEN + 1];
    const cJSON *r, *conds;
    cJSON *c;

    handed_in(a);
    casedb_exec(&t, "INSERT INTO ratings (case_id, score, comment, at, reasons)"
                    " VALUES ('%s', 2, '', '2026-01-01T08:00:00Z', 'wait,other')", a);
    c = case_view(a);
    r = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(c, "rating"), "reasons");
    cr_assert_eq(cJSON_GetArraySize(r), 2);
    cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetArrayItem(r, 0)), "wait");
    cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetArrayItem(r, 1)), "other");
    conds = cJSON_GetObjectItemCaseSensitive(c, "conditions");
    cr_assert_eq(cJSON_GetArraySize(conds), 1);
    cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetArrayItem(conds, 0)), "具有本市户籍");
    cJSON_Delete(c);
}

/* 网上预审: the invited are listed apart from those in review, by the day
 * they are asked to come, not by when they were handed in (the docs) */
Test(window_view, invited_cases_are_listed_by_the_day_asked_to_come)
{
    char a[CASE_ID_LEN + 1], b[CASE_ID_LEN + 1], c[CASE_ID_LEN + 1], *out = NULL;
    const cJSON *inv, *pre;
    cJSON *q;

    handed_in(a);
    handed_in(b);
    handed_in(c);
    casedb_exec(&t, "UPDATE cases SET status = 'prereview', ticket = NULL, ticket_day = NULL WHERE id = '%s'", c);
    /* a handed in first but asked to come later */
    casedb_exec(&t, "UPDATE cases SET status = 'invited', ticket = NULL, ticket_day = NULL,"
                    " invite_date = '2099-01-02' WHERE id = '%s'", a);
    casedb_exec(&t, "UPDATE cases SET status = 'invited', ticket = NULL, ticket_day = NULL,"
                    " invite_date = '2099-01-01' WHERE id = '%s'", b);
    cr_assert_eq(window_view_prereview_json(t.db, &out), 0);
    cr_assert_not_null(q = cJSON_Parse(out));
    free(out);
    inv = cJSON_GetObjectItemCaseSensitive(q, "invited");
    cr_assert_eq(cJSON_GetArraySize(inv), 2);
    cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(inv, 0), "id")), b);
    cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(inv, 0), "invite_date")),
                     "2099-01-01");
    cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(inv, 1), "id")), a);
    pre = cJSON_GetObjectItemCaseSensitive(q, "prereview");
    cr_assert_eq(cJSON_GetArraySize(pre), 1, "a case still in review is not invited");
    cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(pre, 0), "id")), c);
    cJSON_Delete(q);
}

/* the slip's 前面还有 N 人 is for a ticket in today's line: an earlier day's
 * ticket, never served, is in no line and has no count (window.h) */
Test(window_view, an_earlier_days_ticket_has_no_place_in_line)
{
    char a[CASE_ID_LEN + 1], b[CASE_ID_LEN + 1];
    long n = -2;

    handed_in(a);
    handed_in(b);
    casedb_exec(&t, "UPDATE cases SET ticket_day = '2000-01-01' WHERE id = '%s'", b);
    cr_assert_eq(window_view_ahead(t.db, b, &n), 0);
    cr_assert_eq(n, -1);
    cr_assert_eq(window_view_ahead(t.db, a, &n), 0);
    cr_assert_eq(n, 0);
}

/* procedure_steps and missing count only what applies: a ticked paper of a
 * step that no longer applies (proxy turned to no) is not ticked, and not
 * missing either; a required part that applies and is not there is
 * missing, with the index of its step */
Test(window_view, only_what_applies_is_ticked_or_missing)
{
    char a[CASE_ID_LEN + 1];
    const cJSON *steps, *it, *m;
    cJSON *c;

    casedb_case(&t, "test", a);
    casedb_confirm(&t, a);
    casedb_step(&t, a, 0, "{\"checklist\":{\"s0-0\":true}}");
    casedb_step(&t, a, 1, "{\"fields\":{\"name\":\"张晓梅\",\"proxy\":true}}");
    casedb_step(&t, a, 2, "{\"checklist\":{\"s2-0\":true}}");
    casedb_step(&t, a, 1, "{\"fields\":{\"name\":\"张晓梅\",\"proxy\":false}}");
    /* whether or not the move kept the tick, the view must not show it */
    casedb_exec(&t, "INSERT OR IGNORE INTO case_checklist (case_id, item_id, step) VALUES ('%s', 's2-0', 2)", a);
    c = case_view(a);
    steps = cJSON_GetObjectItemCaseSensitive(c, "procedure_steps");
    cr_assert(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(steps, 2), "applicable")));
    it = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(steps, 2), "checklist"), 0);
    cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "id")), "s2-0");
    cr_assert(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(it, "applies")));
    cr_assert(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(it, "ticked")), "ticked, but it does not apply");
    /* the last step's paper is the one missing */
    m = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(c, "missing"), "checklist");
    cr_assert_eq(cJSON_GetArraySize(m), 1);
    cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(m, 0), "id")), "s3-0");
    cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(m, 0), "step")), 3);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(c, "missing"), "fields")), 0);
    cJSON_Delete(c);
}

/* a required field not answered is missing with its step's index */
Test(window_view, a_missing_field_is_given_with_its_step)
{
    char a[CASE_ID_LEN + 1];
    const cJSON *m;
    cJSON *c;

    casedb_case(&t, "test", a);
    casedb_confirm(&t, a);
    c = case_view(a);
    m = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(c, "missing"), "fields");
    cr_assert_eq(cJSON_GetArraySize(m), 2);
    cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(m, 0), "key")), "name");
    cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(m, 0), "step")), 1);
    m = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(c, "missing"), "checklist");
    cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(m, 0), "id")), "s0-0");
    cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(m, 0), "step")), 0);
    cJSON_Delete(c);
}

/* the chain's `pickup` (the docs: one of the chain's keys of the case
 * view): true for an item with `pickup: yes`, false for the others */
Test(window_view, pickup_is_the_items_own)
{
    char path[160], a[CASE_ID_LEN + 1], b[CASE_ID_LEN + 1];
    cJSON *c;

    snprintf(path, sizeof path, "%s/tree/hall/pickup.md", t.dir);
    casedb_write(path, "---\nversion: 2026-01-01\norder: 3\npickup: yes\n---\n# 领证事项\n\n测试用。\n\n"
                       "## 第一步:准备材料\n- [ ] 本人居民身份证原件\n");
    snprintf(path, sizeof path, "%s/tree", t.dir);
    cr_assert_eq(loader_run(t.db, path), 0);
    casedb_case(&t, "pickup", a);
    casedb_case(&t, "simple", b);
    c = case_view(a);
    cr_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "pickup")));
    cJSON_Delete(c);
    c = case_view(b);
    cr_assert(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(c, "pickup")));
    cJSON_Delete(c);
}

/* a step's label is its title without the author's 第N步, a field has its
 * type; meta holds the front matter keys the file gives, and no others
 * (the docs: "those given") */
Test(window_view, step_labels_field_types_and_only_the_meta_given)
{
    char a[CASE_ID_LEN + 1];
    const cJSON *st, *meta;
    cJSON *c;

    casedb_case(&t, "test", a);
    c = case_view(a);
    st = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(c, "procedure_steps"), 0);
    cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(st, "title")), "第一步:准备材料");
    cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(st, "label")), "准备材料");
    /* a field says its type (the page shows a date, an ID number... by it) */
    st = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
                                cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(c, "procedure_steps"), 1), "fields"),
                            1);
    cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(st, "key")), "proxy");
    cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(st, "type")), "yesno");
    meta = cJSON_GetObjectItemCaseSensitive(c, "meta");
    cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(meta, "version")), "2026-01-01");
    cr_assert_eq(cJSON_GetArraySize(meta), 1, "only the version is given");
    cJSON_Delete(c);
}

/* the case view says the ticket's day (the docs' `ticket_day`: whether a
 * ticket is today's is what staff check before taking it) and the hash of
 * the version the case keeps (`hash`) */
Test(window_view, the_case_view_gives_the_tickets_day_and_the_version_kept)
{
    char a[CASE_ID_LEN + 1], day[CLOCK_DAY_LEN], buf[256];
    cJSON *c;

    handed_in(a);
    clock_today_text(day);
    c = case_view(a);
    cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "ticket_day")), day);
    cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "hash")),
                     casedb_text(&t, buf, "SELECT hash FROM cases WHERE id = '%s'", a));
    cJSON_Delete(c);
}
