#!/usr/bin/env python3
"""jfr-areas.py FILE.jfr [REQUESTS]: JFR execution samples by area, per 1,000 requests when REQUESTS is given.

Each sample goes to the innermost frame of its stack that names an area (JDK, Reactor core and Netty buffer
frames name none, so a HashMap.get called by a security filter counts as security). The audit sender and sink
threads count as audit whatever they run.
"""
import collections, re, signal, subprocess, sys

signal.signal(signal.SIGPIPE, signal.SIG_DFL)

AREAS = [
    ('security', r'^org\.springframework\.security\.|^io\.vitalflow\.web\.security\.|^com\.nimbusds\.'),
    ('audit', r'^io\.vitalflow\.audit\.'),
    ('fhir', r'^io\.vitalflow\.fhir\.'),
    ('web-support', r'^io\.vitalflow\.web\.'),
    ('r2dbc', r'^io\.r2dbc\.|^org\.springframework\.r2dbc\.'),
    ('kafka', r'^org\.apache\.kafka\.'),
    ('jdbc', r'^org\.postgresql\.|^com\.zaxxer\.'),
    ('hapi', r'^ca\.uhn\.'),
    ('spring-web', r'^org\.springframework\.(web|http|core|util)\.'),
    ('micrometer', r'^io\.micrometer\.'),
    ('netty', r'^reactor\.netty\.|^io\.netty\.(handler|channel)\.codec|^io\.netty\.handler\.codec\.http'),
]
compiled = [(a, re.compile(p)) for a, p in AREAS]
f = sys.argv[1]
requests = int(sys.argv[2]) if len(sys.argv) > 2 else 0
out = subprocess.run(['jfr', 'print', '--events', 'jdk.ExecutionSample', '--stack-depth', '128', f],
                     capture_output=True, text=True).stdout
areas = collections.Counter()
detail = collections.defaultdict(collections.Counter)
total = 0
for s in out.split('jdk.ExecutionSample')[1:]:
    m = re.search(r'sampledThread = "([^"]*)"', s)
    thread = m.group(1) if m else '?'
    frames = re.findall(r'^\s+([\w$.<>]+)\.([\w$<>]+)\(', s, re.M)
    if not frames:
        continue
    total += 1
    area, frame = None, None
    if thread.startswith('audit-sender') or thread.startswith('sink-audit') or 'vitalflow-audit' in thread:
        area = 'audit (threads)'
        frame = thread.split('-')[0] + '-' + thread.split('-')[1] if '-' in thread else thread
    else:
        for cls, method in frames:
            for a, p in compiled:
                if p.search(cls):
                    area, frame = a, cls.rsplit('.', 1)[-1] + '.' + method
                    break
            if area:
                break
    area = area or 'other'
    areas[area] += 1
    detail[area][frame or frames[0][0].rsplit('.', 1)[-1] + '.' + frames[0][1]] += 1
print(f'samples {total}' + (f', requests {requests:,}, samples per 1,000 requests {total * 1000 / requests:.1f}' if requests else ''))
for a, c in areas.most_common():
    per = f'{c * 1000 / requests:7.2f} /1k req' if requests else ''
    print(f'{a:16s} {c:6d} {c * 100 / total:5.1f}% {per}')
for a in ('security', 'audit', 'audit (threads)', 'web-support'):
    print(f'--- {a}')
    for fr, c in detail[a].most_common(15):
        print(f'   {c:5d} {fr}')
