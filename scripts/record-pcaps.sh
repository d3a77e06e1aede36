#!/usr/bin/env bash
# Record the sample captures in pcaps/ from real traffic: bash scripts/record-pcaps.sh
#
# Two network namespaces joined by a veth pair stand in for two hosts on one Ethernet link:
#
#     namespace "client"                 namespace "server" (a router too)       namespace "far"
#   +------------------------+          +------------------------+           +-----------------+
#   | eth0 02:00:00:99:00:01 |== veth ==| eth0 02:00:00:99:00:02 |           |                 |
#   |      10.99.0.1/24      |          |      10.99.0.2/24      |           |                 |
#   |      fd00:99::1/64     |          |      fd00:99::2/64     |           |                 |
#   |                        |          | far0 10.99.1.1/24      |== veth ===| eth0 10.99.1.2  |
#   |  tcpdump runs here     |          |      fd00:98::1/64     |           |   fd00:98::2    |
#   +------------------------+          +------------------------+           +-----------------+
#
# tcpdump listens on the client's eth0 while curl, ping and python one-liners talk to servers in
# the server namespace; the far host only gives the server somewhere to forward to. Traffic never
# leaves these namespaces: every address is one this script assigns itself, and the namespaces are
# deleted on exit, even after a failure.
#
# Needs root (namespaces, tcpdump); installs what it needs with apt-get when it is missing.
# Rerunnable: each run overwrites the files; takes about a minute (much of it tshark checking
# the result). KEEP=1 keeps the scratch directory for a look at the logs. pcaps/README.md says
# what each file shows.
#
# Names as arguments record only those captures and leave the other files untouched (timestamps
# and sequence numbers change at every recording, so rerunning everything rewrites every file):
#     bash scripts/record-pcaps.sh mqtt http-keepalive
# `bash scripts/record-pcaps.sh --list` prints the names. PCAPS_DIR=/tmp/somewhere records into
# another folder instead of pcaps/ (to try a change without touching the committed files).
set -euo pipefail
# shellcheck source=scripts/netns-lib.sh
. "$(dirname "$0")/netns-lib.sh"

REPO=$(cd "$(dirname "$0")/.." && pwd)
OUT=${PCAPS_DIR:-$REPO/pcaps} # PCAPS_DIR=/tmp/x: record somewhere else, e.g. to try a change

# Names carry our PID so that two runs (or other tests using namespaces) never collide.
NS_CLIENT=wlrec-$$-client
NS_SERVER=wlrec-$$-server
NS_FAR=wlrec-$$-far

CLIENT_MAC=02:00:00:99:00:01 # locally administered (bit 0x02), so never a real vendor's address
SERVER_MAC=02:00:00:99:00:02
CLIENT4=10.99.0.1
SERVER4=10.99.0.2
CLIENT6=fd00:99::1 # fd00::/8: unique local addresses (RFC 4193), never routed on the Internet
SERVER6=fd00:99::2
FAR4=10.99.1.2 # behind the server: reaching it means being forwarded
FAR6=fd00:98::2

HTTP_PORT=8000
UDP_PORT=9000
CLOSED_PORT=33434 # nobody listens here: the datagram earns an ICMP "port unreachable"

# The lossy transfer: this many bytes, of which about LOSS_PERCENT % of the data segments are
# dropped; only the first LOSS_SNAPLEN bytes of each frame are kept, so the file stays small.
LOSS_BYTES=300000
LOSS_PERCENT=3
LOSS_SNAPLEN=128
# tcp-lossy.pcap: each side sends LOSSY_BYTES to the other while firewall rules in BOTH
# namespaces drop about LOSSY_PERCENT % of the full data segments coming in.
LOSSY_PORT=7100
LOSSY_BYTES=150000
LOSSY_PERCENT=4
# tcp-zero-window.pcap: a receive buffer this small (the kernel doubles it) fills at once.
ZERO_WINDOW_PORT=7150
ZERO_WINDOW_RCVBUF=4096
ZERO_WINDOW_BYTES=60000
RESET_PORT=7200
CLOSED_TCP_PORT=7201 # nobody listens here: the SYN earns a RST
SIMULTANEOUS_CLOSE_PORT=7300
MQTT_PORT=1883 # IANA's port for MQTT without TLS; tshark dissects it as MQTT by default
KEEPALIVE_PORT=8080
# What Wireshark's TCP analysis calls a segment sent again.
RETRANSMISSION="tcp.analysis.retransmission || tcp.analysis.fast_retransmission"

WORK=""

log() { printf '==> %s\n' "$*"; }
die() {
    printf 'record-pcaps: %s\n' "$*" >&2
    exit 1
}

# --- Set-up and tear-down ----------------------------------------------------------------------

# cleanup: stop what we started (by PID), delete our namespaces and scratch directory.
cleanup() {
    stop_and_delete_namespaces "$NS_CLIENT" "$NS_SERVER" "$NS_FAR"
    if [[ -n ${KEEP:-} ]]; then
        echo "scratch directory kept: $WORK"
    elif [[ -n $WORK ]]; then
        rm -rf "$WORK"
    fi
}

