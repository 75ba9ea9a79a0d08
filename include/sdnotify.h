/* sdnotify: tells systemd how the service is doing (sd_notify(3)'s
 * protocol, which systemd documents as a stable interface: one datagram of
 * "KEY=VALUE\n" lines to the unix socket named by $NOTIFY_SOCKET). Written
 * here rather than linked from libsystemd: the protocol is a sendto(), and
 * the daemon then runs the same with or without systemd installed.
 * Without $NOTIFY_SOCKET every function does nothing.
 */
#ifndef SPK_SDNOTIFY_H
#define SPK_SDNOTIFY_H

/* Sends msg (e.g. "READY=1\nSTATUS=listening") to $NOTIFY_SOCKET: a path
 * ("/run/...") or an abstract name ("@..."), at most 107 bytes. Returns 1
 * when sent, 0 when $NOTIFY_SOCKET is unset or empty, -1 when it is
 * malformed or the send failed (errno set; nothing is logged: the caller
 * decides whether that matters). */
int sdnotify_send(const char *msg);

/* The watchdog period the service manager asks for: $WATCHDOG_USEC in ms
 * when it is set, a positive number, and $WATCHDOG_PID is unset or is this
 * process's pid; otherwise 0 (no watchdog, send no WATCHDOG=1). The
 * caller should ping at least twice per period. */
long sdnotify_watchdog_ms(void);

/* 1 when the descriptor fd is the journal's stream that systemd handed a
 * unit's process ($JOURNAL_STREAM, "DEVICE:INODE", names it), else 0 (no
 * variable, a malformed one, or another file: a terminal of a shell that
 * inherited the variable from a desktop's service). Whoever reads what is
 * written there reads the journal, not the command line that ran it: the
 * unit's own lines are the way to change it. Never fails. */
int sdnotify_is_journal(int fd);

#endif
