/* case_view: a resident's case as JSON — the public case the kiosk and a
 * phone read (ID numbers masked), the progress a step answers with, and
 * the parts the staff view shares (answers, what a return flagged). */
#include "case_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "clock.h"
#include "corrections.h"
#include "hall.h"
#include "idmask.h"
#include "notify.h"
#include "relay.h"
#include "sweep.h"
#include "workdays.h"

const char *case_view_mask_id(const char *v, char out[CASE_VIEW_MASKED_MAX])
{
    size_t n = strlen(v), i;

    if (n >= CASE_VIEW_MASKED_MAX)
        n = CASE_VIEW_MASKED_MAX - 1;
    for (i = 0; i < n; i++)
        out[i] = i + 4 < n ? '*' : v[i];
    out[n] = '\0';
    return out;
}

enum field_mask case_view_field_mask(const struct procedure *p, const struct field *f)
{
    size_t hops, step;

    /* bounded: two confirmations naming each other must not hang a view */
    for (hops = 0; f && hops < 16; hops++) {
        enum field_mask m = field_type_get(f->type)->mask;
        if (m != FIELD_MASK_NONE || !f->same_as)
            return m;
        f = procedure_field_find(p, f->same_as, &step);
    }
    return FIELD_MASK_NONE;
}

char *case_view_shown(const struct procedure *p, const struct field *f, const char *v)
{
    char masked[CASE_VIEW_MASKED_MAX];

    if (case_view_field_mask(p, f) != FIELD_MASK_NONE)
        return strdup(case_view_mask_id(v, masked));
    return idmask_text_hide(v);
}

/* Adds "step", "steps" (when with_steps), "applicable" and "done" to root.
 * Returns 0 or -1 when memory runs out. */
static int case_view_add_progress(cJSON *root, const struct case_state *cs, bool with_steps)
{
    const struct procedure *p = cs->model;
    cJSON *app, *done, *n;
    size_t j;

    if (!cJSON_AddNumberToObject(root, "step", (double)cs->step) ||
        (with_steps && !cJSON_AddNumberToObject(root, "steps", (double)p->n_steps)) ||
        !(app = cJSON_AddArrayToObject(root, "applicable")) ||
        !(done = cJSON_AddArrayToObject(root, "done")))
        return -1;
    for (j = 0; j < p->n_steps; j++) {
        if (cs->applicable[j] &&
            (!(n = cJSON_CreateNumber((double)j)) || !cJSON_AddItemToArray(app, n)))
            return (cJSON_Delete(n), -1);
        if (cs->applicable[j] && cs->done[j] &&
            (!(n = cJSON_CreateNumber((double)j)) || !cJSON_AddItemToArray(done, n)))
            return (cJSON_Delete(n), -1);
    }
    return 0;
}

char *case_view_progress_json(const struct case_state *cs)
{
    cJSON *root = cJSON_CreateObject();
    char *out = NULL;

    if (root && case_view_add_progress(root, cs, false) == 0)
        out = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return out;
}

int case_view_add_returned_items(cJSON *root, const struct case_state *cs)
{
    cJSON *items = cs->returned_items ? cJSON_Parse(cs->returned_items) : NULL;

    /* written by window.c as an object; anything else reads as none */
    if (items && !cJSON_IsObject(items)) {
        cJSON_Delete(items);
        items = NULL;
    }
    if (!items)
        return cJSON_AddNullToObject(root, "returned_items") ? 0 : -1;
    if (!cJSON_AddItemToObject(root, "returned_items", items)) {
        cJSON_Delete(items);
        return -1;
    }
    return 0;
}

