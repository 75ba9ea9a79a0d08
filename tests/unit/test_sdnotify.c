/* sdnotify (src/sdnotify.c): the datagram to $NOTIFY_SOCKET, a path or an
 * abstract name, what is refused as malformed, and the watchdog period read
 * from $WATCHDOG_USEC and $WATCHDOG_PID. This test is the service manager:
 * it binds the socket itself. Criterion runs each test in its own process,
 * so the environment set here goes no further. */
#include <criterion/criterion.h>

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "sdnotify.h"

/* a datagram socket bound to name (a path, or "@..." abstract), as
 * systemd's; the address as sdnotify_send must form it */
static int bind_notify(const char *name)
{
    struct sockaddr_un sa;
    size_t n = strlen(name);
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

    cr_assert_geq(fd, 0);
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, name, n);
    if (name[0] == '@')
        sa.sun_path[0] = '\0';
    cr_assert_eq(bind(fd, (struct sockaddr *)&sa,
                      (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (name[0] == '/'))),
                 0, "bind %s: %s", name, strerror(errno));
    return fd;
}

static void expect_datagram(int fd, const char *want)
{
    char buf[256];
    ssize_t n = recv(fd, buf, sizeof buf - 1, MSG_DONTWAIT);

    cr_assert_eq(n, (ssize_t)strlen(want), "received %zd bytes", n);
    buf[n] = '\0';
    cr_assert_str_eq(buf, want);
}

/* the lowest free descriptor: the same before and after when none leaks */
static int lowest_free_fd(void)
{
    int fd = dup(0);

    cr_assert_geq(fd, 0);
    close(fd);
    return fd;
}

Test(sdnotify, unset_or_empty_does_nothing)
{
    unsetenv("NOTIFY_SOCKET");
    cr_assert_eq(sdnotify_send("READY=1"), 0);
    setenv("NOTIFY_SOCKET", "", 1);
    cr_assert_eq(sdnotify_send("READY=1"), 0);
}

Test(sdnotify, sends_to_a_path)
{
    char dir[] = "/tmp/spk-sdnotify-XXXXXX", path[128];
    int fd, before;

    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/notify", dir);
    fd = bind_notify(path);
    setenv("NOTIFY_SOCKET", path, 1);
    before = lowest_free_fd();
    cr_assert_eq(sdnotify_send("READY=1\nSTATUS=serving"), 1);
    expect_datagram(fd, "READY=1\nSTATUS=serving");
    cr_assert_eq(sdnotify_send("WATCHDOG=1"), 1);
    expect_datagram(fd, "WATCHDOG=1");
    cr_assert_eq(lowest_free_fd(), before, "no descriptor kept open");
    close(fd);
    unlink(path);
    /* the manager gone: -1, and still no descriptor kept */
    before = lowest_free_fd();
    cr_assert_eq(sdnotify_send("WATCHDOG=1"), -1);
    cr_assert_eq(lowest_free_fd(), before);
    rmdir(dir);
}

/* an abstract name has no NUL at its end: one byte more is another name */
Test(sdnotify, sends_to_an_abstract_name)
{
    char name[64];
    int fd;

    snprintf(name, sizeof name, "@spkiosk-sdnotify-test-%ld", (long)getpid());
    fd = bind_notify(name);
    setenv("NOTIFY_SOCKET", name, 1);
    cr_assert_eq(sdnotify_send("STOPPING=1"), 1);
    expect_datagram(fd, "STOPPING=1");
    close(fd);
}

Test(sdnotify, malformed_is_einval)
{
    char longest[110];
    static const char *const bad[] = {"relative.sock", "/", "@"};

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        setenv("NOTIFY_SOCKET", bad[i], 1);
        errno = 0;
        cr_assert_eq(sdnotify_send("READY=1"), -1, "%s", bad[i]);
        cr_assert_eq(errno, EINVAL, "%s: %s", bad[i], strerror(errno));
    }
    /* 108 bytes: past the 107 a sun_path holds with room for its NUL */
    memset(longest, 'x', sizeof longest);
    longest[0] = '@';
    longest[108] = '\0';
    setenv("NOTIFY_SOCKET", longest, 1);
    errno = 0;
    cr_assert_eq(sdnotify_send("READY=1"), -1);
    cr_assert_eq(errno, EINVAL, "%s", strerror(errno));
}

static long watchdog(const char *usec, const char *pid)
{
    if (usec)
        setenv("WATCHDOG_USEC", usec, 1);
    else
        unsetenv("WATCHDOG_USEC");
    if (pid)
        setenv("WATCHDOG_PID", pid, 1);
    else
        unsetenv("WATCHDOG_PID");
    return sdnotify_watchdog_ms();
}

Test(sdnotify, watchdog_period)
{
    cr_assert_eq(watchdog(NULL, NULL), 0);
    cr_assert_eq(watchdog("", NULL), 0);
    cr_assert_eq(watchdog("2000000", NULL), 2000);
    /* a millisecond to a day, both ends included */
    cr_assert_eq(watchdog("1000", NULL), 1);
    cr_assert_eq(watchdog("999", NULL), 0);
    cr_assert_eq(watchdog("86400000000", NULL), 86400000);
    cr_assert_eq(watchdog("86400000001", NULL), 0);
    cr_assert_eq(watchdog("2000000x", NULL), 0);
    cr_assert_eq(watchdog("99999999999999999999999", NULL), 0);
    /* strtoull would read this as 2000 */
    cr_assert_eq(watchdog("-18446744073709549616", NULL), 0);
}

Test(sdnotify, watchdog_pid)
{
    char pid[32];

    cr_assert_eq(watchdog("2000000", ""), 2000, "an empty WATCHDOG_PID is as unset");
    snprintf(pid, sizeof pid, "%ld", (long)getpid());
    cr_assert_eq(watchdog("2000000", pid), 2000);
    snprintf(pid, sizeof pid, "%ldx", (long)getpid());
    cr_assert_eq(watchdog("2000000", pid), 0);
    snprintf(pid, sizeof pid, "%ld", (long)getpid() + 1);
    cr_assert_eq(watchdog("2000000", pid), 0);
}

/* The journal's stream: the descriptor $JOURNAL_STREAM names by device and
 * inode, and no other (a terminal's shell inherits the variable from a
 * desktop's service while writing elsewhere). */
Test(sdnotify, journal_stream)
{
    int p[2], q[2];
    struct stat st;
    char v[64];

    cr_assert_eq(pipe(p), 0);
    cr_assert_eq(pipe(q), 0);
    cr_assert_eq(fstat(p[1], &st), 0);
    snprintf(v, sizeof v, "%llu:%llu", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
    unsetenv("JOURNAL_STREAM");
    cr_assert_eq(sdnotify_is_journal(p[1]), 0, "unset");
    setenv("JOURNAL_STREAM", v, 1);
    cr_assert_eq(sdnotify_is_journal(p[1]), 1);
    cr_assert_eq(sdnotify_is_journal(q[1]), 0, "another pipe");
    cr_assert_eq(sdnotify_is_journal(-1), 0, "no descriptor");
    setenv("JOURNAL_STREAM", "x:y", 1);
    cr_assert_eq(sdnotify_is_journal(p[1]), 0, "malformed");
    close(p[0]);
    close(p[1]);
    close(q[0]);
    close(q[1]);
}
