/* libFuzzer harness: the JSON bodies of the case, staff and admin routes
 * (src/bodies.c), from the bytes a client sends to the C values the
 * handler hands on. The first byte picks the route, the rest is the body;
 * one harness rather than one per family because every route's first
 * step is the same parse (bodies_parse, cJSON), so a shape that one
 * route's mutations find serves the others, and the lead runs one 10M
 * run instead of fifteen. Every output is read back, so that a pointer
 * into a freed or short buffer shows under ASan, and the promises of
 * include/bodies.h are checked (a failure is a crash). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bodies.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum {
    ROUTE_CASE_CREATE,          /* POST /api/v1/cases */
    ROUTE_CASE_CONDITIONS,      /* POST /api/v1/cases/{id}/conditions */
    ROUTE_CASE_STEP,            /* POST /api/v1/cases/{id}/steps/{n}[/incomplete] */
    ROUTE_CASE_SUBMIT,          /* POST /api/v1/cases/{id}/submit (visit) */
    ROUTE_STAFF_START,          /* POST /api/v1/staff/cases */
    ROUTE_STAFF_CHAIN,          /* accept, pass, reject, assign, complete, handout */
    ROUTE_STAFF_RETURN,         /* POST /api/v1/staff/cases/{id}/return */
    ROUTE_STAFF_INVITE,         /* POST /api/v1/staff/cases/{id}/invite */
    ROUTE_STAFF_CALL,           /* POST /api/v1/staff/call[/{id}] */
    ROUTE_SPREPORT_ADD,         /* POST /api/v1/staff/procedures/{id}/reports (and practice) */
    ROUTE_ADMIN_DEAL,           /* POST /api/v1/admin/reports/{n}/dealt */
    ROUTE_PRACTICE_ANSWER,      /* POST /api/v1/staff/practice/{id}/answer */
    ROUTE_STAFF_VISIT,          /* POST /api/v1/staff/cases/{id}/visit */
    ROUTE_FOLLOWUP,             /* POST /api/v1/staff/notifications/{n}/done */
    ROUTE_CHANGES_READ,         /* POST /api/v1/staff/procedures/{id}/changes/read */
    ROUTE_N
};

static volatile size_t sink;

/* Reads s whole: ASan sees a string that is not where it is said to be. */
static void touch(const char *s)
{
    if (s)
        sink += strlen(s);
}

static void check(int ok)
{
    if (!ok)
        abort();
}

