#!/usr/bin/env bash
# Stop the one-node Slurm cluster started by scripts/slurm/up.sh and clean its state:
# cancels remaining jobs, stops slurmd and slurmctld (by their pid files), stops munged if
# up.sh started it, and empties the spool directories. Packages and slurm.conf stay, so the
# next up.sh is fast. Safe to run when nothing is up.
#
# Environment: SLURM_DOWN_KEEP_MUNGE=1  leave munged running (used by up.sh on a restart)
#              SLURM_DOWN_LOCKED=1      the caller (up.sh) already holds /run/libcc-slurm.lock
#              SLURM_DOWN_QUIET=1       only print errors
set -euo pipefail

readonly MARKER='# libcc: written by scripts/slurm/up.sh'
readonly CONF=/etc/slurm/slurm.conf
readonly STATE_DIR=/run/libcc-slurm

say() { [[ ${SLURM_DOWN_QUIET:-} == 1 ]] || echo "slurm-down: $*"; }
die() {
  echo "slurm-down: error: $*" >&2
  exit 1
}

[[ $(id -u) == 0 ]] || die "must run as root"
if [[ ${SLURM_DOWN_LOCKED:-} != 1 ]]; then   # up.sh calls us while holding the lock
  exec 9>/run/libcc-slurm.lock
  flock -w 600 9 || die "another scripts/slurm/up.sh or down.sh held /run/libcc-slurm.lock for 10 minutes"
fi
if [[ -e $CONF ]] && ! head -n 1 "$CONF" | grep -qF "$MARKER"; then
  die "$CONF was not written by libcc; refusing to stop a site's Slurm"
fi

# Stop the process in pid file $1 if it is alive and named $2: SIGTERM, then SIGKILL after 10 s.
stop() {
  local pid_file=$1 name=$2 pid comm i
  [[ -r $pid_file ]] || return 0
  pid=$(<"$pid_file")
  if [[ $pid =~ ^[0-9]+$ ]] && comm=$(cat "/proc/$pid/comm" 2>/dev/null) && [[ $comm == "$name"* ]]; then
    say "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      say "$name (pid $pid) ignored SIGTERM for 10 s, killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pid_file"
}

# Cancel what is still pending or running, so no job step outlives slurmd.
# (Only when slurmctld is alive: without it every squeue waits ~9 s for nothing.)
ctld_pid=$(cat /run/slurmctld.pid 2>/dev/null || true)
if [[ $ctld_pid =~ ^[0-9]+$ && $(cat "/proc/$ctld_pid/comm" 2>/dev/null || true) == slurmctld* ]] &&
  command -v squeue >/dev/null 2>&1 && [[ -e $CONF ]]; then
  mapfile -t live < <(timeout 10 squeue -h -t PD,R,CG,S -o %A 2>/dev/null | sort -u)
  if ((${#live[@]} > 0)); then
    say "cancelling ${#live[@]} job(s)"
    timeout 10 scancel "${live[@]}" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      [[ -z $(timeout 10 squeue -h -t R,CG -o %A 2>/dev/null) ]] && break
      sleep 0.2
    done
  fi
fi

stop /run/slurmd.pid slurmd
stop /run/slurmctld.pid slurmctld
if [[ ${SLURM_DOWN_KEEP_MUNGE:-} != 1 && -e $STATE_DIR/munged ]]; then
  stop /run/munge/munged.pid munged
  rm -f "$STATE_DIR/munged"
fi
rm -rf /var/spool/slurmctld/* /var/spool/slurmd/*
say "stopped"