int case_view_add_missing(cJSON *root, const struct case_state *cs)
{
    cJSON *ids = cs->missing_items ? cJSON_Parse(cs->missing_items) : NULL, *arr, *o;
    const cJSON *x;
    const struct proc_item *it;
    size_t step;
    int rc = -1;

    /* written by window.c as an array; anything else reads as none */
    if (!cJSON_IsArray(ids)) {
        cJSON_Delete(ids);
        return cJSON_AddNullToObject(root, "missing_items") ? 0 : -1;
    }
    if (!(arr = cJSON_AddArrayToObject(root, "missing_items")))
        goto out;
    cJSON_ArrayForEach(x, ids) {
        if (!cJSON_IsString(x) || !(it = procedure_item_find(cs->model, x->valuestring, &step)))
            continue;
        if (!(o = cJSON_CreateObject()) || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            goto out;
        }
        /* received: brought since (容缺受理, then 已补交: window_receive),
         * the one way a paper of the list gets ticked while the list
         * stands; the list itself stays what the resident said at hand-in */
        if (!cJSON_AddStringToObject(o, "id", it->id) || !cJSON_AddStringToObject(o, "text", it->text) ||
            !cJSON_AddNumberToObject(o, "step", (double)step) ||
            !cJSON_AddBoolToObject(o, "received", cases_ticked(cs, it->id)))
            goto out;
    }
    rc = 0;
out:
    cJSON_Delete(ids);
    return rc;
}

/* Adds name: null, or v with the ID numbers in it masked (a reason or note
 * a staffer typed for the resident may quote one: 身份证号…与原件不符, and
 * the resident's page is open to whoever holds the slip). 0 or -1. */
static int case_view_add_staff_text(cJSON *o, const char *name, const char *v)
{
    char *shown;
    bool ok;

    if (!v)
        return cJSON_AddNullToObject(o, name) ? 0 : -1;
    if (!(shown = idmask_text_hide(v)))
        return -1;
    ok = cJSON_AddStringToObject(o, name, shown) != NULL;
    free(shown);
    return ok ? 0 : -1;
}

int case_view_add_invite(cJSON *root, const struct case_state *cs, bool staff)
{
    const struct case_window *w = &cs->w;
    cJSON *o;

    /* the resident is told of an invitation while it stands, and after it
     * was taken up (accepted: the date they came); a return voids it (they
     * correct at home, and the next hand-in clears it), as a refusal or a
     * hand-in to the queue does. Staff keep it as history: the note is on
     * the case only. */
    bool stands = strcmp(cs->status, "invited") == 0 ||
                  (w->accepted_at[0] && strcmp(cs->status, "returned") != 0);

    if (!w->invite_date[0] || (!staff && !stands))
        return cJSON_AddNullToObject(root, "invite") ? 0 : -1;
    if (!(o = cJSON_AddObjectToObject(root, "invite")) ||
        !cJSON_AddStringToObject(o, "date", w->invite_date) ||
        (staff ? !(w->invite_note ? cJSON_AddStringToObject(o, "note", w->invite_note)
                                  : cJSON_AddNullToObject(o, "note"))
               : case_view_add_staff_text(o, "note", w->invite_note) != 0))
        return -1;
    if (staff && (!cJSON_AddStringToObject(o, "at", w->invited_at) ||
                  !cJSON_AddStringToObject(o, "by", w->invited_by)))
        return -1;
    return 0;
}

int case_view_add_visit(cJSON *root, const struct case_state *cs, bool staff)
{
    const struct case_relay *r = &cs->r;
    char today[CLOCK_DAY_LEN];
    cJSON *o;

    if (!r->visit_date[0] || (!staff && strcmp(cs->status, "visit") != 0))
        return cJSON_AddNullToObject(root, "visit") ? 0 : -1;
    /* a day gone by with the case still in visit: nobody recorded the
     * visit, and the resident's page promised a visit on a day that passed */
    clock_today_text(today);
    if (!(o = cJSON_AddObjectToObject(root, "visit")) ||
        !cJSON_AddStringToObject(o, "date", r->visit_date) ||
        !cJSON_AddStringToObject(o, "slot", r->visit_slot) ||
        !cJSON_AddBoolToObject(o, "past", strcmp(cs->status, "visit") == 0 &&
                                              strcmp(r->visit_date, today) < 0))
        return -1;
    if (staff && (!(r->visit_address ? cJSON_AddStringToObject(o, "address", r->visit_address)
                                     : cJSON_AddNullToObject(o, "address")) ||
                  !(r->visit_phone ? cJSON_AddStringToObject(o, "phone", r->visit_phone)
                                   : cJSON_AddNullToObject(o, "phone"))))
        return -1;
    return 0;
}

