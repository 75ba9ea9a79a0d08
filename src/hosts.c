/* hosts: the allowed Host names (see include/hosts.h). A small fixed list
 * compared in full: there are a handful of names, and a request's Host is
 * bounded before it is looked at.
 */
#include "hosts.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* localhost even before hosts_setup (a test serving without it) */
static char hosts_names[HOSTS_MAX][HOSTS_NAME_MAX + 1] = {"localhost"};
static size_t hosts_n = 1;

bool hosts_name_valid(const char *name)
{
    size_t i;

    for (i = 0; name[i]; i++)
        if (i >= HOSTS_NAME_MAX ||
            !((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
              (name[i] >= '0' && name[i] <= '9') || name[i] == '-' || name[i] == '.'))
            return false;
    return i > 0;
}

bool hosts_listen_valid(const char *v)
{
    const char *colon = strrchr(v, ':'), *p;
    char host[HOSTS_NAME_MAX + 1];
    unsigned char addr[sizeof(struct in6_addr)];
    size_t n;
    long port = 0;

    if (!colon || colon == v || !colon[1])
        return false;
    /* a port past 65535 was wrapped to 16 bits by the socket layer: 99999
     * listened on 34463 without a word */
    for (p = colon + 1; *p; p++) {
        if (*p < '0' || *p > '9' || p - colon > 5)
            return false;
        port = port * 10 + (*p - '0');
    }
    if (port > 65535)
        return false;
    n = (size_t)(colon - v);
    if (v[0] == '[') {
        if (n < 3 || v[n - 1] != ']' || n - 2 > HOSTS_NAME_MAX)
            return false;
        memcpy(host, v + 1, n - 2);
        host[n - 2] = '\0';
        return inet_pton(AF_INET6, host, addr) == 1;
    }
    if (n > HOSTS_NAME_MAX)
        return false;
    memcpy(host, v, n);
    host[n] = '\0';
    return inet_pton(AF_INET, host, addr) == 1 || hosts_name_valid(host);
}

/* name[0..n) lower-cased, without a trailing dot, into out; false when it
 * does not fit. */
static bool hosts_norm(const char *name, size_t n, char out[HOSTS_NAME_MAX + 1])
{
    size_t i;

    if (n > 0 && name[n - 1] == '.')
        n--;
    if (n == 0 || n > HOSTS_NAME_MAX)
        return false;
    for (i = 0; i < n; i++)
        out[i] = (name[i] >= 'A' && name[i] <= 'Z') ? (char)(name[i] - 'A' + 'a') : name[i];
    out[n] = '\0';
    return true;
}

/* Adds name[0..n) when it is a valid name not yet listed. Returns 0, or -1
 * when the list is full. Names that are not valid are skipped (an
 * address, "*", a hostname the system spells oddly): an address is
 * allowed anyway. */
static int hosts_add(const char *name, size_t n)
{
    char norm[HOSTS_NAME_MAX + 1];
    size_t i;

    if (!hosts_norm(name, n, norm) || !hosts_name_valid(norm))
        return 0;
    for (i = 0; i < hosts_n; i++)
        if (strcmp(hosts_names[i], norm) == 0)
            return 0;
    if (hosts_n == HOSTS_MAX)
        return -1;
    memcpy(hosts_names[hosts_n++], norm, strlen(norm) + 1);
    return 0;
}

/* The host of an authority "HOST", "HOST:PORT", "[V6]" or "[V6]:PORT"
 * (userinfo already cut): its start and length in *h, *hn. Returns false
 * when it has no such shape. */
static bool hosts_split(const char *auth, size_t n, const char **h, size_t *hn)
{
    const char *colon;

    if (n > 0 && auth[0] == '[') {
        const char *end = memchr(auth, ']', n);
        if (!end || (end + 1 < auth + n && end[1] != ':'))
            return false;
        *h = auth;
        *hn = (size_t)(end - auth) + 1;
        return true;
    }
    colon = memchr(auth, ':', n);
    if (colon && memchr(colon + 1, ':', n - (size_t)(colon - auth) - 1))
        return false;   /* a bare IPv6 address is not a Host */
    *h = auth;
    *hn = colon ? (size_t)(colon - auth) : n;
    return true;
}

/* The host of url (http://[user@]HOST[:PORT][/...]) added. */
static int hosts_add_url(const char *url)
{
    const char *a = strstr(url, "://"), *end, *at;
    const char *h;
    size_t hn;

    if (!a)
        return 0;
    a += 3;
    end = a + strcspn(a, "/?#");
    if ((at = memchr(a, '@', (size_t)(end - a))))
        a = at + 1;
    if (!hosts_split(a, (size_t)(end - a), &h, &hn))
        return 0;
    return hosts_add(h, hn);
}

int hosts_setup(const char *listen, const char *public_url, const char *const *extra, size_t n,
                char *err, size_t errlen)
{
    char me[HOSTS_NAME_MAX + 2];
    size_t i;
    int rc = 0;

    hosts_n = 0;
    rc |= hosts_add("localhost", 9);
    /* the machine's own name, as a hall's PCs may know it */
    if (gethostname(me, sizeof me) == 0) {
        me[sizeof me - 1] = '\0';
        rc |= hosts_add(me, strlen(me));
        rc |= hosts_add(me, strcspn(me, "."));
    }
    if (listen) {
        const char *colon = strrchr(listen, ':');
        rc |= hosts_add(listen, colon ? (size_t)(colon - listen) : strlen(listen));
    }
    if (public_url)
        rc |= hosts_add_url(public_url);
    for (i = 0; i < n; i++) {
        if (!hosts_name_valid(extra[i])) {
            snprintf(err, errlen, "--host takes a name (letters, digits, '-' and '.'), got %.64s",
                     extra[i]);
            return -1;
        }
        rc |= hosts_add(extra[i], strlen(extra[i]));
    }
    if (rc != 0) {
        snprintf(err, errlen, "at most %d host names", HOSTS_MAX);
        return -1;
    }
    return 0;
}

/* Whether norm (hosts_norm's form) is one of the names set up. */
static bool hosts_listed(const char *norm)
{
    size_t i;

    for (i = 0; i < hosts_n; i++)
        if (strcmp(hosts_names[i], norm) == 0)
            return true;
    return false;
}

bool hosts_allowed(const char *host)
{
    char norm[HOSTS_NAME_MAX + 1];
    unsigned char ip[16];
    const char *h;
    size_t hn, n;

    if (!host)
        return true;
    n = strlen(host);
    if (n > HOSTS_NAME_MAX + 8 || !hosts_split(host, n, &h, &hn) || !hosts_norm(h, hn, norm))
        return false;
    if (norm[0] == '[') {
        norm[strlen(norm) - 1] = '\0';
        return inet_pton(AF_INET6, norm + 1, ip) == 1;
    }
    return inet_pton(AF_INET, norm, ip) == 1 || hosts_listed(norm);
}

bool hosts_named(const char *host)
{
    char norm[HOSTS_NAME_MAX + 1];
    unsigned char ip[4];
    const char *h, *p;
    size_t hn, n;

    if (!host)
        return false;
    n = strlen(host);
    if (n > HOSTS_NAME_MAX + 8 || !hosts_split(host, n, &h, &hn) || !hosts_norm(h, hn, norm) ||
        norm[0] == '[' || inet_pton(AF_INET, norm, ip) == 1)
        return false;
    /* a port, if any, is digits: "127.0.0.1:80.evil.example" is not ours */
    if (hn < n) {
        for (p = host + hn + 1; *p; p++)
            if (*p < '0' || *p > '9' || p - (host + hn) > 5)
                return false;
        if (p == host + hn + 1)
            return false;
    }
    return hosts_listed(norm);
}
