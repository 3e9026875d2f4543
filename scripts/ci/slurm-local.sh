#!/bin/bash
# A real single-node Slurm cluster on loopback (Debian bookworm slurm-wlm 22.05), for tests of
# the cluster path. Known to work on these machines: about 1 s to start, no systemd, no cgroups.
#   slurm-local.sh start [DIR]   install if needed, start munged + slurmctld + slurmd
#   slurm-local.sh stop  [DIR]   stop exactly the daemons it started (by their recorded PIDs)
# Then: sbatch --array=0-3 --wait script.sbatch  (exit status 0 only if every task succeeded).
# Used by scripts/ci/slurm-test.sh (make test).
set -euo pipefail
cmd=${1:-start}
D=${2:-/tmp/lesionmtr-slurm}
H=$(hostname -s)
case $cmd in
stop)
  for f in slurmd.bgpid slurmctld.bgpid; do [ -f "$D/$f" ] && kill "$(cat "$D/$f")" 2>/dev/null || true; done
  sleep 1
  [ -f "$D/munged.pid" ] && kill "$(cat "$D/munged.pid")" 2>/dev/null || true
  exit 0 ;;
start) ;;
*) echo "usage: $0 start|stop [DIR]" >&2; exit 64 ;;
esac
if ! command -v slurmctld >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 \
    --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
fi
mkdir -p "$D/etc" "$D/state" "$D/log" "$D/spool/slurmd-$H"
cat > "$D/etc/slurm.conf" <<CONF
ClusterName=local
SlurmctldHost=$H(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool/slurmd-%n
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd-%n.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd-%n.log
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
MinJobAge=300
KillWait=5
NodeName=$H NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=4000 State=UNKNOWN
PartitionName=debug Nodes=$H Default=YES MaxTime=INFINITE State=UP
CONF
# the default path too: some job steps drop SLURM_CONF from their environment
mkdir -p /etc/slurm
{ [ -L /etc/slurm/slurm.conf ] || [ ! -e /etc/slurm/slurm.conf ]; } && ln -sfn "$D/etc/slurm.conf" /etc/slurm/slurm.conf
export SLURM_CONF=$D/etc/slurm.conf
[ -f /etc/munge/munge.key ] || { mungekey -c -k /etc/munge/munge.key; chown munge:munge /etc/munge/munge.key; }
install -d -o munge -g munge -m 755 /run/munge
runuser -u munge -- /usr/sbin/munged -F > "$D/log/munged.out" 2>&1 &
for _ in $(seq 50); do munge -n >/dev/null 2>&1 && break; sleep 0.1; done
cp /run/munge/munged.pid "$D/munged.pid"
/usr/sbin/slurmctld -D -i > "$D/log/slurmctld.out" 2>&1 & echo $! > "$D/slurmctld.bgpid"
for _ in $(seq 100); do scontrol ping 2>/dev/null | grep -q UP && break; sleep 0.2; done
/usr/sbin/slurmd -D -N "$H" > "$D/log/slurmd.out" 2>&1 & echo $! > "$D/slurmd.bgpid"
for _ in $(seq 100); do sinfo -h -o %T 2>/dev/null | grep -qx idle && break; sleep 0.2; done
sinfo
