/* conns: the table of open connections, their deadlines, the room kept for
 * new addresses, and the budget of request bodies in memory (see conns.h).
 *
 * A slot is only ever shut down while the table's lock is held, and
 * libmicrohttpd tells us of a close (MHD_CONNECTION_NOTIFY_CLOSED, which
 * frees the slot under the same lock) before it closes the socket: the
 * descriptor we shut down is still that connection's, never a reused one.
 */
#include "conns.h"

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "logline.h"

enum conns_phase {
    CONNS_FREE,
    CONNS_NEW,          /* opened, its first request's headers not yet complete */
    CONNS_BODY,         /* headers complete, body arriving */
    CONNS_HANDLING,     /* being answered or held: only the inactivity timeout */
    CONNS_IDLE,         /* kept alive after a request, waiting for the next */
    CONNS_SENDING,      /* its answer queued and going out */
};

struct conns_slot {
    enum conns_phase phase;
    int fd;
    bool shut;                  /* shut down by us, its close not yet seen */
    unsigned char addr[16];     /* IPv4 as ::ffff:a.b.c.d */
    uint64_t since_ns;          /* start of the current phase */
    size_t received;            /* body bytes of the current request */
};

static struct conns_limits conns_lim;
static struct conns_slot *conns_tab;
static size_t *conns_free_list;     /* indices of free slots, a stack */
static size_t conns_n_free;
static unsigned conns_open;         /* slots in use */
static unsigned conns_shut_pending; /* of those, shut down by us */
static unsigned long conns_closed_late, conns_closed_room;  /* for the log */
static uint64_t conns_logged_ns;
static pthread_mutex_t conns_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t conns_wake = PTHREAD_COND_INITIALIZER;
static pthread_t conns_thread;
static bool conns_running, conns_stopping;
static atomic_size_t conns_body_used;
static struct xff_set conns_trusted;

/* Connections conns_accept let by that no worker has announced yet: the
 * acceptor (http.c) hands a burst over before the first is taken, and the
 * count per address must see them. Each is filed under its descriptor
 * (conns_handing) and taken off when a worker announces that descriptor
 * (MHD_CONNECTION_NOTIFY_STARTED), however late: a worker inside a handler
 * (a database wait is up to 5 s) announces nothing, and entries forgotten
 * after a second let another cap's worth of one address in every second.
 * One that libmicrohttpd dropped before a worker took it (no memory for its
 * pool) is forgotten when accept4 hands its number out again, which it does
 * lowest first, or after CONNS_PENDING_NS. max_total entries: the acceptor
 * never has more connections open and on their way, so the list does not
 * fill (were it full, its oldest would be forgotten). */
#define CONNS_PENDING_NS (60 * 1000000000ull)
struct conns_pending {
    unsigned char addr[16];
    int fd;
    uint64_t at_ns;         /* 0: a free entry */
};
static struct conns_pending *conns_pending;
/* the descriptor MHD_add_connection is being given on this thread, which
 * conns_accept runs inside */
static _Thread_local int conns_handing_fd = -1;
static size_t conns_n_pending;
/* entries in use: with none (no proxy trusted, so conns_accept is not
 * called) a connection's start does not scan the list */
static size_t conns_pending_live;

#define CONNS_TICK_MS 200
/* How long an answer may be going out before it may be closed to make
 * room (only then, never on its own). Short: a slow-read flood fills the
 * cap in a second, and until its answers pass this age a fresh address is
 * refused; a download that takes longer is a slow client's, and loses its
 * connection only under such a flood, its address holding the most. */
#define CONNS_SENDING_GRACE_NS 1000000000u

static uint64_t conns_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void conns_limits_default(struct conns_limits *l)
{
    const struct conns_limits d = CONNS_LIMITS_DEFAULT;

    *l = d;
}

unsigned conns_high_water(const struct conns_limits *l)
{
    unsigned reserve = l->max_total / 8;

    if (reserve < l->max_per_address)
        reserve = l->max_per_address;
    if (reserve > l->max_total / 2)
        reserve = l->max_total / 2;
    return l->max_total - reserve;
}

size_t conns_body_footprint(size_t n)
{
    size_t cap = 64;

    while (cap < n + 1)
        cap *= 2;
    return cap;
}

