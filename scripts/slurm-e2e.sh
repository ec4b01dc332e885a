#!/usr/bin/env bash
# End-to-end test of the shipped Slurm recipe (examples/slurm) on a real,
# one-node Slurm started here:
#
#   1. installs slurmctld, slurmd, slurm-client and munge with apt-get where
#      they are absent (root only);
#   2. starts munged, slurmctld and slurmd in the background (-D / -F) with a
#      private configuration under a temporary directory (localhost only,
#      proctrack/linuxproc, task/none, no cgroups, no accounting);
#   3. submits examples/slurm/scan.sbatch scaled down (a small lattice, a few
#      shards, short runs, a 1-minute time limit whose --signal=B:TERM
#      warning interrupts every run) and merge.sbatch with
#      --dependency=afterok on the array;
#   4. interrupts task 1 with 'scancel --signal=TERM --batch' and task 2 with
#      'scontrol requeue' once they have written a checkpoint;
#   5. waits (bounded) until the array and the merge job have finished by
#      themselves, prints the task states and restart counts, and compares
#      the merged file byte for byte with one uninterrupted, unsharded run;
#   6. stops the jobs and the daemons it started, by their PIDs (trap on exit).
#
# Exit status: 0 passed, 1 failed (the logs of the daemons are printed), 77
# skipped: Slurm is absent and cannot be installed here (not root, no apt, apt
# fails), the reason printed. Once installed, a Slurm that does not start is a
# failure, not a skip. Environment: E2E_KEEP=1 keeps the
# work directory; E2E_WAIT (seconds, default 420) bounds the wait for the jobs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SKIP=77
WAIT_LIMIT=${E2E_WAIT:-420}

say() { printf 'slurm-e2e: %s\n' "$*"; }
skip() { say "SKIP: $*"; exit "$SKIP"; }
fail() { say "FAIL: $*"; exit 1; }

# ---- 1. Slurm and munge ----------------------------------------------------------------------
need=()
for c in slurmctld slurmd sbatch scontrol squeue scancel munged mungekey; do
  command -v "$c" >/dev/null 2>&1 || need+=("$c")
done
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || skip "missing ${need[*]} and not root: cannot apt-get install them"
  command -v apt-get >/dev/null 2>&1 || skip "missing ${need[*]} and no apt-get"
  say "installing slurmctld slurmd slurm-client munge (missing: ${need[*]})"
  # Keep the packages from starting their services (there may be no init):
  # a policy-rc.d of our own only while none exists.
  own_policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && own_policy=1
  fi
  ok=1
  apt-get update -qq >/dev/null 2>&1 || ok=
  [ -n "$ok" ] && { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    slurmctld slurmd slurm-client munge >/dev/null 2>&1 || ok=; }
  [ -n "$own_policy" ] && rm -f /usr/sbin/policy-rc.d
  [ -n "$ok" ] || skip "apt-get could not install slurmctld slurmd slurm-client munge"
fi
[ "$(id -u)" = 0 ] || skip "not root: slurmd must run as root to start jobs"
say "$(slurmctld -V), $(munged -V 2>&1 | head -n 1)"

