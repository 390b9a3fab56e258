#!/usr/bin/env bash
# Bring up a one-node Slurm cluster on this machine, for tests and CI (issue 9).
#
# Root only, no systemd needed: installs the Debian packages when missing, writes
# /etc/slurm/slurm.conf (only if absent or written by this script), creates the munge key if
# absent, starts munged, slurmctld (clean state, -c) and slurmd, and waits until the node is
# idle. Idempotent: when the cluster is already up with the same configuration it returns at
# once. Exits non-zero with a message on any failure. Stop it with scripts/slurm/down.sh.
#
# Environment: SLURM_UP_TIMEOUT  seconds to wait for the node to become idle (default 60)
#              SLURM_UP_QUIET=1  only print errors
set -euo pipefail

readonly MARKER='# libcc: written by scripts/slurm/up.sh'
readonly CONF_DIR=/etc/slurm
readonly CONF=$CONF_DIR/slurm.conf
readonly STATE_DIR=/run/libcc-slurm          # what this script started (read by down.sh)
readonly CTLD_PID=/run/slurmctld.pid
readonly SLURMD_PID=/run/slurmd.pid
readonly MUNGE_PID=/run/munge/munged.pid
readonly LOG_DIR=/var/log/slurm
readonly CTLD_SPOOL=/var/spool/slurmctld
readonly SLURMD_SPOOL=/var/spool/slurmd
readonly TIMEOUT=${SLURM_UP_TIMEOUT:-60}
readonly PACKAGES=(slurmctld slurmd slurm-client munge)

start_s=$SECONDS

say() { [[ ${SLURM_UP_QUIET:-} == 1 ]] || echo "slurm-up: $*"; }
die() {
  echo "slurm-up: error: $*" >&2
  exit 1
}
# Print the end of a log file to stderr, to explain a failure.
show_log() {
  if [[ -r $1 ]]; then
    echo "---- last lines of $1 ----" >&2
    tail -n 20 "$1" >&2 || true
  fi
}
# True when the process in pid file $1 is alive and its command name is $2.
pid_alive() {
  local pid comm
  [[ -r $1 ]] || return 1
  pid=$(<"$1")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
  [[ $comm == "$2"* ]]
}
# The distinct node states sinfo reports (one line per node and partition, hence sort -u);
# empty when the controller does not answer.
node_states() { { timeout 10 sinfo -h -N -o %T 2>/dev/null || true; } | sort -u; }

[[ $(id -u) == 0 ]] || die "must run as root (it installs packages and starts daemons)"
# One bring-up at a time (parallel test workers may call this together); waits for the other.
# (The daemons are started with 9>&- so that they do not inherit the lock and hold it forever.)
exec 9>/run/libcc-slurm.lock
flock -w 600 9 || die "another scripts/slurm/up.sh or down.sh held /run/libcc-slurm.lock for 10 minutes"
[[ $TIMEOUT =~ ^[0-9]+$ ]] || die "SLURM_UP_TIMEOUT must be a number of seconds, not '$TIMEOUT'"

