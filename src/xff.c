/* xff: trusted proxies and X-Forwarded-For (see xff.h). No allocation, no
 * state: every input is bounded here (XFF_ENTRY_MAX per entry,
 * XFF_ENTRIES_MAX entries), whatever the header's length.
 */
#include "xff.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* text of n bytes (no NUL needed) as an address of either family */
static int xff_text_addr(const char *s, size_t n, unsigned char out[16])
{
    char buf[XFF_ENTRY_MAX + 1];
    unsigned char v4[4];

    if (n == 0 || n > XFF_ENTRY_MAX || memchr(s, '\0', n))
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (inet_pton(AF_INET, buf, v4) == 1) {
        memset(out, 0, 10);
        out[10] = out[11] = 0xff;
        memcpy(out + 12, v4, 4);
        return 0;
    }
    return inet_pton(AF_INET6, buf, out) == 1 ? 0 : -1;
}

static bool xff_is_v4(const unsigned char a[16])
{
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

    return memcmp(a, mapped, 12) == 0;
}

static bool xff_in_net(const struct xff_net *net, const unsigned char a[16])
{
    unsigned full = net->prefix / 8, rest = net->prefix % 8;

    if (memcmp(net->addr, a, full) != 0)
        return false;
    if (rest == 0)
        return true;
    return ((net->addr[full] ^ a[full]) & (unsigned char)(0xff00u >> rest)) == 0;
}

int xff_net_parse(const char *s, struct xff_net *out)
{
    const char *slash = strchr(s, '/');
    size_t n = slash ? (size_t)(slash - s) : strlen(s);
    unsigned long len;
    unsigned max, i;
    char *end;

    if (xff_text_addr(s, n, out->addr) != 0 || memchr(s, ' ', n))
        return -1;
    max = xff_is_v4(out->addr) ? 32 : 128;
    len = max;
    if (slash) {
        if (slash[1] < '0' || slash[1] > '9' || strlen(slash + 1) > 3)
            return -1;
        len = strtoul(slash + 1, &end, 10);
        if (*end || len > max)
            return -1;
    }
    out->prefix = (unsigned)len + (max == 32 ? 96 : 0);
    /* host bits must be zero */
    for (i = out->prefix; i < 128; i++)
        if (out->addr[i / 8] & (0x80u >> (i % 8)))
            return -1;
    return 0;
}

int xff_set_add(struct xff_set *set, const struct xff_net *net)
{
    if (set->n >= XFF_NETS_MAX)
        return -1;
    set->nets[set->n++] = *net;
    return 0;
}

bool xff_set_contains(const struct xff_set *set, const unsigned char addr[16])
{
    size_t i;

    if (!set)
        return false;
    for (i = 0; i < set->n; i++)
        if (xff_in_net(&set->nets[i], addr))
            return true;
    return false;
}

static bool xff_port(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || n > 5)
        return false;
    for (i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

int xff_addr_parse(const char *s, size_t n, unsigned char out[16])
{
    const char *colon;

    /* spaces count: what xff_client reads is bounded by entries x bytes */
    if (n > XFF_ENTRY_MAX)
        return -1;
    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n == 0)
        return -1;
    if (s[0] == '[') {
        const char *close = memchr(s, ']', n);
        size_t after;
        if (!close)
            return -1;
        after = n - (size_t)(close - s) - 1;
        if (after && (close[1] != ':' || !xff_port(close + 2, after - 1)))
            return -1;
        /* only IPv6 goes in brackets (an IPv4-mapped one included) */
        if (!memchr(s + 1, ':', (size_t)(close - s) - 1))
            return -1;
        return xff_text_addr(s + 1, (size_t)(close - s) - 1, out);
    }
    colon = memchr(s, ':', n);
    /* one colon: IPv4 with a port; more: IPv6 */
    if (colon && !memchr(colon + 1, ':', n - (size_t)(colon - s) - 1)) {
        if (!xff_port(colon + 1, n - (size_t)(colon - s) - 1) ||
            xff_text_addr(s, (size_t)(colon - s), out) != 0 || !xff_is_v4(out))
            return -1;
        return 0;
    }
    return xff_text_addr(s, n, out);
}

int xff_client(const char *s, size_t n, const struct xff_set *trusted, unsigned char out[16])
{
    unsigned char a[16];
    size_t end = n, entries = 0;

    while (entries < XFF_ENTRIES_MAX) {
        size_t start = end;
        while (start > 0 && s[start - 1] != ',')
            start--;
        if (xff_addr_parse(s + start, end - start, a) != 0)
            return -1;
        entries++;
        memcpy(out, a, 16);
        if (!xff_set_contains(trusted, a))
            return 0;
        if (start == 0)
            return 0; /* all trusted: the left-most is as far as we know */
        end = start - 1;
    }
    return -1;
}

int xff_addr_format(const unsigned char addr[16], char *out, size_t cap)
{
    const char *r;

    if (xff_is_v4(addr))
        r = inet_ntop(AF_INET, addr + 12, out, (socklen_t)cap);
    else
        r = inet_ntop(AF_INET6, addr, out, (socklen_t)cap);
    return r ? 0 : -1;
}