static void route(unsigned which, const cJSON *body)
{
    const char *a, *b, **fnames = NULL, **cnames = NULL;
    struct bodies_answers ans;
    struct bodies_spreport sp;
    struct window_flags ff, cf;
    struct practice_answer pa;
    struct visit_ask ask;
    bool *confirmed = NULL, handled;
    size_t n, i, used = 0;
    char num[24];
    int r, n2;

    switch (which) {
    case ROUTE_CASE_CREATE:
        r = bodies_case_create(body, &a, &b);
        /* 2: the procedure named, the channel of another type (s1's review) */
        check((r == 1 && !a) || (r == 2 && !a && !b) || (r == 0 && a));
        touch(a);
        touch(b);
        break;
    case ROUTE_CASE_CONDITIONS:
        r = bodies_case_conditions(body, &confirmed, &n);
        check(r != 0 || n <= BODIES_CONDITIONS_MAX);
        for (i = 0; r == 0 && i < n; i++)
            sink += confirmed[i];
        free(confirmed);
        break;
    case ROUTE_CASE_STEP:
        r = bodies_case_answers(body, &ans);
        for (i = 0; r == 0 && i < ans.in.n_fields; i++) {
            touch(ans.in.fields[i].key);
            touch(ans.in.fields[i].text);
            check(ans.in.fields[i].kind != CASE_INPUT_NUMBER ||
                  strlen(ans.in.fields[i].text) < 32);
        }
        for (i = 0; r == 0 && i < ans.in.n_checklist; i++) {
            touch(ans.in.checklist[i].key);
            touch(ans.in.checklist[i].text);
        }
        bodies_answers_free(&ans);
        break;
    case ROUTE_CASE_SUBMIT:
        r = bodies_case_visit(body, &ask);
        check(r >= 0 && r <= 2);
        touch(ask.date);
        touch(ask.slot);
        touch(ask.address);
        touch(ask.phone);
        /* anything but a boolean or null is refused, never read as an ask */
        if (bodies_prereview(body, &handled))
            sink += handled;
        else
            check(!handled);
        break;
    case ROUTE_STAFF_START:
        touch(bodies_text(body, "procedure"));
        break;
    case ROUTE_STAFF_CHAIN:
        if (bodies_window(body, &a, num))
            touch(a);
        touch(bodies_text(body, "note"));
        touch(bodies_text(body, "stage"));
        if (bodies_optional_text(body, "owner", &a) == 0)
            touch(a);
        break;
    case ROUTE_STAFF_RETURN:
        r = bodies_flags(cJSON_GetObjectItemCaseSensitive(body, "fields"), &ff, &fnames, &used);
        if (r == 0)
            r = bodies_flags(cJSON_GetObjectItemCaseSensitive(body, "checklist"), &cf, &cnames,
                             &used);
        if (r == 0) {
            check(ff.n + cf.n <= WINDOW_FLAGS_MAX);
            for (i = 0; i < ff.n; i++)
                touch(ff.names[i]);
            for (i = 0; i < cf.n; i++)
                touch(cf.names[i]);
        }
        touch(bodies_text(body, "reason"));
        free(fnames);
        free(cnames);
        break;
    case ROUTE_STAFF_INVITE:
        if (bodies_optional_text(body, "note", &a) == 0)
            touch(a);
        if (bodies_optional_text(body, "status", &a) == 0)
            touch(a);
        if (bodies_optional_text(body, "invite_date", &a) == 0)
            touch(a);
        touch(bodies_text(body, "date"));
        break;
    case ROUTE_STAFF_CALL:
        if (bodies_window(body, &a, num)) {
            touch(a);
            check(!a || a != num || strlen(num) <= 6);
        }
        /* the calls the page showed: a count, or none (-1) however refused */
        r = bodies_optional_count(body, "calls", &n2);
        check(r == 0 ? n2 >= -1 : n2 == -1);
        break;
    case ROUTE_SPREPORT_ADD:
        if (bodies_spreport(body, &sp) == 0) {
            check(strlen(sp.hash) <= BODIES_HASH_MAX);
            check(sp.step >= -1 && sp.step < 1000000);
            touch(sp.kind);
            touch(sp.note);
        }
        break;
    case ROUTE_ADMIN_DEAL:
        if (bodies_optional_text(body, "reply", &a) == 0)
            touch(a);
        break;
    case ROUTE_PRACTICE_ANSWER:
        r = bodies_practice_answer(body, &pa, &fnames);
        if (r == 0) {
            check(pa.n_flags <= PRACTICE_MAX_IDS);
            check(pa.decision == PRACTICE_REFUSE || pa.condition == 0);
            for (i = 0; i < pa.n_flags; i++)
                touch(pa.flags[i]);
        }
        free(fnames);
        break;
    case ROUTE_STAFF_VISIT:
        if (bodies_visit_result(body, &handled, &a) == 0)
            touch(a);
        break;
    case ROUTE_FOLLOWUP:
        if (bodies_followup(body, &a, &b) == 0) {
            touch(a);
            touch(b);
        }
        break;
    default:
        a = bodies_hash(body);
        check(!a || strlen(a) <= BODIES_HASH_MAX);
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text;
    cJSON *body;

    if (size < 1 || size > 65536)
        return 0;
    /* bodies_parse rewrites in place, as it does the request's buffer */
    if (!(text = malloc(size)))
        return 0;
    memcpy(text, data + 1, size - 1);
    body = bodies_parse(size > 1 ? text : NULL, size - 1);
    check(!body || cJSON_IsObject(body));
    if (body)
        route(data[0] % ROUTE_N, body);
    cJSON_Delete(body);
    free(text);
    return 0;
}
