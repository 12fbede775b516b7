#!/usr/bin/env python3
"""jfr-top.py FILE.jfr [N]: top self frames and top inclusive vitalflow/spring/kafka frames, and by thread."""
import subprocess, sys, re, collections
f=sys.argv[1]; n=int(sys.argv[2]) if len(sys.argv)>2 else 30
out=subprocess.run(['jfr','print','--events','jdk.ExecutionSample','--stack-depth','96',f],capture_output=True,text=True).stdout
samples=out.split('jdk.ExecutionSample')
self_c=collections.Counter(); incl=collections.Counter(); threads=collections.Counter(); total=0
for s in samples[1:]:
    m=re.search(r'sampledThread = "([^"]*)"',s)
    th=re.sub(r'\d+','#',m.group(1)) if m else '?'
    frames=re.findall(r'^\s+([\w$.<>]+\.[\w$<>]+)\(',s,re.M)
    if not frames: continue
    total+=1; threads[th]+=1
    self_c[frames[0]]+=1
    seen=set()
    for fr in frames:
        key=fr
        if key not in seen:
            seen.add(key); incl[key]+=1
print('total samples',total)
print('--- threads'); [print(f'{c*100/total:5.1f}% {t}') for t,c in threads.most_common(15)]
print('--- self'); [print(f'{c*100/total:5.1f}% {t}') for t,c in self_c.most_common(n)]
print('--- inclusive (io.vitalflow / security / audit)')
for t,c in incl.most_common(3000):
    if re.search(r'io\.vitalflow|springframework\.security|nimbus|Audit|jackson|hapi|r2dbc|kafka\.clients\.producer',t):
        print(f'{c*100/total:5.1f}% {t}')
