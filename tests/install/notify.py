#!/usr/bin/env python3
"""The daemon's systemd notifications (src/sdnotify.c), without systemd:
this test is the service manager. It binds a unix datagram socket, starts
`spkiosk serve` with NOTIFY_SOCKET naming it and WATCHDOG_USEC set, and
expects READY=1 (only after the listening line), WATCHDOG=1, and STOPPING=1
after SIGTERM. Then it runs the daemon without NOTIFY_SOCKET and checks
that nothing arrives and it still serves. Usage: notify.py SPKIOSK_BIN"""
import os, shutil, signal, socket, subprocess, sys, tempfile, urllib.request

BIN = os.path.abspath(sys.argv[1])
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WAIT = 60  # seconds: generous, only a bound on a hung daemon, never a measure
failed = 0


def check(ok, what):
    global failed
    print(("ok     " if ok else "FAILED ") + what)
    if not ok:
        failed += 1


def start(tmp, env):
    p = subprocess.Popen([BIN, "serve", "--listen", "127.0.0.1:0", "--db", tmp + "/db/x.db",
                          "--procedures", ROOT + "/procedures"], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    port = None
    for line in p.stderr:
        if "listening on http://" in line:
            port = int(line.rsplit(":", 1)[1])
            break
    return p, port


def messages(sock):
    """Datagrams until the socket is quiet for WAIT seconds or closed."""
    try:
        return sock.recv(4096).decode()
    except socket.timeout:
        return None


tmp = tempfile.mkdtemp(prefix="spk-notify-")
try:
    path = tmp + "/notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(WAIT)
    env = dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC="2000000")
    env.pop("WATCHDOG_PID", None)
    p, port = start(tmp, env)
    check(port is not None, "the daemon listens")
    # READY=1 is sent after the listening line, so it is queued by now or soon
    first = messages(sock)
    check(first is not None and "READY=1" in first.split("\n"), "READY=1 arrives: %r" % first)
    with urllib.request.urlopen("http://127.0.0.1:%d/healthz" % port, timeout=WAIT) as r:
        check(r.status == 200, "it serves once it said READY=1")
    seen = []
    while True:
        m = messages(sock)
        if m is None:
            break
        seen.append(m)
        if m == "WATCHDOG=1":
            break
    check("WATCHDOG=1" in seen, "WATCHDOG=1 arrives with WATCHDOG_USEC set: %r" % seen)
    p.send_signal(signal.SIGTERM)
    rest = []
    while True:
        m = messages(sock)
        if m is None:
            break
        rest.append(m)
        if "STOPPING=1" in m:
            break
    check(any("STOPPING=1" in m for m in rest), "STOPPING=1 after SIGTERM: %r" % rest)
    check(p.wait(WAIT) == 0, "a clean exit after SIGTERM")

    # WATCHDOG_PID of another process: the watchdog is not ours, no pings
    env = dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC="2000000", WATCHDOG_PID="1")
    p, port = start(tmp, env)
    got = []
    while True:
        m = messages(sock)
        if m is None:
            break
        got.append(m)
        if "READY=1" in m:
            break
    p.send_signal(signal.SIGTERM)
    while True:
        m = messages(sock)
        if m is None:
            break
        got.append(m)
        if "STOPPING=1" in m:
            break
    p.wait(WAIT)
    check(got and "WATCHDOG=1" not in got and "STOPPING=1" in got[-1],
          "no WATCHDOG=1 when WATCHDOG_PID names another process: %r" % got)

    # no NOTIFY_SOCKET: the daemon serves and says nothing
    env = {k: v for k, v in os.environ.items() if k not in ("NOTIFY_SOCKET", "WATCHDOG_USEC")}
    p, port = start(tmp, env)
    with urllib.request.urlopen("http://127.0.0.1:%d/healthz" % port, timeout=WAIT) as r:
        check(r.status == 200, "serves without NOTIFY_SOCKET")
    p.send_signal(signal.SIGTERM)
    check(p.wait(WAIT) == 0, "a clean exit without NOTIFY_SOCKET")
    sock.settimeout(0)
    try:
        stray = sock.recv(4096)
    except BlockingIOError:
        stray = None
    check(stray is None, "nothing sent without NOTIFY_SOCKET: %r" % stray)
finally:
    shutil.rmtree(tmp, ignore_errors=True)
print("notify: %s" % ("%d failed" % failed if failed else "all passed"))
sys.exit(1 if failed else 0)