# ensure_tools: a fresh Debian machine lacks some of these; install the missing ones.
ensure_tools() {
    [[ $(id -u) == 0 ]] || die "needs root (network namespaces, tcpdump): run it with sudo"
    local missing=() need
    for need in ip:iproute2 nft:nftables tcpdump:tcpdump tshark:tshark dumpcap:wireshark-common \
        curl:curl ping:iputils-ping ethtool:ethtool python3:python3 mosquitto:mosquitto \
        mosquitto_pub:mosquitto-clients; do
        command -v "${need%%:*}" >/dev/null 2>&1 || missing+=("${need#*:}")
    done
    if ((${#missing[@]})); then
        log "installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q </dev/null
        apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
    fi
}

in_client() { ip netns exec "$NS_CLIENT" "$@"; }
in_server() { ip netns exec "$NS_SERVER" "$@"; }

# setup_network: the two namespaces of the diagram above.
setup_network() {
    ip netns add "$NS_CLIENT"
    ip netns add "$NS_SERVER"
    # Created directly inside the namespaces, so both ends can be called eth0.
    ip link add eth0 netns "$NS_CLIENT" address "$CLIENT_MAC" type veth \
        peer name eth0 netns "$NS_SERVER" address "$SERVER_MAC"

    local ns
    for ns in "$NS_CLIENT" "$NS_SERVER"; do
        # Quiet IPv6 before the link comes up: no duplicate address detection (v6 works at
        # once), no router solicitations, and MLD reports sent in 10 ms instead of over seconds,
        # so none of them leak into a capture.
        ip netns exec "$ns" sysctl -q -w net.ipv6.conf.eth0.accept_dad=0 \
            net.ipv6.conf.eth0.router_solicitations=0 \
            net.ipv6.conf.eth0.mldv2_unsolicited_report_interval=10 \
            net.ipv6.conf.eth0.mldv1_unsolicited_report_interval=10
        # A veth leaves checksums to "the hardware" and hands on 64 KB super-segments unless
        # told otherwise; turned off, the capture shows real checksums and MTU-sized segments.
        ip netns exec "$ns" ethtool -K eth0 tx off tso off gso off gro off >/dev/null
        ip -n "$ns" link set lo up
        ip -n "$ns" link set eth0 up
    done
    ip -n "$NS_CLIENT" addr add "$CLIENT4/24" dev eth0
    ip -n "$NS_SERVER" addr add "$SERVER4/24" dev eth0
    ip -n "$NS_CLIENT" addr add "$CLIENT6/64" dev eth0 nodad
    ip -n "$NS_SERVER" addr add "$SERVER6/64" dev eth0 nodad

    # The far host sits behind the server; the client routes the far network through the
    # server, which makes the server a router for the time-exceeded examples.
    ip netns add "$NS_FAR"
    ip link add far0 netns "$NS_SERVER" type veth peer name eth0 netns "$NS_FAR"
    ip netns exec "$NS_FAR" sysctl -q -w net.ipv6.conf.eth0.accept_dad=0
    ip netns exec "$NS_SERVER" sysctl -q -w net.ipv6.conf.far0.accept_dad=0
    ip -n "$NS_SERVER" link set far0 up
    ip -n "$NS_FAR" link set eth0 up
    ip -n "$NS_SERVER" addr add 10.99.1.1/24 dev far0
    ip -n "$NS_SERVER" addr add fd00:98::1/64 dev far0 nodad
    ip -n "$NS_FAR" addr add "$FAR4/24" dev eth0
    ip -n "$NS_FAR" addr add "$FAR6/64" dev eth0 nodad
    ip -n "$NS_CLIENT" route add 10.99.1.0/24 via "$SERVER4"
    ip -n "$NS_CLIENT" route add fd00:98::/64 via "$SERVER6"

    # Let the link-local addresses and multicast joins settle before the first capture.
    sleep 0.5
}

# forget_neighbours: empty both ARP/neighbour caches, so each capture opens with ARP or NDP.
forget_neighbours() {
    ip -n "$NS_CLIENT" neigh flush dev eth0
    ip -n "$NS_SERVER" neigh flush dev eth0
}

# wait_for_line FILE TEXT: wait (up to 5 s) until a background program has written TEXT.
wait_for_line() {
    local file=$1 text=$2 i
    for ((i = 0; i < 100; i++)); do
        grep -q -- "$text" "$file" 2>/dev/null && return 0
        sleep 0.05
    done
    die "timed out waiting for '$text' in $file: $(cat "$file" 2>/dev/null)"
}

# wait_for_port NS PROTO PORT: wait until something in namespace NS listens on PORT.
wait_for_port() {
    local ns=$1 proto=$2 port=$3 i
    for ((i = 0; i < 100; i++)); do
        ip netns exec "$ns" ss -Hln"${proto:0:1}" "sport = :$port" | grep -q . && return 0
        sleep 0.05
    done
    die "nothing listens on $proto port $port in $ns"
}

# start_in NS LOGFILE COMMAND...: run COMMAND in the background inside NS; the cleanup trap stops it.
start_in() {
    local ns=$1 logfile=$2
    shift 2
    # Emptied now, not by the background redirection: a wait_for_line right after must not find
    # the line a previous program wrote to the same file.
    : >"$logfile"
    # `ip netns exec` execs COMMAND, so $! is COMMAND's own PID.
    ip netns exec "$ns" "$@" >"$logfile" 2>&1 &
    BACKGROUND_PIDS+=("$!")
    LAST_PID=$!
}

# stop PID: ask a background program to finish (SIGINT makes tcpdump flush its file) and wait.
stop() {
    kill -INT "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# --- Capturing ----------------------------------------------------------------------------------

# start_capture FILE TCPDUMP_OPTION...: tcpdump on the client's eth0 into FILE (full frames,
# Ethernet link type unless options say otherwise); returns once tcpdump is listening.
start_capture() {
    local file=$1
    shift
    # -Z root: Debian's tcpdump otherwise drops to user "tcpdump", who may not write to $WORK.
    # --immediate-mode: hand each frame over at once; by default frames wait in the kernel's ring
    # for up to a second, and the ones still waiting when we stop tcpdump would be lost.
    start_in "$NS_CLIENT" "$WORK/tcpdump.log" \
        tcpdump -i eth0 -n -U --immediate-mode -Z root "$@" -w "$file"
    CAPTURE_PID=$LAST_PID
    wait_for_line "$WORK/tcpdump.log" "listening on"
}

# stop_capture: let the last replies arrive, then stop tcpdump.
stop_capture() {
    sleep 0.3
    stop "$CAPTURE_PID"
}

# start_http_server: python3 -m http.server in the server namespace, IPv4 and IPv6 on one socket.
start_http_server() {
    mkdir -p "$WORK/www"
    printf 'Hello from the wirelab server namespace!\n' >"$WORK/www/hello.txt"
    # Deterministic content for the lossy transfer: numbered text lines, LOSS_BYTES long.
    python3 -c '
import sys
n = int(sys.argv[1])
text = "".join(f"line {i:06d} of the wirelab loss test...\n" for i in range(n // 40 + 1))
sys.stdout.write(text[:n])' "$LOSS_BYTES" >"$WORK/www/transfer.txt"
    start_in "$NS_SERVER" "$WORK/http.log" \
        python3 -m http.server --bind :: --directory "$WORK/www" "$HTTP_PORT"
    wait_for_port "$NS_SERVER" tcp "$HTTP_PORT"
}

# start_udp_echo: a tiny UDP server in the server namespace that answers each datagram in capitals.
start_udp_echo() {
    start_in "$NS_SERVER" "$WORK/udp.log" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)  # one socket for IPv4 and IPv6
s.bind(("::", int(sys.argv[1])))
while True:
    data, peer = s.recvfrom(2048)
    s.sendto(data.upper(), peer)' "$UDP_PORT"
    wait_for_port "$NS_SERVER" udp "$UDP_PORT"
}

# udp_client HOST LOCAL_PORT MESSAGE...: send each MESSAGE to the echo server and wait for its answer.
udp_client() {
    in_client python3 -c '
import socket, sys
server_port, host, local_port, messages = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4:]
family = socket.AF_INET6 if ":" in host else socket.AF_INET
s = socket.socket(family, socket.SOCK_DGRAM)
s.settimeout(2)
s.bind(("", local_port))  # a fixed client port makes reruns comparable
for m in messages:
    s.sendto(m.encode(), (host, server_port))
    s.recvfrom(2048)' "$UDP_PORT" "$@"
}

# send_to_closed_port HOST: one UDP datagram to a port where nobody listens.
send_to_closed_port() {
    in_client python3 -c '
import socket, sys
host = sys.argv[1]
family = socket.AF_INET6 if ":" in host else socket.AF_INET
socket.socket(family, socket.SOCK_DGRAM).sendto(b"anyone there?", (host, int(sys.argv[2])))' \
        "$1" "$CLOSED_PORT"
}

# --- The captures -------------------------------------------------------------------------------

# record_http FILE URL LOCAL_PORT [PCAPNG]: one small HTTP GET; with PCAPNG, dumpcap records the
# same frames into a pcapng file alongside tcpdump's pcap.
record_http() {
    local file=$1 url=$2 local_port=$3 pcapng=${4:-} dumpcap_pid=""
    forget_neighbours
    if [[ -n $pcapng ]]; then
        start_in "$NS_CLIENT" "$WORK/dumpcap.log" dumpcap -i eth0 -q -w "$pcapng"
        dumpcap_pid=$LAST_PID
        wait_for_line "$WORK/dumpcap.log" "Capturing on"
    fi
    start_capture "$file"
    # A fixed client port makes reruns comparable; curl talks HTTP/1.1, http.server answers with
    # HTTP/1.0 and closes the connection: handshake, GET, response, FIN from the server.
    in_client curl -sS --fail --local-port "$local_port" -o /dev/null "$url"
    stop_capture
    [[ -z $dumpcap_pid ]] || stop "$dumpcap_pid"
}

# record_ping FILE: echoes over IPv4 and IPv6, then four ICMP errors quoting what caused them.
record_ping() {
    local file=$1
    forget_neighbours
    # The server forwards only for this capture: an IPv6 router sets the R flag in its neighbour
    # advertisements, which would be a distraction in http-ipv6.pcap.
    in_server sysctl -q -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
    sleep 0.2 # turning on IPv6 forwarding joins ff02::2 (an MLD report): let it pass first
    start_capture "$file"
    in_client ping -n -q -c 3 -i 0.2 "$SERVER4" >/dev/null
    in_client ping -6 -n -q -c 3 -i 0.2 "$SERVER6" >/dev/null
    send_to_closed_port "$SERVER4"
    send_to_closed_port "$SERVER6"
    # TTL / hop limit 1: the server, now a router, may not forward it and says so (traceroute's trick).
    in_client ping -n -q -c 1 -t 1 -W 1 "$FAR4" >/dev/null || true
    in_client ping -6 -n -q -c 1 -t 1 -W 1 "$FAR6" >/dev/null || true
    stop_capture
    in_server sysctl -q -w net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
}

# record_udp FILE: a few datagrams each way over IPv4 and IPv6; nanosecond timestamps, so that the
# nanosecond pcap format has a real example too.
record_udp() {
    local file=$1
    forget_neighbours
    start_capture "$file" --time-stamp-precision=nano
    udp_client "$SERVER4" 40000 "hello over IPv4" "second datagram" "third and last"
    udp_client "$SERVER6" 40000 "hello over IPv6" "bye"
    stop_capture
}

# record_tcp_loss FILE LOCAL_PORT: a LOSS_BYTES download while a firewall rule in the receiving namespace
# drops about LOSS_PERCENT % of the server's data segments, at random.
record_tcp_loss() {
    local file=$1 local_port=$2
    forget_neighbours
    # The rule only matches full data segments (> 1000 bytes), so the handshake, the request and
    # the FINs always get through and the transfer never stalls for long.
    in_client nft -f - <<EOF
table inet wirelab_loss {
    chain input {
        type filter hook input priority 0; policy accept;
        ip saddr $SERVER4 tcp sport $HTTP_PORT meta length > 1000 numgen random mod 100 < $LOSS_PERCENT counter drop
    }
}
EOF
    # tcpdump sees frames as they arrive, before the firewall's input hook: each dropped segment
    # is in the capture once as sent, and again when the server retransmits it.
    start_capture "$file" -s "$LOSS_SNAPLEN"
    in_client curl -sS --fail --local-port "$local_port" -o /dev/null \
        "http://$SERVER4:$HTTP_PORT/transfer.txt"
    stop_capture
    log "  nftables dropped: $(in_client nft list table inet wirelab_loss | grep -o 'packets [0-9]*')"
    in_client nft delete table inet wirelab_loss
}

# drop_incoming NS TABLE MATCH: an nftables table in NS dropping about PERCENT % of the incoming
# packets that MATCH, at random (the kernel has no netem; numgen picks a number 0..99 per packet).
drop_incoming() {
    local ns=$1 table=$2 match=$3 percent=$4
    ip netns exec "$ns" nft -f - <<EOF
table inet $table {
    chain input {
        type filter hook input priority 0; policy accept;
        $match numgen random mod 100 < $percent counter drop
    }
}
EOF
}

# record_tcp_lossy FILE LOCAL_PORT: the client sends LOSSY_BYTES, then the server sends as many back,
# while both namespaces drop about LOSSY_PERCENT % of the full data segments they receive.
record_tcp_lossy() {
    local file=$1 local_port=$2
    forget_neighbours
    # Receiver side for both directions: tcpdump on the client's eth0 sees every segment, the
    # dropped ones too (outgoing ones before the server's input hook drops them, incoming ones
    # before the client's does).
    drop_incoming "$NS_SERVER" wirelab_lossy \
        "ip saddr $CLIENT4 tcp dport $LOSSY_PORT meta length > 1000" "$LOSSY_PERCENT"
    drop_incoming "$NS_CLIENT" wirelab_lossy \
        "ip saddr $SERVER4 tcp sport $LOSSY_PORT meta length > 1000" "$LOSSY_PERCENT"
    start_in "$NS_SERVER" "$WORK/lossy.log" python3 -c '
import socket, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
listener = socket.create_server(("", port))
print("ready", flush=True)
conn, _ = listener.accept()
received = 0
while received < n:  # read all the upload first, then answer with as many bytes
    chunk = conn.recv(65536)
    if not chunk:
        break
    received += len(chunk)
conn.sendall(b"".join(b"answer line %06d of the wirelab lossy test\n" % i for i in range(n // 40 + 1))[:n])
conn.close()' "$LOSSY_PORT" "$LOSSY_BYTES"
    local server_pid=$LAST_PID
    wait_for_line "$WORK/lossy.log" ready
    start_capture "$file" -s "$LOSS_SNAPLEN"
    in_client python3 -c '
import socket, sys
host, port, local_port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
s = socket.create_connection((host, port), source_address=("", local_port))
s.sendall(b"".join(b"upload line %06d of the wirelab lossy test\n" % i for i in range(n // 40 + 1))[:n])
received = 0
while received < n:
    chunk = s.recv(65536)
    if not chunk:
        break
    received += len(chunk)
s.close()' "$SERVER4" "$LOSSY_PORT" "$local_port" "$LOSSY_BYTES"
    stop_capture
    wait "$server_pid" 2>/dev/null || true
    log "  nftables dropped: client $(in_client nft list table inet wirelab_lossy |
        grep -o 'packets [0-9]*'), server $(in_server nft list table inet wirelab_lossy |
        grep -o 'packets [0-9]*')"
    in_client nft delete table inet wirelab_lossy
    in_server nft delete table inet wirelab_lossy
}

# record_tcp_zero_window FILE LOCAL_PORT: the server accepts with a tiny receive buffer and does not
# read for 2 seconds: its window closes, the client probes it, and reading again reopens it.
record_tcp_zero_window() {
    local file=$1 local_port=$2
    forget_neighbours
    start_in "$NS_SERVER" "$WORK/zero-window.log" python3 -c '
import socket, sys, time
port, rcvbuf = int(sys.argv[1]), int(sys.argv[2])
listener = socket.socket()
# Set before listen(): an accepted socket inherits it, and the window scale of the handshake is
# chosen from it.
listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
listener.bind(("", port))
listener.listen()
print("ready", flush=True)
conn, _ = listener.accept()
time.sleep(2)  # a reader too busy to read: the buffer fills and the window closes
while True:
    chunk = conn.recv(1024)
    if not chunk:
        break
    time.sleep(0.002)  # read slowly, so the window opens step by step
conn.close()' "$ZERO_WINDOW_PORT" "$ZERO_WINDOW_RCVBUF"
    local server_pid=$LAST_PID
    wait_for_line "$WORK/zero-window.log" ready
    start_capture "$file" -s "$LOSS_SNAPLEN"
    in_client python3 -c '
import socket, sys
host, port, local_port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
s = socket.create_connection((host, port), source_address=("", local_port))
s.sendall(b"".join(b"line %06d waiting for a window to open\n" % i for i in range(n // 40 + 1))[:n])
s.shutdown(socket.SHUT_WR)
s.recv(1)  # the server closing
s.close()' "$SERVER4" "$ZERO_WINDOW_PORT" "$local_port" "$ZERO_WINDOW_BYTES"
    stop_capture
    wait "$server_pid" 2>/dev/null || true
}

# record_tcp_reset FILE LOCAL_PORT: three ways a connection ends with RST instead of FIN.
record_tcp_reset() {
    local file=$1 local_port=$2
    forget_neighbours
    start_in "$NS_SERVER" "$WORK/reset.log" python3 -c '
import socket, sys
listener = socket.create_server(("", int(sys.argv[1])))
print("ready", flush=True)
for _ in range(2):
    conn, _ = listener.accept()
    request = conn.recv(100)
    try:
        if request.startswith(b"bulk"):  # keep sending until the client resets the connection
            while True:
                conn.sendall(b"bulk data nobody will read to the end....\n" * 25)
        else:
            conn.sendall(b"hello, " + request)
            conn.recv(100)  # returns b"" or raises once the client aborts
    except ConnectionResetError:
        pass
    conn.close()' "$RESET_PORT"
    local server_pid=$LAST_PID
    wait_for_line "$WORK/reset.log" ready
    start_capture "$file" -s "$LOSS_SNAPLEN"
    in_client python3 -c '
import socket, struct, sys, time
host, port, closed_port, local_port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
# 1. A SYN to a port where nobody listens: the answer is RST+ACK (RFC 9293 §3.10.7.1).
try:
    socket.create_connection((host, closed_port), source_address=("", local_port))
except ConnectionRefusedError:
    pass
time.sleep(0.1)
# 2. An abortive close: SO_LINGER on with a zero timeout makes close() send RST, not FIN.
s = socket.create_connection((host, port), source_address=("", local_port + 1))
s.sendall(b"abort\n")
s.recv(100)
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()
time.sleep(0.1)
# 3. Closing with unread data in the receive buffer resets the connection mid-transfer
#    (RFC 2525 §2.17); the segments still on their way get a RST each.
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)  # a small window: a short transfer
s.bind(("", local_port + 2))
s.connect((host, port))
s.sendall(b"bulk\n")
s.recv(3000)
time.sleep(0.05)  # more arrives meanwhile, unread
s.close()
time.sleep(0.1)' "$SERVER4" "$RESET_PORT" "$CLOSED_TCP_PORT" "$local_port"
    stop_capture
    wait "$server_pid" 2>/dev/null || true
}

# record_tcp_simultaneous_close FILE LOCAL_PORT: both ends call shutdown() at the same agreed instant.
record_tcp_simultaneous_close() {
    local file=$1 local_port=$2
    # Both programs sleep until the instant the client named, then spin on the clock for the last
    # milliseconds, so that neither FIN can arrive before the other side sends its own.
    local wait_until='
def wait_until(instant):
    while time.time() < instant - 0.003:
        time.sleep(0.001)
    while time.time() < instant:
        pass
'
    # Real-time priority (chrt): on a busy machine, being scheduled a few milliseconds late would
    # let the other side's FIN arrive first.
    start_in "$NS_SERVER" "$WORK/simultaneous.log" chrt -f 50 python3 -c "import socket, sys, time
$wait_until
listener = socket.create_server(('', int(sys.argv[1])))
print('ready', flush=True)
conn, _ = listener.accept()
wait_until(float(conn.recv(100)))
conn.shutdown(socket.SHUT_WR)
conn.recv(100)
conn.close()" "$SIMULTANEOUS_CLOSE_PORT"
    local server_pid=$LAST_PID
    wait_for_line "$WORK/simultaneous.log" ready
    start_capture "$file"
    in_client chrt -f 50 python3 -c "import socket, sys, time
$wait_until
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), source_address=('', int(sys.argv[3])))
instant = time.time() + 0.2
s.sendall(b'%.6f' % instant)
wait_until(instant)
s.shutdown(socket.SHUT_WR)
s.recv(100)
s.close()" "$SERVER4" "$SIMULTANEOUS_CLOSE_PORT" "$local_port"
    stop_capture
    wait "$server_pid" 2>/dev/null || true
}

# fins_cross FILE: true when the two FINs crossed on the wire: the later FIN does not acknowledge
# the earlier one, so it was sent before its sender had received the other side's FIN.
fins_cross() {
    tshark -n -r "$1" -Y "tcp.flags.fin == 1" -T fields -e tcp.seq_raw -e tcp.len -e tcp.ack_raw \
        2>/dev/null | awk '
        NR == 1 { first_fin_end = ($1 + $2 + 1) % 4294967296 }
        NR == 2 { crossed = ($3 != first_fin_end) }
        END { exit !(NR == 2 && crossed) }'
}

# record_mqtt FILE: a mosquitto broker in the server namespace; mosquitto_sub and mosquitto_pub in the
# client namespace, speaking MQTT 3.1.1 and MQTT 5.0.
record_mqtt() {
    local file=$1
    forget_neighbours
    # mosquitto 2 listens on loopback only unless told otherwise; no password file: any user name
    # and password are accepted.
    printf 'listener %s\nallow_anonymous true\n' "$MQTT_PORT" >"$WORK/mosquitto.conf"
    start_in "$NS_SERVER" "$WORK/mosquitto.log" mosquitto -v -c "$WORK/mosquitto.conf"
    local broker_pid=$LAST_PID
    wait_for_port "$NS_SERVER" tcp "$MQTT_PORT"
    start_capture "$file"
    local broker=(-h "$SERVER4" -p "$MQTT_PORT")
    # Two subscribers stay connected for 7 s with a 5 s keep-alive, so each sends a PINGREQ. The
    # v3.1.1 one brings a will, a user name and a password; the v5 one a session expiry interval.
    # -W: disconnect after that many seconds; -U: unsubscribe right after subscribing.
    start_in "$NS_CLIENT" "$WORK/sub311.log" mosquitto_sub "${broker[@]}" -V 311 -i wirelab-sub-311 \
        -k 5 -W 7 -q 2 -t 'wirelab/#' -t wirelab/unwanted -U wirelab/unwanted -u student \
        -P secret --will-topic wirelab/status --will-payload 'sub-311 vanished' --will-qos 1 -v
    local sub311_pid=$LAST_PID
    start_in "$NS_CLIENT" "$WORK/sub5.log" mosquitto_sub "${broker[@]}" -V 5 -i wirelab-sub-5 \
        -k 5 -W 7 -q 1 -t 'wirelab/+/temperature' -t wirelab/unwanted -U wirelab/unwanted \
        -x 60 -c -v
    local sub5_pid=$LAST_PID
    sleep 0.5
    local qos
    for qos in 0 1 2; do
        in_client mosquitto_pub "${broker[@]}" -V 311 -i wirelab-pub-311 -q "$qos" \
            -t wirelab/kitchen/temperature -m "21.$qos degrees, QoS $qos over MQTT 3.1.1"
    done
    # A retained message: the broker keeps it and hands it to every later subscriber.
    in_client mosquitto_pub "${broker[@]}" -V 311 -i wirelab-pub-311 -q 1 -r \
        -t wirelab/kitchen/light -m on
    for qos in 0 1 2; do
        in_client mosquitto_pub "${broker[@]}" -V 5 -i wirelab-pub-5 -q "$qos" \
            -D publish content-type text/plain -D publish message-expiry-interval 300 \
            -D publish user-property room kitchen \
            -t wirelab/kitchen/temperature -m "22.$qos degrees, QoS $qos over MQTT 5.0"
    done
    in_client mosquitto_pub "${broker[@]}" -V 5 -i wirelab-pub-5 -q 1 -r \
        -t wirelab/hall/light -m off
    # A late subscriber receives the retained messages at once, with the RETAIN flag set.
    in_client mosquitto_sub "${broker[@]}" -V 5 -i wirelab-late-5 -q 1 -t 'wirelab/+/light' \
        -C 2 -v >>"$WORK/sub5.log"
    wait "$sub311_pid" "$sub5_pid" 2>/dev/null || true
    # Clear the retained messages (an empty retained PUBLISH), so the next run starts clean.
    in_client mosquitto_pub "${broker[@]}" -V 311 -r -t wirelab/kitchen/light -n
    in_client mosquitto_pub "${broker[@]}" -V 5 -r -t wirelab/hall/light -n
    stop_capture
    kill "$broker_pid" 2>/dev/null || true # SIGTERM: see record_http_keepalive
    wait "$broker_pid" 2>/dev/null || true
}

# record_tls FILE PORT CIPHER: one TLS 1.2 session of OpenSSL with itself over CIPHER (OpenSSL's
# name): s_client sends "ping", s_server -rev answers "gnip", s_client closes. s_client writes the
# key log (NSS format) next to the capture, in $WORK/tls/. The server's key pair is the throwaway
# one in pcaps/tls/ (made here on first use), so its private key decrypts the RSA key exchange.
record_tls() {
    local file=$1 port=$2 cipher=$3 name
    name=$(basename "$file" .pcap)
    mkdir -p "$WORK/tls" "$OUT/tls"
    if [[ ! -f $OUT/tls/server.key ]]; then
        openssl req -x509 -newkey rsa:2048 -nodes -keyout "$OUT/tls/server.key" \
            -out "$OUT/tls/server.crt" -days 36500 -subj "/CN=wirelab.test" \
            -addext "subjectAltName=DNS:wirelab.test" 2>/dev/null
    fi
    forget_neighbours
    start_in "$NS_SERVER" "$WORK/$name-server.log" openssl s_server -tls1_2 -accept "$port" \
        -cert "$OUT/tls/server.crt" -key "$OUT/tls/server.key" -cipher "$cipher" -naccept 1 -rev -quiet
    local server_pid=$LAST_PID
    wait_for_port "$NS_SERVER" tcp "$port"
    start_capture "$file"
    # The pause keeps standard input open until the answer is back; its end makes s_client close.
    (printf 'ping\n'; sleep 1) | in_client openssl s_client -tls1_2 -connect "$SERVER4:$port" \
        -servername wirelab.test -alpn http/1.1 -keylogfile "$WORK/tls/$name.keylog" -quiet -no_ign_eof \
        >"$WORK/$name-client.log" 2>&1
    stop_capture
    wait "$server_pid" 2>/dev/null || true
    grep -q gnip "$WORK/$name-client.log" || die "$name: no answer from s_server: $(cat "$WORK/$name-client.log")"
}

# record_http_keepalive FILE LOCAL_PORT: four requests over one kept-alive HTTP/1.1 connection.
record_http_keepalive() {
    local file=$1 local_port=$2
    forget_neighbours
    start_in "$NS_SERVER" "$WORK/keepalive.log" python3 -c '
import http.server, sys

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep the connection open between requests

    def send_body(self, code, content_type, body):
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/index.html":  # long enough to span several segments
            rows = "".join(f"<li>row {i} of the wirelab keep-alive page</li>\n" for i in range(100))
            self.send_body(200, "text/html; charset=utf-8",
                           f"<!DOCTYPE html>\n<html><body><ul>\n{rows}</ul></body></html>\n".encode())
        elif self.path == "/chunked":  # no length known in advance: chunked transfer coding
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in (b"first chunk\n", b"second chunk, a little longer\n", b"third\n"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_body(404, "text/plain", b"no such page\n")

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.send_body(200, "text/plain", b"you sent: " + body + b"\n")

http.server.HTTPServer(("", int(sys.argv[1])), Handler).serve_forever()' "$KEEPALIVE_PORT"
    local server_pid=$LAST_PID
    wait_for_port "$NS_SERVER" tcp "$KEEPALIVE_PORT"
    start_capture "$file"
    # One curl, several URLs: curl reuses the connection; --next starts options for the next URL.
    local base="http://$SERVER4:$KEEPALIVE_PORT"
    in_client curl -sS --local-port "$local_port" -o /dev/null "$base/index.html" \
        --next -o /dev/null "$base/chunked" \
        --next -o /dev/null -d 'name=wirelab&lesson=keep-alive' "$base/form" \
        --next -o /dev/null "$base/missing"
    stop_capture
    # SIGTERM, not stop's SIGINT: a shell starts background programs with SIGINT ignored, and
    # Python then never turns it into KeyboardInterrupt.
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
}

# --- Checking -----------------------------------------------------------------------------------

# count FILE FILTER: how many frames of FILE match the display filter.
count() {
    local out
    out=$(tshark -n -r "$1" -Y "$2" 2>/dev/null) || die "tshark cannot read $1 with filter '$2'"
    if [[ -z $out ]]; then echo 0; else wc -l <<<"$out"; fi
}

# expect FILE MIN:FILTER...: fail unless, for each pair, at least MIN frames of FILE match FILTER.
# One tshark run per file (its start-up takes a second): io,stat counts frames per filter.
expect() {
    local file=$1 stats
    shift
    local mins=() filters=() pair
    for pair in "$@"; do
        mins+=("${pair%%:*}")
        filters+=("${pair#*:}") # no commas in filters: io,stat splits on them
    done
    stats=$(IFS=,; tshark -n -r "$file" -q -z "io,stat,0,${filters[*]}" 2>/dev/null) ||
        die "tshark cannot read $file"
    # The one data row: | 0.000 <> 1.823 | frames | bytes | frames | bytes | ...
    local row i found
    row=$(grep '<>' <<<"$stats")
    for i in "${!filters[@]}"; do
        found=$(awk -F'|' -v col=$((2 * i + 3)) '{ gsub(/ /, "", $col); print $col }' <<<"$row")
        ((found >= mins[i])) ||
            die "$(basename "$file"): expected at least ${mins[i]} frames matching '${filters[i]}', found $found"
    done
}

# check_capture NAME: the frames each capture exists to show are really in it.
check_capture() {
    case $1 in
    http-ipv4)
        expect "$OUT/http-ipv4.pcap" "1:arp.opcode == 1" "1:arp.opcode == 2" \
            '1:http.request.method == "GET"' "1:http.response.code == 200" "2:tcp.flags.fin == 1"
        expect "$OUT/http-ipv4.pcapng" '1:http.request.method == "GET"' "1:http.response.code == 200"
        ;;
    http-ipv6)
        expect "$OUT/http-ipv6.pcap" "1:icmpv6.type == 135" "1:icmpv6.type == 136" \
            '1:http.request.method == "GET"' "1:http.response.code == 200"
        ;;
    ping)
        expect "$OUT/ping.pcap" "3:icmp.type == 8" "3:icmp.type == 0" "3:icmpv6.type == 128" \
            "3:icmpv6.type == 129" "1:icmp.type == 3 && icmp.code == 3" \
            "1:icmpv6.type == 1 && icmpv6.code == 4" "1:icmp.type == 11" "1:icmpv6.type == 3"
        ;;
    udp)
        expect "$OUT/udp.pcap" "5:udp.dstport == $UDP_PORT" "5:udp.srcport == $UDP_PORT" \
            "1:arp" "1:icmpv6.type == 135"
        ;;
    tcp-loss)
        expect "$OUT/tcp-loss.pcap" "1:$RETRANSMISSION" "1:tcp.analysis.duplicate_ack" \
            "1:tcp.options.sack_le"
        ;;
    tcp-lossy)
        expect "$OUT/tcp-lossy.pcap" "1:($RETRANSMISSION) && tcp.dstport == $LOSSY_PORT" \
            "1:($RETRANSMISSION) && tcp.srcport == $LOSSY_PORT" \
            "1:tcp.analysis.duplicate_ack && tcp.srcport == $LOSSY_PORT" \
            "1:tcp.analysis.duplicate_ack && tcp.dstport == $LOSSY_PORT" \
            "1:tcp.analysis.fast_retransmission" "1:tcp.options.sack_le && tcp.srcport == $LOSSY_PORT" \
            "1:tcp.options.sack_le && tcp.dstport == $LOSSY_PORT"
        ;;
    tcp-zero-window)
        # Linux probes a zero window with an empty segment one byte before the next sequence
        # number, which Wireshark labels a keep-alive (its "zero window probe" has one byte).
        expect "$OUT/tcp-zero-window.pcap" "1:tcp.analysis.zero_window" \
            "1:tcp.analysis.keep_alive" "1:tcp.analysis.window_update" \
            "1:tcp.analysis.window_full"
        ;;
    tcp-reset)
        expect "$OUT/tcp-reset.pcap" "3:tcp.flags.reset == 1" \
            "1:tcp.flags.reset == 1 && tcp.srcport == $CLOSED_TCP_PORT" \
            "1:tcp.flags.reset == 1 && tcp.dstport == $RESET_PORT && tcp.flags.fin == 0"
        ;;
    tcp-simultaneous-close)
        expect "$OUT/tcp-simultaneous-close.pcap" "2:tcp.flags.fin == 1"
        fins_cross "$OUT/tcp-simultaneous-close.pcap" ||
            die "tcp-simultaneous-close.pcap: the FINs do not cross"
        ;;
    mqtt)
        expect "$OUT/mqtt.pcap" "4:mqtt.msgtype == 1" "1:mqtt.ver == 4" "1:mqtt.ver == 5" \
            "1:mqtt.msgtype == 2" "2:mqtt.msgtype == 8" "2:mqtt.msgtype == 9" \
            "2:mqtt.msgtype == 10" "2:mqtt.msgtype == 11" "2:mqtt.msgtype == 12" \
            "2:mqtt.msgtype == 13" "2:mqtt.msgtype == 14" "1:mqtt.qos == 0 && mqtt.msgtype == 3" \
            "1:mqtt.qos == 1 && mqtt.msgtype == 3" "1:mqtt.qos == 2 && mqtt.msgtype == 3" \
            "1:mqtt.msgtype == 4" "1:mqtt.msgtype == 5" "1:mqtt.msgtype == 6" "1:mqtt.msgtype == 7" \
            "1:mqtt.retain == 1"
        ;;
    http-keepalive)
        expect "$OUT/http-keepalive.pcap" "1:tcp.flags.syn == 1 && tcp.flags.ack == 0" \
            "4:http.request" "4:http.response" '1:http.transfer_encoding == "chunked"' \
            '1:http.request.method == "POST"' "1:http.response.code == 404"
        local connections
        connections=$(count "$OUT/http-keepalive.pcap" "tcp.flags.syn == 1 && tcp.flags.ack == 0")
        ((connections == 1)) || die "http-keepalive.pcap: $connections connections instead of one"
        ;;
    tls-ecdhe | tls-rsa | tls-dhe)
        expect "$OUT/$1.pcap" "1:tls.handshake.type == 1" "1:tls.handshake.type == 2" \
            "1:tls.handshake.type == 11" "1:tls.handshake.type == 16" "2:tls.record.content_type == 23"
        ;;
    *) die "no check for capture '$1'" ;;
    esac
}