bool conns_body_take(size_t n)
{
    size_t used = atomic_load(&conns_body_used);

    do {
        if (n > conns_lim.body_memory || used > conns_lim.body_memory - n)
            return false;
    } while (!atomic_compare_exchange_weak(&conns_body_used, &used, used + n));
    return true;
}

void conns_body_give(size_t n)
{
    atomic_fetch_sub(&conns_body_used, n);
}

static void conns_sa_key(const struct sockaddr *sa, unsigned char key[16])
{
    memset(key, 0, 16);
    if (sa && sa->sa_family == AF_INET) {
        key[10] = key[11] = 0xff;
        memcpy(key + 12, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
    } else if (sa && sa->sa_family == AF_INET6) {
        memcpy(key, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
    }
}

static void conns_addr_key(struct MHD_Connection *conn, unsigned char key[16])
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

    conns_sa_key(ci ? ci->client_addr : NULL, key);
}

void conns_trust(const struct xff_set *trusted)
{
    memset(&conns_trusted, 0, sizeof conns_trusted);
    if (trusted)
        conns_trusted = *trusted;
}

/* Forgets the entries of conns_pending past CONNS_PENDING_NS and the one
 * filed under fd (that connection is gone: its number is being handed out
 * again); returns how many are key's, with *slot a free entry or, the list
 * being full, its oldest. Called with the lock held. */
static unsigned conns_pending_count(const unsigned char key[16], int fd, uint64_t now,
                                    size_t *slot)
{
    unsigned n = 0;
    size_t i, oldest = 0;

    *slot = conns_n_pending;
    for (i = 0; i < conns_n_pending; i++) {
        struct conns_pending *p = &conns_pending[i];
        if (p->at_ns && (p->fd == fd || now < p->at_ns || now - p->at_ns > CONNS_PENDING_NS)) {
            p->at_ns = 0;
            conns_pending_live--;
        }
        if (!p->at_ns) {
            if (*slot == conns_n_pending)
                *slot = i;
            continue;
        }
        if (p->at_ns < conns_pending[oldest].at_ns)
            oldest = i;
        n += memcmp(p->addr, key, 16) == 0;
    }
    if (*slot == conns_n_pending)
        *slot = oldest;
    return n;
}

/* A worker announced the connection on fd: it is no longer on its way.
 * Called with the lock held. */
static void conns_pending_take(int fd)
{
    size_t i;

    if (!conns_pending_live || fd < 0)
        return;
    for (i = 0; i < conns_n_pending; i++)
        if (conns_pending[i].at_ns && conns_pending[i].fd == fd) {
            conns_pending[i].at_ns = 0;
            conns_pending_live--;
            return;
        }
}

void conns_handing(int fd)
{
    conns_handing_fd = fd;
}

enum MHD_Result conns_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
    unsigned char key[16];
    unsigned held;
    size_t i, slot;
    uint64_t now;

    (void)cls;
    if (!addr || addrlen < (socklen_t)sizeof(struct sockaddr_in))
        return MHD_YES;
    conns_sa_key(addr, key);
    if (xff_set_contains(&conns_trusted, key))
        return MHD_YES;
    /* a scan rather than a count per address: only with proxies trusted,
     * and max_total slots of 16 bytes are a few microseconds */
    pthread_mutex_lock(&conns_lock);
    if (!conns_pending) {
        pthread_mutex_unlock(&conns_lock);
        return MHD_YES; /* not started */
    }
    now = conns_now_ns();
    held = conns_pending_count(key, conns_handing_fd, now, &slot);
    for (i = 0; conns_tab && i < conns_lim.max_total && held < conns_lim.max_per_address; i++)
        if (conns_tab[i].phase != CONNS_FREE && memcmp(conns_tab[i].addr, key, 16) == 0)
            held++;
    /* filed under its descriptor; one not named (not the acceptor's) cannot
     * be matched to its announcement, and is not filed */
    if (held < conns_lim.max_per_address && conns_handing_fd >= 0) {
        /* a free entry, or (the list full) its oldest taken over */
        if (!conns_pending[slot].at_ns)
            conns_pending_live++;
        memcpy(conns_pending[slot].addr, key, 16);
        conns_pending[slot].fd = conns_handing_fd;
        /* never 0, which marks a free entry */
        conns_pending[slot].at_ns = now ? now : 1;
    }
    pthread_mutex_unlock(&conns_lock);
    if (held < conns_lim.max_per_address)
        return MHD_YES;
    conns_refused(CONNS_REFUSED_CONNECTION);
    return MHD_NO;
}

