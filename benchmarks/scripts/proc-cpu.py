#!/usr/bin/env python3
"""proc-cpu.py PID DATA_DIR: CPU seconds so far of the platform JVM (PID), its Kafka broker and its PostgreSQL.
proc-cpu.py --per-request BEFORE AFTER REQUESTS: from two such readings, the CPU of each and of all three per
request."""
import os, sys, glob

if sys.argv[1] == '--per-request':
    a = dict(l.split()[:2] for l in open(sys.argv[2]) if l.strip())
    b = dict(l.split()[:2] for l in open(sys.argv[3]) if l.strip())
    n = max(int(sys.argv[4]), 1)
    total = 0.0
    for k in b:
        d = float(b[k]) - float(a.get(k, 0))
        total += d
        print(f"{k:10s} cpu {d:7.1f} s  {d * 1e6 / n:8.1f} us/request")
    print(f"{'all':10s} cpu {total:7.1f} s  {total * 1e6 / n:8.1f} us/request")
    sys.exit(0)

tick = os.sysconf('SC_CLK_TCK')
platform, data = int(sys.argv[1]), os.path.abspath(sys.argv[2])


def stat(pid):
    try:
        with open(f'/proc/{pid}/stat') as f:
            fields = f.read().rsplit(')', 1)[1].split()
        # after the command: state ppid ... utime(14) stime(15) cutime(16) cstime(17), 1-based from pid
        return int(fields[1]), [int(x) for x in fields[11:15]]
    except (OSError, IndexError, ValueError):
        return None, None


def cmdline(pid):
    try:
        with open(f'/proc/{pid}/cmdline', 'rb') as f:
            return f.read().replace(b'\0', b' ').decode(errors='replace')
    except OSError:
        return ''


pids = [int(p) for p in os.listdir('/proc') if p.isdigit()]
parents = {p: stat(p)[0] for p in pids}
groups = {'platform': 0.0, 'kafka': 0.0, 'postgres': 0.0}
_, t = stat(platform)
if t:
    groups['platform'] = (t[0] + t[1]) / tick
for p in pids:
    if p != platform and 'java' in cmdline(p) and data in cmdline(p) and 'kafka' in cmdline(p).lower():
        _, t = stat(p)
        if t:
            groups['kafka'] += (t[0] + t[1]) / tick
for f in glob.glob(os.path.join(data, 'postgres', '**', 'postmaster.pid'), recursive=True):
    master = int(open(f).readline())
    _, t = stat(master)
    if t:
        groups['postgres'] += sum(t) / tick
    for p, parent in parents.items():
        if parent == master:
            _, t = stat(p)
            if t:
                groups['postgres'] += (t[0] + t[1]) / tick
for k, v in groups.items():
    print(k, v)
