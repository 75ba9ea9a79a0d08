/* xff: the client behind a trusted reverse proxy (serve --trusted-proxy,
 * issue #13 item 4), as pure functions of strings: an address or CIDR
 * parsed, a set of them matched, and an X-Forwarded-For value read from
 * the right. http.c uses them for every per-address rule; conns.c to
 * exempt a proxy from --max-per-address; tests/fuzz/fuzz_http.c calls them
 * with anything.
 *
 * Addresses are kept as 16 bytes, IPv4 as ::ffff:a.b.c.d (and a v4 prefix
 * length as 96 more), so one comparison serves both families.
 */
#ifndef SPK_XFF_H
#define SPK_XFF_H

#include <stdbool.h>
#include <stddef.h>

#define XFF_NETS_MAX 32     /* --trusted-proxy (and --hall-network) given at most this often */
#define XFF_ENTRIES_MAX 16  /* entries of X-Forwarded-For read from the right */
#define XFF_ENTRY_MAX 64    /* bytes of one entry (an IPv6 in brackets with a port fits) */

struct xff_net {
    unsigned char addr[16]; /* the bits past prefix are zero */
    unsigned prefix;        /* 0..128 */
};

struct xff_set {
    struct xff_net nets[XFF_NETS_MAX];
    size_t n;
};

/* An address (IPv4 dotted quad, IPv6 text) or CIDR ("10.0.0.0/8",
 * "fd00::/8") into *out. Returns 0, or -1 for anything else (host bits set
 * past the prefix are refused: "10.0.0.1/8" is likely a mistake). */
int xff_net_parse(const char *s, struct xff_net *out);

/* Adds a parsed net to set. Returns 0, -1 when the set is full. */
int xff_set_add(struct xff_set *set, const struct xff_net *net);

/* Whether addr (16 bytes) lies in one of set's nets; false for an empty
 * or NULL set. */
bool xff_set_contains(const struct xff_set *set, const unsigned char addr[16]);

/* One X-Forwarded-For entry, s[0..n), spaces around it allowed: a bare
 * IPv4 or IPv6 address, "[v6]", "[v6]:port" or "v4:port" (proxies that add
 * the port). Returns 0 with the address in out, -1 for anything else
 * (a name, "unknown", an obfuscated "_id", junk, over XFF_ENTRY_MAX). */
int xff_addr_parse(const char *s, size_t n, unsigned char out[16]);

/* The client of a request that came from a trusted proxy: the right-most
 * entry of the X-Forwarded-For value s[0..n) that is not itself in
 * trusted (each proxy appends the address it got the request from, so
 * entries to the left of the first untrusted one are whatever the client
 * chose to send and are never read). When every entry is trusted, the
 * left-most read. Returns 0 with the address in out; -1 when the value is
 * empty, or the entry reached is not an address, or XFF_ENTRIES_MAX
 * entries are all trusted: the caller then uses the proxy's own address. */
int xff_client(const char *s, size_t n, const struct xff_set *trusted, unsigned char out[16]);

/* addr (16 bytes) as text in out (cap at least 46): IPv4-mapped ones as a
 * dotted quad. Returns 0, -1 when it does not fit. */
int xff_addr_format(const unsigned char addr[16], char *out, size_t cap);

#endif
