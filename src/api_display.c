/* api_display: the call screen's answer and its long poll (api_display.h).
 *
 * A long poll reads the hold's generation first, then the data; when the
 * data has nothing newer than ?after it parks the request (http_hold),
 * which suspends the connection: no worker waits. A call (or any change of
 * the screen, display_changed) wakes the hold, every held request is
 * resumed, its handler runs again (req->resumed) and answers what it
 * reads then. A wake between the read and the park is caught by the
 * generation (HOLD_CHANGED: read again, answer now). */
#include "api_display.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "db.h"
#include "display.h"
#include "reply.h"

static struct hold *api_display_hold;

void api_display_setup(struct hold *h)
{
    api_display_hold = h;
    display_set_hold(h);
}

static void api_display_free(void *p)
{
    free(p);
}

enum MHD_Result api_display(struct http_request *req)
{
    const char *after_s = http_query(req, "after"), *wait_s = http_query(req, "wait");
    const char *waiting_s = http_query(req, "waiting");
    long long after = -1, wait = API_DISPLAY_WAIT_MAX, waiting = -1;
    struct hold *h = api_display_hold;
    struct display_view v;
    struct MHD_Response *r;
    uint64_t gen;
    char etag[64];
    struct db *db;

    if (after_s && (after = http_query_number(after_s, 0, (1LL << 53))) < 0)
        return reply_bad_request(req, "after 应是上次回答里的叫号序号（seq），一个不小于 0 的整数");
    if (wait_s && (wait = http_query_number(wait_s, 1, API_DISPLAY_WAIT_MAX)) < 0)
        return reply_bad_request(req, "wait 应是 1 到 25 之间的秒数");
    if (waiting_s && (waiting = http_query_number(waiting_s, 0, (1LL << 53))) < 0)
        return reply_bad_request(req, "waiting 应是上次回答里的等候人数（waiting），一个不小于 0 的整数");
    if (!(db = db_thread()))
        return reply_internal(req);
    /* the generation before the data: a call committed after this read
     * began moves it, and the park below then refuses */
    gen = h ? hold_generation(h) : 0;
    if (display_read(db, &v) != 0)
        return reply_internal(req);
    /* the count the screen shows (optional): a hand-in between two of its
     * asks woke no one, and the next ask, with the same seq, was held
     * while the screen showed one fewer waiting, until a call or its
     * timeout */
    if (after >= 0 && v.seq == after && (waiting < 0 || v.waiting == waiting) && h && !req->resumed) {
        enum hold_result hr = http_hold(req, h, gen, (long)wait * 1000);
        if (hr == HOLD_HELD) {
            free(v.json);
            return MHD_YES;
        }
        if (hr == HOLD_CHANGED) {
            free(v.json);
            if (display_read(db, &v) != 0)
                return reply_internal(req);
        }
        /* HOLD_FULL, HOLD_CLOSED: what there is now */
    }
    /* the day too: at midnight the calls go without seq or waiting moving
     * (a screen polling with the tag kept yesterday's calls) */
    snprintf(etag, sizeof etag, "\"c%lld-w%ld-d%.4s%.2s%.2s\"", (long long)v.seq, v.waiting, v.day,
             v.day + 5, v.day + 8);
    if (after < 0 && http_etag_matches(req, etag)) {
        free(v.json);
        r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
        if (r && (MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag) != MHD_YES ||
                  MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache") !=
                      MHD_YES)) {
            MHD_destroy_response(r);
            r = NULL;
        }
        return http_reply_response(req, MHD_HTTP_NOT_MODIFIED, r);
    }
    return http_reply_ref(req, MHD_HTTP_OK, "application/json", v.json, strlen(v.json), etag,
                          api_display_free, v.json);
}

enum MHD_Result page_display(struct http_request *req)
{
    return assets_serve(req, "display.html");
}
