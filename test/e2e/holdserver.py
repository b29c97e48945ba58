# A one-connection TCP server on 127.0.0.1 that reads a line, then answers "pong" only once
# the file given as argv[2] exists (or after argv[3] seconds). Writes its port to argv[1].
# It exits by itself after answering (keeping the connection open argv[4] seconds more, or
# until the client closes it), or after 120 s in any case.
import os, socket, sys, time

port_file, trigger = sys.argv[1], sys.argv[2]
hold = float(sys.argv[3]) if len(sys.argv) > 3 else 120.0
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(16)
srv.settimeout(120)
with open(port_file + ".tmp", "w") as f:
    f.write(str(srv.getsockname()[1]))
os.rename(port_file + ".tmp", port_file)
conn, _ = srv.accept()
conn.settimeout(120)
conn.recv(100)
deadline = time.time() + hold
while not os.path.exists(trigger) and time.time() < deadline:
    time.sleep(0.05)
conn.sendall(b"pong\n")
linger = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
if linger > 0:
    conn.settimeout(linger)
    try:
        conn.recv(100)  # the client's close, or the timeout
    except OSError:
        pass
conn.close()
