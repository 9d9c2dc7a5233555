# Free TCP ports for the development scripts (sourced). Reads the kernel's socket tables, so it needs no iproute2.
# Ports are chosen below the kernel's ephemeral range, so an outgoing connection cannot take one between a daemon's
# restarts. The callers define die().

# Ports that have a TCP socket now (listening or connected), one per line.
used_ports() {
  local f
  for f in /proc/net/tcp /proc/net/tcp6; do
    [[ -r $f ]] || continue
    while read -r _ local _; do [[ $local == *:* ]] && echo $((16#${local##*:})); done <"$f"
  done | sort -un
}

port_free() {
  ! used_ports | grep -qx "$1"
}

# A base port where COUNT consecutive ports are free, in [20000, start of the ephemeral range).
free_ports() {
  local count=$1 used low base p ok
  used=$(used_ports)
  read -r low _ </proc/sys/net/ipv4/ip_local_port_range
  ((low > 20000 + 2 * count)) || low=61000
  for _ in $(seq 1 200); do
    base=$((20000 + RANDOM % ((low - 20000 - count) / count) * count))
    ok=1
    for ((p = base; p < base + count; p++)); do
      if grep -qx "$p" <<<"$used"; then ok=0; break; fi
    done
    ((ok)) && { echo "$base"; return 0; }
  done
  die "no $count consecutive free ports found"
}
