#!/usr/bin/env python3
"""work-stats.py DATA_DIR: counters of the work the platform's broker and PostgreSQL have done so far, one
"name value" per line: bytes in each Kafka topic's log segments, and PostgreSQL's transactions, rows, WAL and
per-table writes and scans (pg_stat_database, pg_stat_wal, pg_stat_user_tables).
work-stats.py --per-request BEFORE AFTER REQUESTS: from two such readings, what changed, per request, largest
first within the broker's and PostgreSQL's; counters that did not change are left out."""
import glob, os, subprocess, sys

if sys.argv[1] == '--per-request':
    def read(path):
        return {k: float(v) for k, v in (l.split()[:2] for l in open(path) if l.strip())}
    a, b, n = read(sys.argv[2]), read(sys.argv[3]), max(int(sys.argv[4]), 1)
    rows = [(k, b[k] - a.get(k, 0)) for k in b]
    for k, d in sorted((r for r in rows if r[1]), key=lambda r: (r[0].split('.')[0], -abs(r[1]))):
        print(f"{k:60s} {d:14.0f}  {d / n:10.2f}/request")
    sys.exit(0)

data = os.path.abspath(sys.argv[1])
for log_dir in glob.glob(os.path.join(data, 'kafka', 'logs')) + glob.glob(os.path.join(data, 'kafka-*', 'logs')):
    sizes = {}
    for part in glob.glob(os.path.join(log_dir, '*-[0-9]*')):
        topic = os.path.basename(part).rsplit('-', 1)[0]
        sizes[topic] = sizes.get(topic, 0) + sum(os.path.getsize(f) for f in glob.glob(os.path.join(part, '*.log')))
    for topic, size in sorted(sizes.items()):
        print(f"kafka.{topic}.bytes {size}")

env = dict(os.environ, PGPASSWORD=open(os.path.join(data, 'postgres.password')).read().strip())


def psql(database, sql):
    out = subprocess.run(['psql', '-h', '127.0.0.1', '-p', os.environ.get('PGPORT', '54329'), '-U', 'postgres',
                          '-d', database, '-AtF', ' ', '-c', sql], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        print(f"work-stats.py: psql on {database} failed, its counters are left out: {out.stderr.strip()[:200]}",
              file=sys.stderr)
    return [l.split(' ') for l in out.stdout.splitlines() if l]


def counters(database, columns, source):
    """Rows of (first column, {name: value}) for the other columns."""
    return [(row[0], dict(zip(columns[1:], row[1:])))
            for row in psql(database, f"select {', '.join(columns)} from {source}")]


DATABASE = ['datname', 'xact_commit', 'xact_rollback', 'tup_returned', 'tup_fetched', 'tup_inserted', 'tup_updated',
            'tup_deleted', 'blks_read', 'blks_hit']
TABLE = ["schemaname || '.' || relname", 'seq_scan', 'coalesce(seq_tup_read, 0)', 'coalesce(idx_scan, 0)',
         'n_tup_ins', 'n_tup_upd', 'n_tup_del', 'n_tup_hot_upd']
TABLE_NAMES = ['seq_scan', 'seq_tup_read', 'idx_scan', 'ins', 'upd', 'del', 'hot_upd']

for name, values in counters('postgres', DATABASE,
                             "pg_stat_database where datname not like 'template%' and datname is not null"):
    for key, value in values.items():
        print(f"pg.db.{name}.{key} {value}")
    if name != 'postgres':
        for table, counts in counters(name, TABLE, 'pg_stat_user_tables'):
            for key, value in zip(TABLE_NAMES, counts.values()):
                print(f"pg.table.{name}.{table}.{key} {value}")
for _, values in counters('postgres', ['1', 'wal_records', 'wal_fpi', 'wal_bytes'], 'pg_stat_wal'):
    for key, value in values.items():
        print(f"pg.wal.{key.removeprefix('wal_')} {value}")