int case_view_add_answers(cJSON *root, const struct case_state *cs, bool mask_ids)
{
    const struct procedure *p = cs->model;
    cJSON *vals, *ticks;
    size_t i, j;

    if (!(vals = cJSON_AddObjectToObject(root, "values")) ||
        !(ticks = cJSON_AddObjectToObject(root, "checklist")))
        return -1;
    for (j = 0; j < p->n_steps; j++) {
        for (i = 0; i < p->steps[j].n_fields; i++) {
            const struct field *f = &p->steps[j].fields[i];
            const char *v = cases_value(cs, f->key);
            char *shown = NULL;
            bool bad;
            if (!v)
                continue;
            if (mask_ids && !(shown = case_view_shown(p, f, v)))
                return -1;
            bad = !cJSON_AddStringToObject(vals, f->key, shown ? shown : v);
            free(shown);
            if (bad)
                return -1;
        }
        for (i = 0; i < p->steps[j].n_items; i++) {
            const struct proc_item *it = &p->steps[j].items[i];
            if (cases_item_applies(cs, j, it) && cases_ticked(cs, it->id) &&
                !cJSON_AddTrueToObject(ticks, it->id))
                return -1;
        }
    }
    return 0;
}

/* ours, `calendar_gap`: the year of the committed date when the hall's
 * calendar has no dates of that year (its holidays counted as working
 * days: the date is early), else null; as the staff view and the receipt
 * say it, so that the resident's page does not promise the date bare.
 * 0 or -1. */
static int case_view_add_gap(cJSON *root, const struct case_state *cs)
{
    struct catalog *c = cs->r.due[0] ? catalog_acquire() : NULL;
    int year = c ? workdays_gap_year(catalog_calendar(c), cs->r.due) : 0;

    if (c)
        catalog_release(c);
    return (year ? cJSON_AddNumberToObject(root, "calendar_gap", year)
                : cJSON_AddNullToObject(root, "calendar_gap"))
               ? 0
               : -1;
}

/* ours, `wait_at`: where a ticket's holder waits, the hall's own location
 * (`serve --hall-location`), else null (the page then gives the item's
 * 办理地点). A ticket is called in the hall that gave it, even for an item
 * whose file names another place (a street office's review). 0 or -1. */
static int case_view_add_wait_at(cJSON *root)
{
    const char *at = hall_contact_get(HALL_LOCATION);

    return (at ? cJSON_AddStringToObject(root, "wait_at", at) : cJSON_AddNullToObject(root, "wait_at"))
               ? 0
               : -1;
}

/* ours, `link_by_sms`: whether the hall could text this case's link to
 * it if the resident lost it (a web case, a hall that can text links,
 * notify_link_possible, and a mobile on the case, notify_mobile). The
 * link box at home promises that text only then: a case with only a
 * landline, or none yet, cannot get one, and its resident is sent to the
 * window instead. Nothing of the number itself. 0 or -1. */
static int case_view_add_link_by_sms(cJSON *root, const struct case_state *cs)
{
    bool can = strcmp(cs->channel, "web") == 0 && notify_link_possible() && notify_mobile(cs);

    return cJSON_AddBoolToObject(root, "link_by_sms", can) ? 0 : -1;
}

/* The chain as the resident's page shows it (relay.h): once accepted the
 * current stage ({key, label, due}) and the committed due date; the
 * reason when rejected. Nothing personal. 0 or -1. */