/* The moment past which the connection is closed; 0 for none. */
static uint64_t conns_deadline(const struct conns_slot *s)
{
    const uint64_t sec = 1000000000u;

    switch (s->phase) {
    case CONNS_NEW:
        return s->since_ns + conns_lim.header_s * sec;
    case CONNS_IDLE:
        return s->since_ns + (uint64_t)(conns_lim.idle_s + conns_lim.header_s) * sec;
    case CONNS_BODY:
        /* a body keeps its connection as long as it arrives at the
         * minimum rate, after the grace a request's headers have */
        return s->since_ns + conns_lim.header_s * sec +
               (uint64_t)s->received * sec / (conns_lim.body_rate ? conns_lim.body_rate : 1);
    default:
        return 0;
    }
}

/* Called with the lock held. */
static void conns_shut(struct conns_slot *s)
{
    /* an error (the peer has gone already) changes nothing: the close
     * libmicrohttpd sees is what frees the slot */
    (void)shutdown(s->fd, SHUT_RDWR);
    s->shut = true;
    conns_shut_pending++;
}

static int conns_victim_cmp(const void *a, const void *b)
{
    const struct conns_slot *x = &conns_tab[*(const size_t *)a], *y = &conns_tab[*(const size_t *)b];
    int c = memcmp(x->addr, y->addr, 16);

    if (c)
        return c;
    return x->since_ns < y->since_ns ? -1 : x->since_ns > y->since_ns;
}

/* Near the cap: shut down idle connections (waiting for headers or a body,
 * not being answered; or an answer going out for over a second) until the
 * open ones fall below the high-water mark, each time the oldest of the
 * address holding the most, so that a few addresses with many sockets
 * cannot keep a new one out. Called with the lock held. */
static void conns_make_room(size_t *cand, size_t *run_start, size_t *run_len)
{
    unsigned high = conns_high_water(&conns_lim), live = conns_open - conns_shut_pending;
    size_t i, n = 0, runs = 0, *taken = run_len + conns_lim.max_total;
    uint64_t now;

    if (live <= high)
        return;
    now = conns_now_ns();
    /* down to a quarter of the reserve below the mark, not to the mark:
     * under a flood of sockets each pass (a scan and a sort, under the
     * lock every accept and close takes) then makes room for a batch of
     * new connections instead of one (docs/reliability.md §15) */
    high -= (conns_lim.max_total - high) / 4;
    for (i = 0; i < conns_lim.max_total; i++) {
        const struct conns_slot *s = &conns_tab[i];
        /* an answer going out slowly (slow read: a window of a few bytes,
         * or none) would otherwise hold its slot for as long as the client
         * reads a byte per inactivity timeout */
        if (s->phase == CONNS_FREE || s->phase == CONNS_HANDLING || s->shut ||
            (s->phase == CONNS_SENDING && now - s->since_ns < CONNS_SENDING_GRACE_NS))
            continue;
        cand[n++] = i;
    }
    qsort(cand, n, sizeof *cand, conns_victim_cmp);
    for (i = 0; i < n; i++) {
        if (i == 0 || memcmp(conns_tab[cand[i]].addr, conns_tab[cand[i - 1]].addr, 16) != 0) {
            run_start[runs] = i;
            run_len[runs] = 0;
            taken[runs] = 0;
            runs++;
        }
        run_len[runs - 1]++;
    }
    while (live > high) {
        size_t best = runs, left = 0;
        for (i = 0; i < runs; i++)
            if (run_len[i] - taken[i] > left) {
                left = run_len[i] - taken[i];
                best = i;
            }
        if (best == runs)
            break; /* every connection is being answered: nothing idle to close */
        conns_shut(&conns_tab[cand[run_start[best] + taken[best]]]);
        taken[best]++;
        conns_closed_room++;
        live--;
    }
}

static struct logline_every conns_refusals[CONNS_REFUSED_KINDS] = {
    LOGLINE_EVERY_INIT(1000000000u), LOGLINE_EVERY_INIT(1000000000u)};

