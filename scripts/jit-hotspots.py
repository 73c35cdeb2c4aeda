#!/usr/bin/env python3
"""Puts perf's samples on the instructions of one JIT-compiled method (see scripts/jit-hotspots).

Usage: jit-hotspots.py JAVA_OUT IPS ANNOTATED [--top N] [--context N]
JAVA_OUT holds the VM's -XX:CompileCommand=print output; the last compile at the highest tier is taken. Without
hsdis the VM prints the code as hex words ("0x...: 448b 5608 | ..."), which objdump disassembles here. IPS is
`perf script -F ip`: one sampled instruction address per line.
"""
import argparse
import collections
import re
import subprocess
import sys
import tempfile

HEADER = re.compile(r'^Compiled method \((c1|c2)\)\s+\d+\s+\d+\s+\S*\s+(\d)\s+(\S+)')
CODE = re.compile(r'^\s*0x([0-9a-f]+): ((?:[0-9a-f]{2,8}\s*\|?\s*)+)$')


def last_compile(text):
    """The last section of the highest tier: (title, start address, code bytes)."""
    sections = []
    for m in re.finditer(r'^Compiled method \(.*$', text, re.M):
        sections.append(m.start())
    if not sections:
        sys.exit("jit-hotspots: no 'Compiled method' in the VM output: did the method compile, is its name right?")
    best = None
    for i, at in enumerate(sections):
        end = sections[i + 1] if i + 1 < len(sections) else len(text)
        body = text[at:end]
        h = HEADER.match(body)
        tier = int(h.group(2)) if h else 0
        if best is None or tier >= best[0]:
            best = (tier, body)
    body = best[1]
    title = body.split('\n', 1)[0]
    code, start, last = bytearray(), None, None
    for line in body.split('\n'):
        if line.startswith('[Stub Code]') or line.startswith('[Exception Handler]'):
            break
        m = CODE.match(line)
        if not m:
            continue
        addr = int(m.group(1), 16)
        data = bytes.fromhex(re.sub(r'[\s|]', '', m.group(2)))
        if start is None:
            start = addr
        if last is not None and addr < last:
            continue
        if last is not None and addr > last:
            code += b'\x90' * (addr - last)
        code += data
        last = addr + len(data)
    if start is None:
        sys.exit("jit-hotspots: the compile has no code words (is the VM's print output complete?)")
    return title, start, bytes(code)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('java_out')
    ap.add_argument('ips')
    ap.add_argument('annotated')
    ap.add_argument('--top', type=int, default=30)
    ap.add_argument('--context', type=int, default=40)
    a = ap.parse_args()
    with open(a.java_out, errors='replace') as f:
        title, start, code = last_compile(f.read())
    samples, total = collections.Counter(), 0
    with open(a.ips) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            total += 1
            ip = int(line.split()[0], 16)
            if start <= ip < start + len(code):
                samples[ip] += 1
    inside = sum(samples.values())
    with tempfile.NamedTemporaryFile(suffix='.bin') as tmp:
        tmp.write(code)
        tmp.flush()
        dis = subprocess.run(['objdump', '-D', '-b', 'binary', '-mi386:x86-64', '--adjust-vma=%#x' % start,
                              tmp.name], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in dis.split('\n'):
        m = re.match(r'\s*([0-9a-f]+):\t', line)
        if m:
            rows.append((int(m.group(1), 16), line.strip()))
    share = lambda ip: 100.0 * samples.get(ip, 0) / max(inside, 1)
    with open(a.annotated, 'w') as f:
        for ip, text in rows:
            f.write('%6.2f  %s\n' % (share(ip), text))
    print(title)
    print('%d bytes of code; %d of %d samples (%.1f%%) fall in it; a sample often lands on the instruction after '
          'the one that stalled' % (len(code), inside, total, 100.0 * inside / max(total, 1)))
    print('stack-slot operands, (%%rsp), in the code: %d instructions' % sum('(%rsp)' in t for _, t in rows))
    if inside == 0:
        sys.exit('jit-hotspots: no sample fell in the method: run the workload longer, or lower --delay (the '
                 'compile printed may also be one the VM replaced before sampling began)')
    hottest = sorted(rows, key=lambda r: -samples.get(r[0], 0))[:a.top]
    print('\n-- hottest %d instructions' % len(hottest))
    for ip, text in hottest:
        print('%6.2f  %s' % (share(ip), text))
    if hottest and samples:
        index = next(i for i, r in enumerate(rows) if r[0] == hottest[0][0])
        print('\n-- around the hottest')
        for ip, text in rows[max(0, index - a.context):index + a.context // 2]:
            print('%6.2f  %s' % (share(ip), text))
    print('\nevery instruction: %s' % a.annotated)


if __name__ == '__main__':
    main()