# ---- 2. daemons with a private configuration -----------------------------------------------
WORK=$(mktemp -d /tmp/isingrbm-slurm-e2e.XXXXXX)
chmod 755 "$WORK"
mkdir -p "$WORK"/{etc,state,spool,log,munge,run,bin}
chmod 755 "$WORK/munge"
export SLURM_CONF=$WORK/etc/slurm.conf
pids=()   # daemons started here, stopped in cleanup
bg=       # a long foreground command run in the background (see in_bg)
jobs_submitted=()
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e +o pipefail
  [ "$rc" = 0 ] || [ "$rc" = "$SKIP" ] || rc=1
  if [ ${#jobs_submitted[@]} -gt 0 ]; then
    scancel "${jobs_submitted[@]}" >/dev/null 2>&1 || true
    # Wait (bounded) for the job processes to end, then kill any left by PID.
    for _ in $(seq 1 20); do
      [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break
      sleep 1
    done
    for j in $(squeue -h -o %A 2>/dev/null); do
      for p in $(scontrol listpids "$j" 2>/dev/null | awk 'NR > 1 {print $1}'); do kill -KILL "$p" 2>/dev/null || true; done
    done
  fi
  [ -z "$bg" ] || { kill -TERM "$bg" 2>/dev/null; wait "$bg" 2>/dev/null; } || true
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${pids[i]}" 2>/dev/null || true
  done
  for p in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  # What the daemons started (slurmstepd, job scripts, isingrbm) carries
  # SLURM_CONF=$WORK/... in its environment: stop any left, by PID (they
  # remain when this script is stopped while jobs run).
  local left=() e
  for e in /proc/[0-9]*/environ; do
    p=${e#/proc/}
    p=${p%/environ}
    [ "$p" = $$ ] || [ "$p" = "$BASHPID" ] && continue
    { tr '\0' '\n' <"$e"; } 2>/dev/null | grep -qxF "SLURM_CONF=$SLURM_CONF" && left+=("$p")
  done
  if [ ${#left[@]} -gt 0 ]; then
    say "stopping ${#left[@]} leftover job processes: ${left[*]}"
    kill -TERM "${left[@]}" 2>/dev/null || true
    sleep 2
    kill -KILL "${left[@]}" 2>/dev/null || true
  fi
  if [ "$rc" != 0 ] && [ "$rc" != "$SKIP" ] && [ -d "$WORK/log" ]; then
    for f in "$WORK"/log/*.log "$WORK"/log/*.out; do
      [ -s "$f" ] || continue
      say "--- last lines of $f"
      tail -n 15 "$f" | sed 's/^/    /'
    done
  fi
  if [ -n "${E2E_KEEP:-}" ]; then say "kept $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
# in_bg COMMAND...: run a long command so that a TERM (from timeout) reaches
# the trap at once instead of after the command.
in_bg() {
  "$@" &
  bg=$!
  local rc=0
  wait "$bg" || rc=$?
  bg=
  return "$rc"
}

say "building isingrbm"
in_bg go build -o "$WORK/bin/isingrbm" ./cmd/isingrbm
ISINGRBM=$WORK/bin/isingrbm

mungekey --create --keyfile="$WORK/munge/munge.key" >/dev/null 2>&1 ||
  { dd if=/dev/urandom of="$WORK/munge/munge.key" bs=1024 count=1 2>/dev/null && chmod 600 "$WORK/munge/munge.key"; }
munged -F --force --key-file="$WORK/munge/munge.key" --socket="$WORK/munge/munge.socket" \
  --pid-file="$WORK/munge/munged.pid" --log-file="$WORK/log/munged.log" --seed-file="$WORK/munge/munged.seed" \
  >>"$WORK/log/munged.out" 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do [ -S "$WORK/munge/munge.socket" ] && break; sleep 0.1; done
[ -S "$WORK/munge/munge.socket" ] || fail "munged did not start (see $WORK/log/munged.log)"

HOST=$(hostname -s)
CPUS=$(nproc)
cat >"$SLURM_CONF" <<EOF
ClusterName=isingrbm-e2e
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# cred_expire is also how long a requeued job waits before it may start
# again (default 120 s): 10 s keeps this test short.
AuthInfo=socket=$WORK/munge/munge.socket,cred_expire=10
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/log/slurmctld.log
SlurmdLogFile=$WORK/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
KillWait=10
MinJobAge=3600
InactiveLimit=0
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS State=UNKNOWN
PartitionName=e2e Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -D -i -f "$SLURM_CONF" >>"$WORK/log/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -N "$HOST" -f "$SLURM_CONF" >>"$WORK/log/slurmd.out" 2>&1 &
pids+=($!)
up=
for _ in $(seq 1 60); do
  state=$(sinfo -h -N -o %T 2>/dev/null | head -n 1 || true)
  case $state in idle*) up=1; break ;; esac
  sleep 1
done
[ -n "$up" ] || fail "slurm did not come up within 60 s (node state '${state:-?}'; see the logs above)"
say "slurm up: node $HOST, $CPUS CPUs, config $SLURM_CONF"

# ---- 3. the recipe, scaled down ------------------------------------------------------------
# 4 shards of 2 of 8 temperatures, each task about 40 s of CPU.
# Slurm checks time limits every 30 s and sends the --signal warning at the
# first check that is less than warn+30 s before the limit: with --time=1 and
# B:TERM@45 that is the first check after the start, so every run of a task
# is cut by the time-limit warning within 30 s, and it takes several runs.
export N_SHARDS=4 PREFIX=scan ISINGRBM SIZE=48x48 TEMPS=2.0:2.7:0.1 ALGORITHM=metropolis SWEEPS=${E2E_SWEEPS:-8000000} \
  THERMALIZE=2000 SEED=7 CHECKPOINT_EVERY=2s
RUN=$WORK/run
cd "$RUN"
# The reference: one uninterrupted, unsharded run of the same scan, in the
# background at low priority (it fills the CPU while tasks wait for requeue).
nice -n 10 "$ISINGRBM" mc --size "$SIZE" --T "$TEMPS" --algorithm "$ALGORITHM" --sweeps "$SWEEPS" \
  --thermalize "$THERMALIZE" --seed "$SEED" --seconds=false --progress=false --out "$WORK/single.json" >/dev/null &
ref=$!
pids+=("$ref")
jid=$(sbatch --parsable --array=1-$N_SHARDS --cpus-per-task=1 --time=1 --signal=B:TERM@45 \
  --chdir="$RUN" "$ROOT/examples/slurm/scan.sbatch")
jobs_submitted+=("$jid")
mid=$(sbatch --parsable --dependency=afterok:"$jid" --chdir="$RUN" "$ROOT/examples/slurm/merge.sbatch")
jobs_submitted+=("$mid")
say "submitted array $jid (--array=1-$N_SHARDS, --time=1 --signal=B:TERM@45) and merge $mid (afterok:$jid)"

# ---- 4. interruptions ------------------------------------------------------------------------
wait_for_file() { # wait_for_file FILE SECONDS
  local i
  for ((i = 0; i < $2 * 10; i++)); do [ -e "$1" ] && return 0; sleep 0.1; done
  return 1
}
task_field() { # task_field TASK FIELD: a field of 'scontrol show job' for array task TASK
  scontrol show job -o "${jid}_$1" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1
}
wait_for_file "$RUN/scan.1.ckpt" 90 || fail "task 1 wrote no checkpoint within 90 s"
sleep 1
say "task 1 has a checkpoint: scancel --signal=TERM --batch ${jid}_1"
# scancel may report "Job can not be altered now" and retry for a minute
# once the task, signalled, has requeued itself: the signal is delivered all
# the same (the restart count below shows it), so do not wait for scancel.
timeout 5 scancel --signal=TERM --batch "${jid}_1" || say "(scancel exited $?: the task was already requeueing itself)"
wait_for_file "$RUN/scan.2.ckpt" 90 || fail "task 2 wrote no checkpoint within 90 s"
sleep 1
say "task 2 has a checkpoint: scontrol requeue ${jid}_2"
scontrol requeue "${jid}_2"

# ---- 5. wait for the array and the merge -----------------------------------------------------
t0=$SECONDS
while :; do
  left=$(squeue -h -o '%i %T %r' 2>/dev/null || true)
  [ -z "$left" ] && break
  if ((SECONDS - t0 > WAIT_LIMIT)); then
    echo "$left" | sed 's/^/    /'
    fail "jobs not finished after ${WAIT_LIMIT} s"
  fi
  sleep 2
done
say "all jobs left the queue after $((SECONDS - t0)) s"

echo
printf '%-14s %-10s %-9s %-8s\n' task state exit restarts
ok=1
for k in $(seq 1 $N_SHARDS); do
  st=$(task_field "$k" JobState) ex=$(task_field "$k" ExitCode) rs=$(task_field "$k" Restarts)
  printf '%-14s %-10s %-9s %-8s\n' "${jid}_$k" "$st" "$ex" "$rs"
  [ "$st" = COMPLETED ] || ok=
  if [ "$k" -le 2 ] && [ "${rs:-0}" -lt 1 ]; then ok=; say "task $k was interrupted but never restarted"; fi
done
mst=$(scontrol show job -o "$mid" | tr ' ' '\n' | sed -n 's/^JobState=//p')
printf '%-14s %-10s\n' "merge $mid" "$mst"
echo
for k in $(seq 1 $N_SHARDS); do
  say "log of task $k (ising-scan_${jid}_$k.log):"
  grep -h '^scan.sbatch\|^isingrbm' "$RUN/ising-scan_${jid}_$k.log" | sed 's/^/    /' || true
done
say "log of the merge job:"
sed 's/^/    /' "$RUN/ising-merge_$mid.log" || true
[ -n "$ok" ] || fail "not every task COMPLETED after its restarts"
# Every run that saw SIGTERM logged it; 2 of them were ours, the others came
# from the time-limit warning.
nterm=$(cat "$RUN"/ising-scan_"${jid}"_*.log | grep -c '^scan.sbatch: SIGTERM' || true)
say "runs interrupted by the --signal=B:TERM@45 time-limit warning: $((nterm - 2)) (plus 1 by scancel, 1 by scontrol requeue)"
[ "$nterm" -gt 2 ] || fail "no run was interrupted by the time-limit warning"
[ "$mst" = COMPLETED ] || fail "merge job $mid is $mst"

# ---- a real error is not retried --------------------------------------------------------
bad=$(ALGORITHM=nonsense PREFIX=bad sbatch --parsable --array=1 --cpus-per-task=1 --time=1 --chdir="$RUN" \
  "$ROOT/examples/slurm/scan.sbatch")
jobs_submitted+=("$bad")
for _ in $(seq 1 60); do [ -z "$(squeue -h -j "$bad" 2>/dev/null)" ] && break; sleep 1; done
bst=$(scontrol show job -o "${bad}_1" | tr ' ' '\n' | sed -n 's/^JobState=//p')
bex=$(scontrol show job -o "${bad}_1" | tr ' ' '\n' | sed -n 's/^ExitCode=//p')
brs=$(scontrol show job -o "${bad}_1" | tr ' ' '\n' | sed -n 's/^Restarts=//p')
say "a task with a bad flag (ALGORITHM=nonsense): ${bad}_1 $bst, exit $bex, restarts $brs:"
sed 's/^/    /' "$RUN/ising-scan_${bad}_1.log" || true
[ "$bst" = FAILED ] && [ "$bex" = 1:0 ] && [ "$brs" = 0 ] || fail "a bad flag must end FAILED with exit 1 and no restart"

# ---- the final comparison ---------------------------------------------------------------------
say "waiting for the reference run (uninterrupted, unsharded)"
wait "$ref" || fail "the reference run failed"
if cmp "$RUN/scan.json" "$WORK/single.json"; then
  say "PASS: merged scan.json ($(wc -c <"$RUN/scan.json") bytes) is byte-identical to one uninterrupted unsharded run"
else
  fail "merged scan.json differs from the uninterrupted run"
fi