# ---- 1. packages -------------------------------------------------------------------------
missing=()
for cmd in slurmctld slurmd sbatch munged mungekey; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd")
done
if ((${#missing[@]} > 0)); then
  command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get to install ${PACKAGES[*]}"
  say "installing ${PACKAGES[*]} (missing: ${missing[*]})"
  export DEBIAN_FRONTEND=noninteractive
  # Without systemd, the packages' postinst scripts would start munge, slurmctld and slurmd
  # through their init scripts, and fail the installation without a slurm.conf. Docker images
  # forbid that with /usr/sbin/policy-rc.d; elsewhere, do the same for this installation only.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\n# temporary, from libcc scripts/slurm/up.sh: no service starts\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 0755 /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt_log=$(mktemp)
  if ! apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=300 "${PACKAGES[@]}" >"$apt_log" 2>&1; then
    # A fresh machine may have no package lists yet.
    apt-get update -qq >>"$apt_log" 2>&1 || true
    if ! apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=300 "${PACKAGES[@]}" >>"$apt_log" 2>&1; then
      show_log "$apt_log"
      rm -f "$apt_log"
      die "apt-get install ${PACKAGES[*]} failed"
    fi
  fi
  rm -f "$apt_log"
  if [[ $(trap -p EXIT) == *policy-rc.d* ]]; then
    rm -f /usr/sbin/policy-rc.d
    trap - EXIT
  fi
  for cmd in slurmctld slurmd sbatch munged mungekey; do
    command -v "$cmd" >/dev/null 2>&1 || die "'$cmd' still missing after installing ${PACKAGES[*]}"
  done
fi

# ---- 2. host name and slurm.conf ---------------------------------------------------------
# (Minimal container images may lack hostname(1) or free(1): fall back to uname and /proc.)
if command -v hostname >/dev/null 2>&1; then host=$(hostname -s) || die "hostname -s failed"; else host=$(uname -n) && host=${host%%.*}; fi
[[ -n $host ]] || die "hostname -s printed nothing"
if ! getent hosts "$host" >/dev/null 2>&1; then
  say "adding '127.0.0.1 $host' to /etc/hosts so that SlurmctldHost resolves"
  echo "127.0.0.1 $host" >>/etc/hosts || die "cannot make '$host' resolvable in /etc/hosts"
  getent hosts "$host" >/dev/null 2>&1 || die "'$host' still does not resolve after editing /etc/hosts"
fi

cpus=$(nproc)
if command -v free >/dev/null 2>&1; then
  mem=$(free -m | awk '/^Mem:/ { print $2 }')
else
  mem=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
fi
[[ $cpus =~ ^[0-9]+$ && $mem =~ ^[0-9]+$ ]] || die "cannot read CPU count ($cpus) or memory ($mem MB)"
# slurmd drains a node configured with more memory than it sees itself (Low RealMemory).
seen=$(slurmd -C 2>/dev/null | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' | head -n 1 || true)
if [[ $seen =~ ^[0-9]+$ ]] && ((seen < mem)); then mem=$seen; fi

conf="$MARKER; rewritten on each run, do not edit.
# One-node cluster for libcc's tests and CI. Documentation: https://slurm.schedmd.com/slurm.conf.html
ClusterName=libcc
SlurmctldHost=$host
SlurmUser=slurm
AuthType=auth/munge
StateSaveLocation=$CTLD_SPOOL
SlurmdSpoolDir=$SLURMD_SPOOL
SlurmctldPidFile=$CTLD_PID
SlurmdPidFile=$SLURMD_PID
SlurmctldLogFile=$LOG_DIR/slurmctld.log
SlurmdLogFile=$LOG_DIR/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
# Without a default, a job that gives no --mem is allocated the whole node's memory and jobs
# run one at a time; with this, nproc one-CPU jobs run at once.
DefMemPerCPU=$((mem / cpus))
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$LOG_DIR/jobcomp.log
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
# Finished jobs stay visible to squeue -t all and scontrol show job for an hour.
MinJobAge=3600
# Start every runnable job at once (the default batches 2 jobs per 3 s).
SchedulerParameters=batch_sched_delay=0
# Reject at submission what no partition could ever run.
EnforcePartLimits=ALL
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
# A partition with a 1-minute limit, for tests of time limits.
PartitionName=short Nodes=$host MaxTime=1 State=UP
"

if [[ -e $CONF ]] && ! head -n 1 "$CONF" | grep -qF "$MARKER"; then
  die "$CONF exists and was not written by libcc; refusing to overwrite a site configuration (move it away first)"
fi

# ---- 3. already up? ----------------------------------------------------------------------
if [[ -e $CONF ]] && [[ $(<"$CONF") == "${conf%$'\n'}" ]] &&
  pid_alive "$CTLD_PID" slurmctld && pid_alive "$SLURMD_PID" slurmd &&
  [[ $(node_states) =~ ^(idle|mixed|allocated)$ ]]; then
  say "already up on $host ($(node_states)), nothing to do"
  exit 0
fi

# Anything half up (old configuration, a dead daemon) is stopped and restarted from scratch.
if pid_alive "$CTLD_PID" slurmctld || pid_alive "$SLURMD_PID" slurmd; then
  say "restarting: the running daemons do not match or are unhealthy"
  SLURM_DOWN_LOCKED=1 SLURM_DOWN_KEEP_MUNGE=1 SLURM_DOWN_QUIET=1 bash "$(dirname "${BASH_SOURCE[0]}")/down.sh" ||
    die "could not stop the running Slurm daemons"
fi

mkdir -p "$CONF_DIR" "$STATE_DIR"
tmp=$(mktemp "$CONF_DIR/.slurm.conf.XXXXXX")
printf '%s' "$conf" >"$tmp"
chmod 0644 "$tmp"
mv -f "$tmp" "$CONF"

install -d -o slurm -g slurm -m 0755 "$CTLD_SPOOL" "$LOG_DIR"
install -d -o root -g root -m 0755 "$SLURMD_SPOOL"

# ---- 4. munge ----------------------------------------------------------------------------
key=/etc/munge/munge.key
if [[ ! -s $key ]]; then
  say "creating the munge key $key"
  install -d -o munge -g munge -m 0700 /etc/munge
  mungekey --create --keyfile="$key" || die "mungekey --create failed"
fi
chown munge:munge "$key"
chmod 0400 "$key"
install -d -o munge -g munge -m 0755 /run/munge
install -d -o munge -g munge -m 0700 /var/lib/munge /var/log/munge
if ! pid_alive "$MUNGE_PID" munged; then
  say "starting munged"
  runuser -u munge -- munged 9>&- || { show_log /var/log/munge/munged.log; die "munged did not start"; }
  touch "$STATE_DIR/munged"            # down.sh stops munged only if we started it
fi
munge -n </dev/null | unmunge >/dev/null 2>&1 || { show_log /var/log/munge/munged.log; die "munge credentials do not round-trip (munge -n | unmunge)"; }

# ---- 5. slurmctld and slurmd -------------------------------------------------------------
say "starting slurmctld (clean state) and slurmd on $host: $cpus CPUs, $mem MB"
rm -f "$CTLD_PID" "$SLURMD_PID"
slurmctld -c 9>&- || { show_log "$LOG_DIR/slurmctld.log"; die "slurmctld did not start"; }
slurmd 9>&- || { show_log "$LOG_DIR/slurmd.log"; die "slurmd did not start"; }

deadline=$((SECONDS + TIMEOUT))
state=''
while :; do
  state=$(node_states)
  [[ $state == idle ]] && break
  if ((SECONDS >= deadline)); then
    show_log "$LOG_DIR/slurmctld.log"
    show_log "$LOG_DIR/slurmd.log"
    timeout 10 scontrol show node "$host" >&2 2>/dev/null || true
    die "node '$host' not idle after ${TIMEOUT}s (sinfo says: '${state:-no answer}')"
  fi
  for d in slurmctld slurmd; do
    pid_file=$CTLD_PID
    [[ $d == slurmd ]] && pid_file=$SLURMD_PID
    # Give a daemon a moment to write its pid file before calling it dead.
    if ((SECONDS - start_s > 5)) && ! pid_alive "$pid_file" "$d"; then
      show_log "$LOG_DIR/$d.log"
      die "$d exited during start-up"
    fi
  done
  sleep 0.2
done
say "up in $((SECONDS - start_s))s: node $host idle, partitions debug (default) and short (MaxTime=1)"
