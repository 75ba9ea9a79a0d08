/* srcaddr: an LD_PRELOAD shim for bench/attack/floods.mjs (docs/reliability.md
 * §15). slowhttptest cannot choose its source address, and one address is
 * held to --max-per-address connections: so that one slowhttptest looks like
 * many clients, each IPv4 connect() to 127.0.0.0/8 is first bound to the
 * next of SPK_SRC_COUNT addresses from SPK_SRC_FIRST (default 127.0.0.10,
 * 50 of them), round robin. Built by the bench script:
 *   cc -shared -fPIC -O2 -o srcaddr.so srcaddr.c -ldl
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/socket.h>

int connect(int fd, const struct sockaddr *sa, socklen_t len)
{
    static int (*real)(int, const struct sockaddr *, socklen_t);
    static atomic_uint next;
    const char *first = getenv("SPK_SRC_FIRST"), *count = getenv("SPK_SRC_COUNT");
    struct sockaddr_in me = {.sin_family = AF_INET};
    unsigned n = count ? (unsigned)strtoul(count, NULL, 10) : 50;

    if (!real)
        real = (int (*)(int, const struct sockaddr *, socklen_t))dlsym(RTLD_NEXT, "connect");
    if (sa && sa->sa_family == AF_INET && len >= sizeof me && n > 0 &&
        (ntohl(((const struct sockaddr_in *)(const void *)sa)->sin_addr.s_addr) >> 24) == 127 &&
        inet_pton(AF_INET, first ? first : "127.0.0.10", &me.sin_addr) == 1) {
        me.sin_addr.s_addr = htonl(ntohl(me.sin_addr.s_addr) + atomic_fetch_add(&next, 1) % n);
        /* a socket bound already keeps its address: the error is harmless */
        (void)bind(fd, (struct sockaddr *)&me, sizeof me);
    }
    return real(fd, sa, len);
}
