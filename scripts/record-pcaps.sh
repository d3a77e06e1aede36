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
# Rerunnable: each run overwrites the files; takes about 20 seconds (half of it tshark checking
# the result). KEEP=1 keeps the scratch directory for a look at the logs. pcaps/README.md says
# what each file shows.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
OUT=$REPO/pcaps

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
# What Wireshark's TCP analysis calls a segment sent again.
RETRANSMISSION="tcp.analysis.retransmission || tcp.analysis.fast_retransmission"

WORK=""
BACKGROUND_PIDS=()

log() { printf '==> %s\n' "$*"; }
die() {
    printf 'record-pcaps: %s\n' "$*" >&2
    exit 1
}

# --- Set-up and tear-down ----------------------------------------------------------------------

# cleanup: stop what we started (by PID), delete our namespaces and scratch directory.
cleanup() {
    local pid
    for pid in "${BACKGROUND_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${BACKGROUND_PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    ip netns delete "$NS_CLIENT" 2>/dev/null || true
    ip netns delete "$NS_SERVER" 2>/dev/null || true
    ip netns delete "$NS_FAR" 2>/dev/null || true
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
        curl:curl ping:iputils-ping ethtool:ethtool python3:python3; do
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

check_captures() {
    expect "$OUT/http-ipv4.pcap" "1:arp.opcode == 1" "1:arp.opcode == 2" \
        '1:http.request.method == "GET"' "1:http.response.code == 200" "2:tcp.flags.fin == 1"
    expect "$OUT/http-ipv4.pcapng" '1:http.request.method == "GET"' "1:http.response.code == 200"
    expect "$OUT/http-ipv6.pcap" "1:icmpv6.type == 135" "1:icmpv6.type == 136" \
        '1:http.request.method == "GET"' "1:http.response.code == 200"
    expect "$OUT/ping.pcap" "3:icmp.type == 8" "3:icmp.type == 0" "3:icmpv6.type == 128" \
        "3:icmpv6.type == 129" "1:icmp.type == 3 && icmp.code == 3" \
        "1:icmpv6.type == 1 && icmpv6.code == 4" "1:icmp.type == 11" "1:icmpv6.type == 3"
    expect "$OUT/udp.pcap" "5:udp.dstport == $UDP_PORT" "5:udp.srcport == $UDP_PORT" \
        "1:arp" "1:icmpv6.type == 135"
    expect "$OUT/tcp-loss.pcap" "1:$RETRANSMISSION" "1:tcp.analysis.duplicate_ack" \
        "1:tcp.options.sack_le"

    local f
    for f in "$OUT"/*.pcap "$OUT"/*.pcapng; do
        printf '  %-18s %5d frames %8d bytes\n' "$(basename "$f")" \
            "$(capinfos -c -M -r -T "$f" | cut -f2)" "$(stat -c %s "$f")"
    done
    local total
    total=$(du -cb "$OUT"/*.pcap "$OUT"/*.pcapng | tail -1 | cut -f1)
    log "pcaps/ captures: $total bytes in total"
    ((total < 1000000)) || die "the captures must stay under 1 MB together ($total bytes)"
}

# --- Main ---------------------------------------------------------------------------------------

main() {
    ensure_tools
    trap cleanup EXIT
    trap 'exit 130' INT TERM # a signal becomes an exit, so the EXIT trap cleans up too
    WORK=$(mktemp -d /tmp/wirelab-record.XXXXXX)
    mkdir -p "$OUT"

    log "network namespaces $NS_CLIENT <-veth-> $NS_SERVER <-veth-> $NS_FAR"
    setup_network
    start_http_server
    start_udp_echo

    log "http-ipv4.pcap + http-ipv4.pcapng: curl http://$SERVER4:$HTTP_PORT/hello.txt"
    record_http "$WORK/http-ipv4.pcap" "http://$SERVER4:$HTTP_PORT/hello.txt" 40080 \
        "$WORK/http-ipv4.pcapng"
    log "http-ipv6.pcap: curl http://[$SERVER6]:$HTTP_PORT/hello.txt"
    record_http "$WORK/http-ipv6.pcap" "http://[$SERVER6]:$HTTP_PORT/hello.txt" 40081
    log "ping.pcap: ping, ping -6, a closed UDP port, TTL 1"
    record_ping "$WORK/ping.pcap"
    log "udp.pcap: datagrams to a UDP echo server"
    record_udp "$WORK/udp.pcap"
    log "tcp-loss.pcap: $LOSS_BYTES bytes with $LOSS_PERCENT % of data segments dropped"
    # Random drops: on the rare run where none hit (or none was retransmitted), record again.
    local attempt
    for attempt in 1 2 3; do
        # A new client port each time: the last attempt's connection lingers in TIME-WAIT.
        record_tcp_loss "$WORK/tcp-loss.pcap" $((40081 + attempt))
        (($(count "$WORK/tcp-loss.pcap" "$RETRANSMISSION") > 0)) && break
        log "  no retransmission this time (attempt $attempt); recording again"
    done

    # Captures were written to scratch space; move them in only when all succeeded.
    cp "$WORK"/*.pcap "$WORK"/*.pcapng "$OUT"/
    chmod 644 "$OUT"/*.pcap "$OUT"/*.pcapng # dumpcap makes its files private to root
    log "checking with $(tshark --version 2>/dev/null | head -1)"
    check_captures
}

main "$@"
