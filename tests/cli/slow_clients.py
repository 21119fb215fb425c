#!/usr/bin/env python3
"""slow_clients.py PORT TOKEN - slow and broken clients against `accord
serve --max-connections 256 --token TOKEN` on 127.0.0.1:PORT
(test_serve.sh starts it).

Every client is on the loopback network (127.0.0.0/8), each "address" a
different 127.0.0.x; every loop is bounded and the script ends by itself in
about twelve seconds. It checks that:

  - 300 half-sent requests from one address leave room: another address is
    answered at once (one address holds at most 256/16 = 16 connections);
  - fourteen more addresses each at their limit bring the server to its
    reserve: a fifteenth gets only LIMITS_FEW (4) connections, and a new
    address is still answered at once;
  - a request line that is not HTTP is refused at once (400 or closed);
  - the server closes every half-sent request after the header timeout
    (5 s), bytes with no line end at all, and a kept-alive connection
    idle after its answer;
  - headers sent a byte a second, never silent for long, are cut at the
    header deadline (10 s in all);
  - a body may be slower than both: --timeout (30 s) applies to it.

Prints what failed and exits 1, or exits 0."""
import select
import socket
import sys
import threading
import time

PORT = int(sys.argv[1])
TOKEN = sys.argv[2]
HALF = b"GET /api/stats HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
PER_ADDRESS = 256 // 16
FEW = 4
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL " + msg, flush=True)


def connect(src):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(2)
    s.bind((src, 0))
    s.connect(("127.0.0.1", PORT))
    return s


def open_half(src, n):
    """n half-sent requests from src; the sockets (some may be closed by
    the server already)."""
    out = []
    for _ in range(n):
        try:
            s = connect(src)
            s.sendall(HALF)
            out.append(s)
        except OSError:
            pass
    return out


def closed_by_server(s, wait=0.0):
    """True when the server closed s (EOF or reset) within wait seconds."""
    try:
        r, _, _ = select.select([s], [], [], wait)
        if not r:
            return False
        return s.recv(4096) == b""
    except OSError:
        return True


def still_open(socks, settle=0.5):
    time.sleep(settle)
    return [s for s in socks if not closed_by_server(s)]


def answered(src, path="/healthz", within=2.0):
    """The status of a whole request from src, or an explanation."""
    t = time.monotonic()
    try:
        s = connect(src)
        s.settimeout(within)
        s.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" % path).encode())
        data = b""
        while b"\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        s.close()
    except OSError as e:
        return "no answer (%s) after %.1f s" % (e, time.monotonic() - t)
    took = time.monotonic() - t
    if not data.startswith(b"HTTP/1.1 "):
        return "no status line (%r) after %.1f s" % (data[:40], took)
    if took > within:
        return "answered after %.1f s" % took
    return int(data[9:12])


started = time.monotonic()
everything = []

# Headers a byte a second, in a thread of its own for 15 s at most.
drip_cut_at = []


def drip():
    s = connect("127.0.0.22")
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Drip: ")
    for _ in range(15):
        if closed_by_server(s, 1.0):
            drip_cut_at.append(time.monotonic() - started)
            break
        try:
            s.sendall(b"a")
        except OSError:
            drip_cut_at.append(time.monotonic() - started)
            break
    s.close()


dripper = threading.Thread(target=drip)
dripper.start()

# A POST whose headers are in and whose body comes in two parts, 11 s apart.
body = b'{"id":"slow-body","text":"This article arrives in two parts, six seconds apart."}'
slow_post = connect("127.0.0.21")
slow_post.sendall(b"POST /api/articles HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN.encode() +
                  b"\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body[:20])

# A kept-alive connection, answered once, then idle.
idle = connect("127.0.0.20")
idle.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
if not idle.recv(4096).startswith(b"HTTP/1.1 200"):
    fail("no answer on a kept-alive connection")
everything.append(idle)

# One address, many half-sent requests.
flood = open_half("127.0.0.1", 300)
everything += flood
kept = still_open(flood)
if len(kept) > PER_ADDRESS:
    fail("one address holds %d half-sent connections, want at most %d" % (len(kept), PER_ADDRESS))
got = answered("127.0.0.2")
if got != 200:
    fail("a second address after 300 half-sent requests from one: %s" % (got,))

# Fourteen more addresses at their limit: 15 * 16 = 240 of 256, into the
# last 32 kept for addresses that hold few.
crowd = []
for i in range(3, 17):
    crowd += open_half("127.0.0.%d" % i, PER_ADDRESS)
everything += crowd
late = open_half("127.0.0.17", PER_ADDRESS)
everything += late
kept_late = still_open(late)
if len(kept_late) > FEW:
    fail("an address got %d connections out of the reserve, want at most %d" % (len(kept_late), FEW))
if len(kept_late) == 0:
    fail("an address holding none got no connection out of the reserve")
got = answered("127.0.0.2")
if got != 200:
    fail("a new address with the server at its reserve: %s" % (got,))

# A request line that is not HTTP: refused at once, a status or a close.
g = connect("127.0.0.18")
g.sendall(b"GARBAGE\r\n\r\n")
t = time.monotonic()
try:
    g.settimeout(1.0)
    data = g.recv(4096)
    if data and not data.startswith(b"HTTP/1.1 400"):
        fail("a garbage request line answered %r" % data[:40])
except OSError as e:
    if not isinstance(e, ConnectionResetError):
        fail("a garbage request line was held %.1f s (%s)" % (time.monotonic() - t, e))
g.close()

# Bytes with no line end (a TLS hello to the plain port, say).
tls = connect("127.0.0.19")
tls.sendall(b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03")
everything.append(tls)

# After the header timeout (5 s) every half-sent request is closed.
deadline = started + 9.0
for s in still_open(everything, 0):
    if not closed_by_server(s, max(0.0, deadline - time.monotonic())):
        fail("a half-sent request is still open %.1f s after it began" % (time.monotonic() - started))
        break
for s in everything:
    s.close()
# The rest of the slow body, after the header timeout and the header
# deadline have passed: they are for headers, not bodies.
time.sleep(max(0.0, started + 11.0 - time.monotonic()))
try:
    slow_post.sendall(body[20:])
    slow_post.settimeout(5)
    got = slow_post.recv(4096)
    if not (got.startswith(b"HTTP/1.1 201") or got.startswith(b"HTTP/1.1 200")):
        fail("a slow body answered %r" % got[:40])
except OSError as e:
    fail("a slow body was cut off: %s" % e)
slow_post.close()

dripper.join()
if not drip_cut_at:
    fail("headers sent a byte a second were still taken after 15 s")
elif drip_cut_at[0] > 12.5:
    fail("headers sent a byte a second were cut after %.1f s, want the 10 s deadline" % drip_cut_at[0])

sys.exit(1 if failures else 0)
