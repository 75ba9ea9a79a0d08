/* conns: what slow and idle clients may hold — the deadlines of a
 * connection's headers and body, room kept for new addresses, and the
 * memory all request bodies in flight may take together (issue #12,
 * findings 2 and 3).
 *
 * libmicrohttpd 0.9.75 has only an inactivity timeout (reset by every byte,
 * so a client dripping a header line every few seconds keeps its
 * connection for ever) and fixed connection caps (full of idle sockets, they
 * turn everyone away). This module keeps a table of the open connections,
 * fed by http.c from libmicrohttpd's connection and request callbacks, and
 * a thread that looks at it a few times a second: a connection past its
 * deadline, or an idle one of the address holding the most while the total
 * nears the cap, is shut down (shutdown(2) on its socket: libmicrohttpd then
 * sees the end of the stream and closes it itself, on its own thread).
 */
#ifndef SPK_CONNS_H
#define SPK_CONNS_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "xff.h"

struct conns_limits {
    unsigned max_total;         /* open connections (libmicrohttpd refuses past it) */
    unsigned max_per_address;   /* from one client address */
    unsigned header_s;          /* a new connection's request headers complete within this */
    unsigned idle_s;            /* without a byte either way, a connection is closed; a
                                 * kept-alive one has idle_s + header_s for its next headers */
    unsigned body_rate;         /* bytes per second a body must keep up, after header_s */
    size_t body_memory;         /* bytes all request bodies over CONNS_BODY_SMALL in
                                 * flight may hold together */
};

#define CONNS_MAX_TOTAL 1000u
#define CONNS_MAX_PER_ADDRESS 128u
#define CONNS_HEADER_S 10u
#define CONNS_IDLE_S 30u
#define CONNS_BODY_RATE 2048u
#define CONNS_BODY_MEMORY ((size_t)64 << 20)
/* bounds of the serve options that set them */
#define CONNS_TOTAL_MIN 8u
#define CONNS_TOTAL_MAX 100000u
#define CONNS_SECONDS_MAX 3600u
#define CONNS_BODY_MEMORY_MAX_MIB 4096u

/* The defaults above, as an initializer. */
#define CONNS_LIMITS_DEFAULT                                                              \
    {CONNS_MAX_TOTAL, CONNS_MAX_PER_ADDRESS, CONNS_HEADER_S, CONNS_IDLE_S, CONNS_BODY_RATE, \
     CONNS_BODY_MEMORY}

/* Fills in the defaults above. */
void conns_limits_default(struct conns_limits *l);

/* How many connections, when open, start the closing of idle ones (those
 * of the address holding the most first): the total less a reserve of
 * max(max_total / 8, max_per_address), at most half the total. */
unsigned conns_high_water(const struct conns_limits *l);

/* Takes the limits and starts the watching thread. Returns 0, or -1 with a
 * message on stderr (memory, thread). Call conns_stop after the daemon has
 * stopped (every connection closed). */
int conns_start(const struct conns_limits *l);

/* Refusals that come in floods (issue #13): each is counted, and told in
 * a line at most once a second per kind, with how many it stands for (the
 * watch thread tells the end of a flood; conns_stop the rest). Counts
 * only: no addresses in the log. */
enum conns_refusal {
    CONNS_REFUSED_CONNECTION,   /* over --max-connections or --max-per-address
                                 * (libmicrohttpd closed it unanswered) */
    CONNS_REFUSED_429,          /* answered 429: a quota or a login throttle */
    CONNS_REFUSED_KINDS
};

void conns_refused(enum conns_refusal kind);

/* The reverse proxies (serve --trusted-proxy) that are exempt from
 * max_per_address: all the clients behind one arrive from its address.
 * Copied; call before conns_start. An empty set: none. */
void conns_trust(const struct xff_set *trusted);

/* libmicrohttpd's accept policy, used in place of its own cap per address
 * when proxies are trusted: MHD_NO for a connection from an address that
 * is not a trusted proxy and already holds max_per_address open ones (it
 * is counted as a refusal). The count is of connections libmicrohttpd has
 * announced and of those this let by that no worker has announced yet
 * (the acceptor, http.c, hands a burst over before the first is taken,
 * and a worker busy in a handler announces none), each known by the
 * descriptor conns_handing named; one that libmicrohttpd drops before a
 * worker takes it is counted until its descriptor number is handed over
 * again, or for a minute. */
enum MHD_Result conns_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen);

/* Names the descriptor about to be given to MHD_add_connection on this
 * thread (-1 after it), so that conns_accept, which libmicrohttpd calls
 * inside it, files the connection under it. Without a name a connection
 * let by is not counted as on its way. */
void conns_handing(int fd);
/* Connections open now in the table (all of them unless it was full),
 * for /metrics. */
unsigned conns_open_count(void);

/* Stops the thread and frees the table. Safe when conns_start failed or
 * was not called. */
void conns_stop(void);

/* One tracked connection; NULL when untracked (the table was full), which
 * every function below accepts. */
struct conns_slot;

/* For libmicrohttpd's MHD_OPTION_NOTIFY_CONNECTION: a connection opened
 * (its slot stored in *socket_context) or closed (its slot freed). */
void conns_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                  enum MHD_ConnectionNotificationCode code);

/* The slot of a connection, from its socket context. */
struct conns_slot *conns_slot_of(struct MHD_Connection *conn);

/* The request's headers are complete (the first access-handler call): its
 * body, if any, now runs against the body deadline. */
void conns_request_began(struct conns_slot *s);

/* body bytes received so far by the request on s. */
void conns_request_body(struct conns_slot *s, size_t received);

/* The request is being answered (or held): no deadline but libmicrohttpd's
 * inactivity timeout. */
void conns_request_handling(struct conns_slot *s);

/* The request's answer is queued and going out. Still no deadline, but near
 * the cap an answer that has been going out for over a second (a client
 * reading slowly, or not at all) may be closed to make room, as idle
 * connections are. s may be NULL (then nothing). */
void conns_request_sending(struct conns_slot *s);

/* The request is over; the connection, if kept alive, waits for the next
 * one's headers. */
void conns_request_done(struct conns_slot *s);

/* A body whose footprint is at most this takes nothing from the budget:
 * all of them together are bounded by max_total × this already, and a
 * flood of big bodies then cannot refuse a resident's small one. */
#define CONNS_BODY_SMALL ((size_t)64 << 10)

/* What the request body gathering in memory will take for a body of n
 * bytes (the buffer grows by doubling from 64 bytes). */
size_t conns_body_footprint(size_t n);

/* Takes n bytes from the shared body budget: true, or false (nothing
 * taken) when the budget cannot cover them. */
bool conns_body_take(size_t n);

/* Gives back n bytes taken by conns_body_take. */
void conns_body_give(size_t n);

#endif
