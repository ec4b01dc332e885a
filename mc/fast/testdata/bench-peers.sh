#!/bin/sh
# Builds and runs the peer programs of /work/shared/peers (or $PEERS) the way
# README.md (Performance) reports them: per wall-clock ns (what the programs
# print) and per CPU ns (user+sys from /usr/bin/time), which is robust when
# the machine is shared. Usage: sh mc/fast/testdata/bench-peers.sh [repeats]
set -e
PEERS=${PEERS:-/work/shared/peers}
N=${1:-3}
cc -O3 -march=native -o /tmp/metropolis "$PEERS/metropolis.c" -lm
cc -O3 -march=native -o /tmp/wolff "$PEERS/wolff.c" -lm
i=0
while [ $i -lt "$N" ]; do
	/usr/bin/time -f '%e %U %S' -o /tmp/peer.time /tmp/metropolis 256 2000 0.4406868 >/tmp/peer.out
	awk -v t="$(cat /tmp/peer.time)" '/attempted/ {split(t, a, " "); printf "metropolis.c L=256 beta_c: %.4f attempted flips/ns  %.4f flips/cpu-ns\n", $2, 256*256*2000/((a[2]+a[3])*1e9)}' /tmp/peer.out
	/usr/bin/time -f '%e %U %S' -o /tmp/peer.time /tmp/wolff 256 20000 0.4406868 >/tmp/peer.out
	awk -v t="$(cat /tmp/peer.time)" '/flipped/ {split(t, a, " "); printf "wolff.c      L=256 beta_c: %.4f flipped spins/ns   %.4f flipped/cpu-ns (approx.)\n", $2, $2*a[1]/(a[2]+a[3])}' /tmp/peer.out
	i=$((i + 1))
done