static int case_view_add_chain(cJSON *root, const struct case_state *cs)
{
    cJSON *st;

    if (strcmp(cs->status, "rejected") == 0 &&
        (case_view_add_staff_text(root, "rejected_reason", cs->r.rejected_reason) != 0 ||
         /* ours: refused at intake, never accepted (不予受理) */
         !cJSON_AddBoolToObject(root, "refused", relay_refused(cs))))
        return -1;
    if (cs->r.stage < 0 || !cs->r.stage_key[0])
        return 0;
    if (!(st = cJSON_AddObjectToObject(root, "stage")) ||
        !cJSON_AddStringToObject(st, "key", cs->r.stage_key) ||
        !cJSON_AddStringToObject(st, "label", cs->r.stage_label ? cs->r.stage_label : cs->r.stage_key) ||
        !(cs->r.stage_due[0] ? cJSON_AddStringToObject(st, "due", cs->r.stage_due)
                             : cJSON_AddNullToObject(st, "due")) ||
        !(cs->r.due[0] ? cJSON_AddStringToObject(root, "due", cs->r.due) : cJSON_AddNullToObject(root, "due")))
        return -1;
    return case_view_add_gap(root, cs);
}

/* "called": a waiting case of today's ticket called at least once, with
 * the window of its last call ("" when the call named none or the screen
 * no longer keeps it), else null. A resident who missed the call and
 * opened the slip's case was told to keep waiting for it (a hall review);
 * a ticket and a window are on the call screen already: nothing personal. */
static int case_view_add_called(cJSON *root, const struct case_state *cs)
{
    cJSON *o;

    if (strcmp(cs->status, "waiting") != 0 || cs->w.calls <= 0 || !cases_ticket_of_today(cs))
        return cJSON_AddNullToObject(root, "called") ? 0 : -1;
    if (!(o = cJSON_AddObjectToObject(root, "called")) ||
        !cJSON_AddStringToObject(o, "at", cs->w.called_at) ||
        !cJSON_AddStringToObject(o, "window", cs->w.called_window) ||
        !cJSON_AddNumberToObject(o, "calls", cs->w.calls))
        return -1;
    return 0;
}

/* "correct_by" (ours): a returned case's last working day before the hall
 * gives it up (corrections_returned_ends under `serve --retention-days`
 * and the hall's calendar), else null.
 * The staff's 等居民补正 list said the date while the resident's page and
 * notice said nothing: an elder who put the notice in a drawer learnt it
 * was over only when the slip's code opened 已结束. 0 or -1. */
static int case_view_add_correct_by(cJSON *root, const struct case_state *cs)
{
    struct catalog *c = strcmp(cs->status, "returned") == 0 ? catalog_acquire() : NULL;
    int ends = corrections_returned_ends(cs, c ? catalog_calendar(c) : NULL, sweep_retention_get());
    char day[CLOCK_DAY_LEN];

    if (c)
        catalog_release(c);

    if (!ends)
        return cJSON_AddNullToObject(root, "correct_by") ? 0 : -1;
    clock_day_text(ends, day);
    return cJSON_AddStringToObject(root, "correct_by", day) ? 0 : -1;
}

/* "visit_booked" (ours): a returned case the hall booked the B post for
 * (visit_book) since its return, {"date","slot","past"}, else null. The staff
 * agreed the day with the elder on the phone, and the elder's page, slip
 * and notice still said only 请最晚在…交回: a resident who opened it
 * came to the hall, or waited at home unsure anyone was coming. Never the
 * address or phone, as "visit". 0 or -1. */
static int case_view_add_visit_booked(cJSON *root, const struct case_state *cs)
{
    char today[CLOCK_DAY_LEN];
    cJSON *o;

    if (!cs->r.visit_booked || !cs->r.visit_date[0])
        return cJSON_AddNullToObject(root, "visit_booked") ? 0 : -1;
    /* its day went by and the case is still returned: nobody corrected it
     * there, and the page must not promise a day that passed */
    clock_today_text(today);
    if (!(o = cJSON_AddObjectToObject(root, "visit_booked")) ||
        !cJSON_AddStringToObject(o, "date", cs->r.visit_date) ||
        !cJSON_AddStringToObject(o, "slot", cs->r.visit_slot) ||
        !cJSON_AddBoolToObject(o, "past", strcmp(cs->r.visit_date, today) < 0))
        return -1;
    return 0;
}