static void conns_refused_line(enum conns_refusal kind, unsigned long n, uint64_t span_ns)
{
    static const char *const what[CONNS_REFUSED_KINDS] = {
        "refused %lu connection(s) over --max-connections or --max-per-address",
        "answered %lu request(s) 429 (a quota or a login throttle)"};
    char head[128], tail[64];

    snprintf(head, sizeof head, what[kind], n);
    if (span_ns)
        snprintf(tail, sizeof tail, " in the last %.1f s", (double)span_ns / 1e9);
    else
        snprintf(tail, sizeof tail, " (more: at most a line a second)");
    logline_printf("http: %s%s", head, tail);
}

unsigned conns_open_count(void)
{
    unsigned n;

    pthread_mutex_lock(&conns_lock);
    n = (unsigned)conns_open;
    pthread_mutex_unlock(&conns_lock);
    return n;
}

void conns_refused(enum conns_refusal kind)
{
    unsigned long n;
    uint64_t span;

    if (kind < CONNS_REFUSED_KINDS &&
        logline_every_note(&conns_refusals[kind], conns_now_ns(), &n, &span))
        conns_refused_line(kind, n, span);
}

/* At most a line a second under attack; force: the last one, at stop. */
static void conns_log(uint64_t now, bool force)
{
    unsigned long n;
    uint64_t span;
    int k;

    for (k = 0; k < CONNS_REFUSED_KINDS; k++)
        if (logline_every_flush(&conns_refusals[k], force ? conns_now_ns() : now, force, &n, &span))
            conns_refused_line((enum conns_refusal)k, n, span);
    if ((!conns_closed_late && !conns_closed_room) ||
        (!force && now - conns_logged_ns < 1000000000u))
        return;
    /* counts only: which addresses is nobody's business in this log */
    logline_printf("http: closed %lu connection(s) too slow with their headers or body, "
                   "%lu idle one(s) to keep room for new clients",
                   conns_closed_late, conns_closed_room);
    conns_closed_late = conns_closed_room = 0;
    conns_logged_ns = now;
}

static void *conns_main(void *arg)
{
    size_t *work = arg;     /* scratch for conns_make_room: 4 × max_total */
    struct timespec ts;
    uint64_t now;
    size_t i;

    pthread_mutex_lock(&conns_lock);
    while (!conns_stopping) {
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_nsec += CONNS_TICK_MS * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        (void)pthread_cond_timedwait(&conns_wake, &conns_lock, &ts);
        if (conns_stopping)
            break;
        now = conns_now_ns();
        for (i = 0; i < conns_lim.max_total; i++) {
            struct conns_slot *s = &conns_tab[i];
            uint64_t due;
            if (s->phase == CONNS_FREE || s->shut || !(due = conns_deadline(s)) || now < due)
                continue;
            conns_shut(s);
            conns_closed_late++;
        }
        conns_make_room(work, work + conns_lim.max_total, work + 2 * (size_t)conns_lim.max_total);
        conns_log(now, false);
    }
    conns_log(0, true);
    pthread_mutex_unlock(&conns_lock);
    free(work);
    return NULL;
}

/* The watch's tick on the monotonic clock, as every other timed wait here:
 * on the wall clock a step back (NTP, `date`) would stop the deadlines for
 * as long as the step. Called before the thread exists. 0 or -1. */
static int conns_wake_init(void)
{
    pthread_condattr_t ca;
    int r;

    if (pthread_condattr_init(&ca) != 0)
        return -1;
    r = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    if (r == 0) {
        pthread_cond_destroy(&conns_wake);
        r = pthread_cond_init(&conns_wake, &ca);
    }
    pthread_condattr_destroy(&ca);
    return r == 0 ? 0 : -1;
}

