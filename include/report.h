/* report: the day's report (日报日清) for one local date — per staffer
 * the moves they made that day (from case_events), the cases started per
 * channel, the cases overdue at the day's end, the tickets still waiting
 * at closing time, the on-time rate of the chains finished that day and
 * the ratings given — read in one read transaction, and rendered as JSON
 * or CSV (GET /api/v1/admin/report).
 *
 * "The day" is the local date in the daemon's time zone, as clock_today
 * counts it: its bounds are turned into stored UTC instants with mktime
 * (stats_day_start), so an event at 23:59 local time counts on that day
 * whatever its UTC date. Only anonymous columns are read: the report is
 * the same after retention erased a case's personal data.
 */
#ifndef SPK_REPORT_H
#define SPK_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "accounts.h"
#include "cases.h"
#include "db.h"
#include "workdays.h"

#define REPORT_USERS_MAX 500        /* staffers listed in one report */

/* One staffer's moves that day: each counts events, so a case accepted
 * twice counts twice. */
struct report_user {
    char user[CASE_USER_MAX + 1];
    char display[ACCOUNTS_DISPLAY_BUF]; /* the name the hall knows, "" for none */
    long called, accepted, passed, completed, returned, rejected;
    long visits;                    /* "visited" and "not_home" */
    long followups;                 /* "followup": a call-back's result */
    long handed_out;                /* "handed_out": a result handed to the resident */
    long refused;                   /* "refused": 不予受理 at intake (ours) */
    /* "reminded": a reminder call to a resident owing 补正
     * (corrections_remind); JSON and the page, not the CSV's staff table,
     * whose columns stay as they were (a section at its end instead) */
    long reminded;
};

/* A staff or admin session that rated cases that day, and how many. */
struct report_rater {
    char user[ACCOUNTS_NAME_MAX + 1];
    long count;
};
#define REPORT_RATERS_MAX 50

/* A case overdue at the day's end, for the list (today's report only):
 * strings owned (NULL for none), dates YYYY-MM-DD. */
struct report_late {
    char *id, *ticket, *ticket_day, *procedure, *title, *status;
    char *stage_key, *stage_label, *post, *due, *committed, *owner;
};
#define REPORT_LATE_MAX 200

struct report_day {
    int date;                       /* YYYYMMDD */
    int today;                      /* the local date it was counted on */
    struct report_user *users;      /* owned, by name */
    size_t n_users;
    long kiosk, window, web;        /* cases started that day, by channel */
    long overdue;                   /* cases past their stage's due or the promise at the day's end */
    long waiting_at_close;          /* handed in that day, never called by its end */
    long finished, on_time;         /* chains finished that day, and of those by their due */
    long ratings[5];                /* ratings[k]: given that day with score k + 1 */
    /* call-backs owed at the day's end (opened by then, not done by then),
     * of those due before the day, and of those complaints (差评整改) */
    long followups_open, followups_overdue, followups_complaints;
    /* of the complaints, those opened by a rating kept apart (schema/043) */
    long followups_complaints_apart;
    /* of those owed, the ones tried without reaching the resident (a
     * 联系不上 before the last try: followup.h) */
    long followups_retrying;
    /* that day: call-backs closed (a result, not a try), of those reached
     * only after a 联系不上 try, and those given up after the last try */
    long followups_closed, followups_reached_on_retry, followups_given_up;
    /* of those, the ones 满意率 counts (the resident's on a case handed
     * in), and the ones kept apart (schema/043): a staff session's, and
     * else one of a case never handed in when rated */
    long counted[5];
    long apart_staff, apart_not_handed_in;
    struct report_rater *raters;    /* owned: the staff sessions that rated, by name */
    size_t n_raters;
    /* today's report: the cases counted in overdue, soonest due first, at
     * most REPORT_LATE_MAX (late_listed false on another day) */
    struct report_late *late;       /* owned */
    size_t n_late;
    bool late_listed;
    /* today's report: home visits asked for and not recorded yet, of days
     * before today (missed: nobody went or said so) and of today */
    long visits_missed, visits_today;
    /* today's report: cases back with their residents for 补正 and
     * corrected cases given up as no-shows, still takeable, and of either
     * those the hall is about to lose (corrections.h) */
    long corrections_returned, corrections_no_show, corrections_ending;
    /* that day: corrected cases (returned before) the sweep gave up
     * (never brought back) and those called and not come (过号) */
    long corrections_given_up, corrections_no_shows;
    /* that day: reminder calls (电话提醒补正, `reminded` events), and the
     * cases they were about */
    long reminder_calls, reminder_cases;
};

/* Reads the report of local date ymd (YYYYMMDD) into *out (freed with
 * report_day_free in every case); today is the local date now, as
 * clock_today gives it: a day before it takes the overdue figure
 * report_days_close stored, when there is one. cal: the hall's calendar
 * (NULL: weekends alone), which counts the dates a corrected case handed
 * in again resumes to (relay_resume_dates): overdue from its hand-in. Returns 0, or -1 on a
 * database error, a date mktime cannot place, or when memory runs out. */
int report_collect(struct db *db, int ymd, int today, const struct workdays *cal,
                   struct report_day *out);

#define REPORT_CLOSE_BACK_DAYS 400  /* a close after a long stop goes back at most this far */
#define REPORT_CLOSE_BATCH 31       /* days stored per write transaction */

/* Stores the overdue figure of each ended day not stored yet (schema/031),
 * counted as report_collect counts it, so that a past day's report stays
 * what it was at the day's end after a return rewrites the stages: from
 * the day after the last stored one (the first time: yesterday alone) to
 * the day before today, at most REPORT_CLOSE_BACK_DAYS back, in write
 * transactions of REPORT_CLOSE_BATCH days. A day stored is never
 * rewritten, except rows of today or later, stored while the clock was
 * ahead, which are dropped first. For the main loop, after midnight and at
 * start (nothing changes a case while the daemon is down, so a day closed
 * at the next start is closed as it ended). *stored gets the days stored,
 * also those committed before a failure. Returns 0, or -1 on a database
 * error or a bad today. */
int report_days_close(struct db *db, int today, const struct workdays *cal, int *stored);

/* The report as GET /api/v1/admin/report answers it: {"date","users":[…],
 * "channels":{…},"overdue","waiting_at_close","on_time_rate" (0..1, null
 * when no chain finished),"finished","on_time","ratings":{"1".."5"}}.
 * NULL when memory runs out. Caller frees. */
char *report_json(const struct report_day *r);

/* The report as CSV (UTF-8 with a byte order mark, CRLF, cells as
 * stats_csv_text writes them): a header, one row per staffer, a 合计 row,
 * an empty line, then one 项目,数值 row per figure of the day. *len gets
 * the length. NULL when memory runs out. Caller frees. */
char *report_csv(const struct report_day *r, size_t *len);

void report_day_free(struct report_day *r);

#endif