/* "no_show" (ours): a case that left the queue because its resident was
 * not there when called (叫号未到), {"at","kept"}, else null; kept while
 * what was typed is still there, so that the window can take it on as it
 * is (window_accept: 过号后到场). A passed resident who opened the slip's
 * case was told 这次办理已结束, 请从首页重新开始, and filled it all in
 * again, when the window would have served them there and then. */
static int case_view_add_no_show(cJSON *root, const struct case_state *cs)
{
    cJSON *o;

    if (strcmp(cs->status, "abandoned") != 0 || !cs->w.no_show_at[0])
        return cJSON_AddNullToObject(root, "no_show") ? 0 : -1;
    if (!(o = cJSON_AddObjectToObject(root, "no_show")) ||
        !cJSON_AddStringToObject(o, "at", cs->w.no_show_at) ||
        !cJSON_AddBoolToObject(o, "kept", !cs->erased))
        return -1;
    return 0;
}

char *case_view_json(const struct case_state *cs)
{
    const struct procedure *p = cs->model;
    cJSON *root = cJSON_CreateObject();
    char *out = NULL;

    if (!root)
        return NULL;
    if (!cJSON_AddStringToObject(root, "id", cs->id) ||
        !cJSON_AddStringToObject(root, "procedure", cs->procedure) ||
        !cJSON_AddStringToObject(root, "hash", cs->hash) ||
        !cJSON_AddStringToObject(root, "status", cs->status) ||
        case_view_add_progress(root, cs, true) != 0)
        goto out;
    if (!cJSON_AddNumberToObject(root, "conditions", (double)p->n_conditions) ||
        !cJSON_AddBoolToObject(root, "conditions_confirmed", cs->conditions_confirmed) ||
        /* the kiosk's screen is public: ID numbers in full only at the window */
        case_view_add_answers(root, cs, true) != 0)
        goto out;
    if (!(cs->ticket ? cJSON_AddStringToObject(root, "ticket", cs->ticket)
                     : cJSON_AddNullToObject(root, "ticket")) ||
        !(cs->ticket ? cJSON_AddStringToObject(root, "ticket_day", cs->ticket_day)
                     : cJSON_AddNullToObject(root, "ticket_day")) ||
        /* waiting on an earlier day's ticket: out of the queue, and the
         * kiosk offers a new one (window_submit) */
        !cJSON_AddBoolToObject(root, "ticket_expired",
                               strcmp(cs->status, "waiting") == 0 && !cases_ticket_of_today(cs)) ||
        case_view_add_called(root, cs) != 0 || case_view_add_no_show(root, cs) != 0 ||
        case_view_add_staff_text(root, "returned_reason", cs->returned_reason) != 0 ||
        case_view_add_returned_items(root, cs) != 0 || case_view_add_correct_by(root, cs) != 0 ||
        case_view_add_invite(root, cs, false) != 0 ||
        case_view_add_visit(root, cs, false) != 0 || case_view_add_visit_booked(root, cs) != 0 ||
        case_view_add_missing(root, cs) != 0 ||
        case_view_add_chain(root, cs) != 0 || case_view_add_wait_at(root) != 0 ||
        case_view_add_link_by_sms(root, cs) != 0 ||
        !cJSON_AddStringToObject(root, "channel", cs->channel) ||
        !cJSON_AddStringToObject(root, "created_at", cs->created_at) ||
        !(cs->rating ? cJSON_AddNumberToObject(root, "rating", cs->rating)
                     : cJSON_AddNullToObject(root, "rating")))
        goto out;
    out = cJSON_PrintUnformatted(root);
out:
    cJSON_Delete(root);
    return out;
}

bool case_view_flagged(const cJSON *flags, const char *list, const char *key)
{
    const cJSON *arr = flags ? cJSON_GetObjectItemCaseSensitive(flags, list) : NULL, *x;

    cJSON_ArrayForEach(x, arr)
        if (cJSON_IsString(x) && strcmp(x->valuestring, key) == 0)
            return true;
    return false;
}
