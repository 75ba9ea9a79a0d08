/* sdnotify: the service manager's readiness and watchdog messages (see
 * include/sdnotify.h). One short datagram per message; nothing kept. */
#include "sdnotify.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int sdnotify_send(const char *msg)
{
    const char *path = getenv("NOTIFY_SOCKET");
    struct sockaddr_un sa;
    size_t plen, mlen = strlen(msg);
    socklen_t salen;
    ssize_t n;
    int fd, rc = -1;

    if (!path || !*path)
        return 0;
    plen = strlen(path);
    if ((path[0] != '/' && path[0] != '@') || plen < 2 || plen >= sizeof sa.sun_path) {
        errno = EINVAL;
        return -1;
    }
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, path, plen);
    if (path[0] == '@')
        sa.sun_path[0] = '\0';      /* an abstract socket: no NUL at its end */
    salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen + (path[0] == '/'));
    if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
        return -1;
    /* MSG_NOSIGNAL: a manager gone away must not raise SIGPIPE */
    n = sendto(fd, msg, mlen, MSG_NOSIGNAL, (const struct sockaddr *)&sa, salen);
    if (n == (ssize_t)mlen)
        rc = 1;
    else if (n >= 0)
        errno = EMSGSIZE;
    close(fd);
    return rc;
}

long sdnotify_watchdog_ms(void)
{
    const char *usec = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");
    unsigned long long us;
    char *end;

    if (!usec || !*usec)
        return 0;
    if (pid && *pid) {
        unsigned long p = strtoul(pid, &end, 10);
        if (*end || p != (unsigned long)getpid())
            return 0;
    }
    errno = 0;
    us = strtoull(usec, &end, 10);
    /* under a millisecond, or past a day: not a period this loop can keep */
    if (errno || *end || *usec == '-' || us < 1000 || us > 86400ULL * 1000000)
        return 0;
    return (long)(us / 1000);
}

int sdnotify_is_journal(int fd)
{
    const char *journal = getenv("JOURNAL_STREAM");
    unsigned long long dev, ino;
    struct stat st;

    if (!journal || sscanf(journal, "%llu:%llu", &dev, &ino) != 2 || fstat(fd, &st) != 0)
        return 0;
    return dev == (unsigned long long)st.st_dev && ino == (unsigned long long)st.st_ino;
}