# report_sizes: frames and bytes of each capture in pcaps/, and the total (which must stay small).
report_sizes() {
    local f
    for f in "$OUT"/*.pcap "$OUT"/*.pcapng; do
        printf '  %-28s %5d frames %8d bytes\n' "$(basename "$f")" \
            "$(capinfos -c -M -r -T "$f" | cut -f2)" "$(stat -c %s "$f")"
    done
    local total
    total=$(du -cb "$OUT"/*.pcap "$OUT"/*.pcapng | tail -1 | cut -f1)
    log "pcaps/ captures: $total bytes in total"
    ((total < 1000000)) || die "the captures must stay under 1 MB together ($total bytes)"
}

# --- Main ---------------------------------------------------------------------------------------

# Every capture this script records, in recording order.
ALL_CAPTURES=(http-ipv4 http-ipv6 ping udp tcp-loss tcp-lossy tcp-zero-window tcp-reset
    tcp-simultaneous-close mqtt http-keepalive tls-ecdhe tls-rsa tls-dhe)

# record NAME: record capture NAME into $WORK.
record() {
    local attempt
    case $1 in
    http-ipv4)
        log "http-ipv4.pcap + http-ipv4.pcapng: curl http://$SERVER4:$HTTP_PORT/hello.txt"
        record_http "$WORK/http-ipv4.pcap" "http://$SERVER4:$HTTP_PORT/hello.txt" 40080 \
            "$WORK/http-ipv4.pcapng"
        ;;
    http-ipv6)
        log "http-ipv6.pcap: curl http://[$SERVER6]:$HTTP_PORT/hello.txt"
        record_http "$WORK/http-ipv6.pcap" "http://[$SERVER6]:$HTTP_PORT/hello.txt" 40081
        ;;
    ping)
        log "ping.pcap: ping, ping -6, a closed UDP port, TTL 1"
        record_ping "$WORK/ping.pcap"
        ;;
    udp)
        log "udp.pcap: datagrams to a UDP echo server"
        record_udp "$WORK/udp.pcap"
        ;;
    tcp-loss)
        log "tcp-loss.pcap: $LOSS_BYTES bytes with $LOSS_PERCENT % of data segments dropped"
        # Random drops: on the rare run where none hit (or none was retransmitted), record again.
        for attempt in 1 2 3; do
            # A new client port each time: the last attempt's connection lingers in TIME-WAIT.
            record_tcp_loss "$WORK/tcp-loss.pcap" $((40081 + attempt))
            (($(count "$WORK/tcp-loss.pcap" "$RETRANSMISSION") > 0)) && break
            log "  no retransmission this time (attempt $attempt); recording again"
        done
        ;;
    tcp-lossy)
        log "tcp-lossy.pcap: $LOSSY_BYTES bytes each way, $LOSSY_PERCENT % of data segments dropped both ways"
        for attempt in 1 2 3 4 5; do
            record_tcp_lossy "$WORK/tcp-lossy.pcap" $((40100 + attempt))
            (($(count "$WORK/tcp-lossy.pcap" "($RETRANSMISSION) && tcp.dstport == $LOSSY_PORT") > 0 &&
                $(count "$WORK/tcp-lossy.pcap" "($RETRANSMISSION) && tcp.srcport == $LOSSY_PORT") > 0 &&
                $(count "$WORK/tcp-lossy.pcap" "tcp.analysis.fast_retransmission") > 0)) && break
            log "  not a retransmission in each direction this time (attempt $attempt); recording again"
        done
        ;;
    tcp-zero-window)
        log "tcp-zero-window.pcap: a receiver that stops reading for 2 s"
        record_tcp_zero_window "$WORK/tcp-zero-window.pcap" 40150
        ;;
    tcp-reset)
        log "tcp-reset.pcap: a closed port, SO_LINGER 0, closing with unread data"
        record_tcp_reset "$WORK/tcp-reset.pcap" 40200
        ;;
    tcp-simultaneous-close)
        log "tcp-simultaneous-close.pcap: both ends shut down at the same instant"
        # A race by nature: try until both FINs are on the wire before either arrives.
        for attempt in {1..10}; do
            record_tcp_simultaneous_close "$WORK/tcp-simultaneous-close.pcap" $((40300 + attempt))
            fins_cross "$WORK/tcp-simultaneous-close.pcap" && break
            log "  the FINs did not cross (attempt $attempt); recording again"
        done
        ;;
    mqtt)
        log "mqtt.pcap: mosquitto, mosquitto_sub and mosquitto_pub, MQTT 3.1.1 and 5.0 (about 8 s)"
        record_mqtt "$WORK/mqtt.pcap"
        ;;
    http-keepalive)
        log "http-keepalive.pcap: four HTTP/1.1 requests over one connection"
        record_http_keepalive "$WORK/http-keepalive.pcap" 40400
        ;;
    tls-ecdhe | tls-rsa | tls-dhe)
        local -A tls_ciphers=([tls-ecdhe]=ECDHE-RSA-AES128-GCM-SHA256 [tls-rsa]=AES128-GCM-SHA256
            [tls-dhe]=DHE-RSA-AES128-GCM-SHA256)
        log "$1.pcap: openssl s_client and s_server -tls1_2, ${tls_ciphers[$1]}"
        record_tls "$WORK/$1.pcap" 443 "${tls_ciphers[$1]}"
        ;;
    esac
}

main() {
    local names=("$@") name
    if [[ ${1:-} == --list ]]; then
        printf '%s\n' "${ALL_CAPTURES[@]}"
        return
    fi
    ((${#names[@]})) || names=("${ALL_CAPTURES[@]}")
    for name in "${names[@]}"; do
        if [[ " ${ALL_CAPTURES[*]} " != *" $name "* ]]; then
            printf 'record-pcaps: no capture named %s; the names are: %s\n' "'$name'" \
                "${ALL_CAPTURES[*]}" >&2
            exit 2 # a usage error, as wirelab's own
        fi
    done
    ensure_tools
    trap cleanup EXIT
    trap 'exit 130' INT TERM # a signal becomes an exit, so the EXIT trap cleans up too
    WORK=$(mktemp -d /tmp/wirelab-record.XXXXXX)
    mkdir -p "$OUT"

    log "network namespaces $NS_CLIENT <-veth-> $NS_SERVER <-veth-> $NS_FAR"
    setup_network
    start_http_server
    start_udp_echo
    for name in "${names[@]}"; do
        record "$name"
    done

    # Captures were written to scratch space; move them in only when all succeeded.
    shopt -s nullglob
    cp "$WORK"/*.pcap "$WORK"/*.pcapng "$OUT"/
    chmod 644 "$OUT"/*.pcap "$OUT"/*.pcapng # dumpcap makes its files private to root
    if [[ -d $WORK/tls ]]; then cp "$WORK"/tls/*.keylog "$OUT"/tls/; fi # the TLS captures' key logs
    log "checking with $(tshark --version 2>/dev/null | head -1)"
    for name in "${names[@]}"; do
        check_capture "$name"
    done
    report_sizes
}

main "$@"