int conns_start(const struct conns_limits *l)
{
    size_t i, *work = NULL;
    int rc = -1;

    conns_lim = *l;
    atomic_store(&conns_body_used, 0);
    conns_open = conns_shut_pending = 0;
    conns_stopping = false;
    conns_tab = calloc(l->max_total, sizeof *conns_tab);
    conns_free_list = calloc(l->max_total, sizeof *conns_free_list);
    work = calloc(4 * (size_t)l->max_total, sizeof *work);
    pthread_mutex_lock(&conns_lock);
    conns_pending = calloc(l->max_total, sizeof *conns_pending);
    conns_n_pending = conns_pending ? l->max_total : 0;
    conns_pending_live = 0;
    pthread_mutex_unlock(&conns_lock);
    if (!conns_tab || !conns_free_list || !work || !conns_pending) {
        fprintf(stderr, "spkiosk: out of memory\n");
        goto out;
    }
    for (i = 0; i < l->max_total; i++)
        conns_free_list[i] = l->max_total - 1 - i;
    conns_n_free = l->max_total;
    if (conns_wake_init() != 0) {
        fprintf(stderr, "spkiosk: cannot start the connection watch's clock\n");
        goto out;
    }
    if ((errno = pthread_create(&conns_thread, NULL, conns_main, work)) != 0) {
        fprintf(stderr, "spkiosk: cannot start the connection watch: %s\n", strerror(errno));
        goto out;
    }
    conns_running = true;
    work = NULL; /* the thread's now */
    rc = 0;
out:
    free(work);
    if (rc != 0)
        conns_stop();
    return rc;
}

void conns_stop(void)
{
    if (conns_running) {
        pthread_mutex_lock(&conns_lock);
        conns_stopping = true;
        pthread_cond_signal(&conns_wake);
        pthread_mutex_unlock(&conns_lock);
        pthread_join(conns_thread, NULL);
        conns_running = false;
    }
    free(conns_tab);
    free(conns_free_list);
    conns_tab = NULL;
    conns_free_list = NULL;
    conns_n_free = 0;
    pthread_mutex_lock(&conns_lock);
    free(conns_pending);
    conns_pending = NULL;
    conns_n_pending = conns_pending_live = 0;
    pthread_mutex_unlock(&conns_lock);
}

void conns_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                  enum MHD_ConnectionNotificationCode code)
{
    struct conns_slot *s = *socket_context;
    const union MHD_ConnectionInfo *ci;
    int fd = -1;

    (void)cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        fd = ci ? ci->connect_fd : -1;
    }
    pthread_mutex_lock(&conns_lock);
    /* off the list even when the table has no slot for it */
    if (code == MHD_CONNECTION_NOTIFY_STARTED)
        conns_pending_take(fd);
    if (code == MHD_CONNECTION_NOTIFY_STARTED && conns_n_free > 0) {
        s = &conns_tab[conns_free_list[--conns_n_free]];
        s->fd = fd;
        s->shut = s->fd < 0; /* never shut down what we cannot name */
        s->phase = CONNS_NEW;
        s->since_ns = conns_now_ns();
        s->received = 0;
        conns_addr_key(conn, s->addr);
        *socket_context = s;
        conns_open++;
        if (s->shut)
            conns_shut_pending++;
        /* near the cap, make room now rather than at the next tick */
        if (conns_open - conns_shut_pending > conns_high_water(&conns_lim))
            pthread_cond_signal(&conns_wake);
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED && s) {
        if (s->shut)
            conns_shut_pending--;
        s->phase = CONNS_FREE;
        s->shut = false;
        conns_free_list[conns_n_free++] = (size_t)(s - conns_tab);
        conns_open--;
        *socket_context = NULL;
    }
    pthread_mutex_unlock(&conns_lock);
}

struct conns_slot *conns_slot_of(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

    return ci ? ci->socket_context : NULL;
}

static void conns_set_phase(struct conns_slot *s, enum conns_phase phase)
{
    if (!s)
        return;
    pthread_mutex_lock(&conns_lock);
    s->phase = phase;
    s->since_ns = conns_now_ns();
    s->received = 0;
    pthread_mutex_unlock(&conns_lock);
}

void conns_request_began(struct conns_slot *s)
{
    conns_set_phase(s, CONNS_BODY);
}

void conns_request_body(struct conns_slot *s, size_t received)
{
    if (!s)
        return;
    pthread_mutex_lock(&conns_lock);
    s->received = received;
    pthread_mutex_unlock(&conns_lock);
}

void conns_request_handling(struct conns_slot *s)
{
    conns_set_phase(s, CONNS_HANDLING);
}

void conns_request_sending(struct conns_slot *s)
{
    conns_set_phase(s, CONNS_SENDING);
}

void conns_request_done(struct conns_slot *s)
{
    conns_set_phase(s, CONNS_IDLE);
}
