# Servers on loopback that never answer, for the diagnosis tests. Each exits by itself after
# LIFETIME seconds whatever happens.
#   silent_server.py udp-drop IP PORT LIFETIME READYFILE
#       a DNS server that never answers: reads UDP datagrams on IP:PORT and drops them
#   silent_server.py tcp-full PORTFILE LIFETIME
#       a TCP listener on 127.0.0.1 with listen(0) that never accepts; it fills its own
#       accept queue with filler connections until a further connect times out (SYNs are
#       then dropped), then writes its port to PORTFILE
#   silent_server.py tls-silent PORTFILE LIFETIME
#       accepts TCP connections on 127.0.0.1 (and ::1 on the same port when it can), reads
#       what the client sends (a TLS ClientHello) and never answers; logs each to stderr
import os, select, socket, sys, time

def ready(path, text):
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.rename(path + ".tmp", path)

mode = sys.argv[1]
if mode == "udp-drop":
    ip, port, life, ready_file = sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((ip, port))
    ready(ready_file, "%s:%d" % (ip, port))
    end = time.time() + life
    n = 0
    while time.time() < end:
        r, _, _ = select.select([s], [], [], max(0.0, min(1.0, end - time.time())))
        if r:
            s.recvfrom(4096)
            n += 1
    sys.stderr.write("udp-drop: dropped %d datagrams\n" % n)
elif mode == "tcp-full":
    port_file, life = sys.argv[2], float(sys.argv[3])
    end = time.time() + life
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(0)
    addr = srv.getsockname()
    fillers = []
    for _ in range(8):  # bounded: the queue of a listen(0) socket holds one or two
        c = socket.socket()
        c.settimeout(1.0)
        try:
            c.connect(addr)
            fillers.append(c)
        except (socket.timeout, OSError):
            c.close()
            break
    else:
        sys.exit("tcp-full: the accept queue never filled")
    sys.stderr.write("tcp-full: %d filler connections, the next connect timed out\n" % len(fillers))
    ready(port_file, str(addr[1]))
    while time.time() < end:
        time.sleep(min(0.5, max(0.0, end - time.time())))
elif mode == "tls-silent":
    port_file, life = sys.argv[2], float(sys.argv[3])
    end = time.time() + life
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(64)
    port = srv.getsockname()[1]
    listeners = [srv]
    try:
        s6 = socket.socket(socket.AF_INET6)
        s6.bind(("::1", port))
        s6.listen(64)
        listeners.append(s6)
    except OSError:
        pass
    ready(port_file, str(port))
    conns = []
    while time.time() < end:
        r, _, _ = select.select(listeners + conns, [], [], max(0.0, min(1.0, end - time.time())))
        for s in r:
            if s in listeners:
                c, peer = s.accept()
                conns.append(c)
                sys.stderr.write("tls-silent: connection from %s\n" % (peer,))
            else:
                data = s.recv(65536)
                if not data:
                    conns.remove(s)
                    s.close()
                else:
                    sys.stderr.write("tls-silent: read %d bytes (first %r), not answering\n" % (len(data), data[:3]))
else:
    sys.exit("unknown mode " + mode)
