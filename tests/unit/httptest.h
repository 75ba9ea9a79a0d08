/* One HTTP exchange with a daemon of the test's own on 127.0.0.1:port,
 * for the unit tests that start http_start in-process. */
#ifndef SPK_TEST_HTTPTEST_H
#define SPK_TEST_HTTPTEST_H

#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Sends head (request line and headers, without the blank line; a Host of
 * ours unless head names one, and Connection: close) and reads to the end:
 * the bytes read, the whole answer or "" for none, in out[0..cap). */
static inline void httptest_exchange(unsigned port, const char *head, char *out, size_t cap)
{
    struct sockaddr_in sa;
    char req[1024];
    size_t got = 0;
    ssize_t n;
    int fd;

    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert(fd >= 0);
    cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    snprintf(req, sizeof req, "%s\r\n%sConnection: close\r\n\r\n", head,
             strstr(head, "Host:") ? "" : "Host: 127.0.0.1\r\n");
    cr_assert_eq(write(fd, req, strlen(req)), (ssize_t)strlen(req));
    while (got < cap - 1 && (n = read(fd, out + got, cap - 1 - got)) > 0)
        got += (size_t)n;
    close(fd);
    out[got] = '\0';
}

#endif
