#!/usr/bin/env python3
"""Fuzzes the two ways a budget enters a workspace, as a user would drive them: `budget load` of a
workbook folder and `budget import` of an input workbook, each with mutated copies of the demo.

For every case it checks what the quality bar promises:
- the process ends by itself within the time limit and without a signal or a trap (exit 0 or 1 only);
- a refused input (exit 1) leaves the workspace byte for byte as it was, leaves no temporary file
  beside it, and says what is wrong on stderr;
- an accepted folder (exit 0) can be read back: `budget tree` and `budget export` succeed, and
  `budget save` → `budget load` → `budget save` is byte-stable.
Memory is capped (RLIMIT_AS) so that an unbounded allocation fails the case instead of the machine.

Python standard library only; it runs the built binary, no network. Usage:
    swift build && python3 scripts/fuzz-workbooks.py [--cases 400] [--seed 1] [--binary .build/debug/budget]
It prints the case count and a summary, and exits 1 if any case failed (the failing inputs are kept).
"""
import argparse
import hashlib
import io
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
DEMO = os.path.join(ROOT, 'Workbooks', 'zezhou-natural-resources-2025')

INTERESTING_AMOUNTS = [
    '92233720368547758.08', '92233720368547758.07', '9223372036854775807', '-1', '-0.00', '0',
    '0.001', '1e5', '1E+300', 'NaN', 'inf', '1,000.00', '１２３４．５６', '12 34', '.5', '5.',
    '99999999999999999999999999999999', '50000000000000000.00', '9223372036854.999999',
    '00000000000000000000001.00', '+1', '１,０００', '', ' ', '1.2.3', '0x10', '١٢٣',
]
INTERESTING_TEXT = [
    b'\x00', b'\x01', b'\x1b[31m', b'\xff', b'\xc3', b'caf\xe9', b'\xe4\xb8', b'\xef\xbf\xbd',
    b'"', b'""', b'"a,b"', b'\r', b'\n', b'\r\n', b',', b'\xe2\x80\xae', b'\xef\xbb\xbf',
    b'=1+1', b'A' * 70000, b'\xe4\xb8\xad' * 30000,
]


def limit_memory():
    cap = 3 << 30
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def run(binary, args, timeout):
    start = time.monotonic()
    try:
        env = dict(os.environ, SWIFT_BACKTRACE='enable=no')  # a trap is reported by its exit status
        p = subprocess.run([binary] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout, preexec_fn=limit_memory, env=env)
        return p.returncode, p.stdout, p.stderr.decode('utf-8', errors='backslashreplace'), time.monotonic() - start
    except subprocess.TimeoutExpired:
        return 'timeout', b'', '', timeout


def digest(path):
    """What the workspace holds, row by row (read-only): opening a workspace may rewrite its header
    or its WAL without changing a row, so the bytes of the file are not the measure."""
    h = hashlib.sha256()
    con = sqlite3.connect(f'file:{path}?mode=ro', uri=True)
    try:
        for line in con.iterdump():
            h.update(line.encode())
    finally:
        con.close()
    return h.hexdigest()


def files_in(folder):
    """Every file under `folder` (the disclosure texts sit in a subfolder), as relative paths."""
    out = []
    for root, _, names in os.walk(folder):
        out.extend(os.path.relpath(os.path.join(root, n), folder) for n in names)
    return sorted(out)


def siblings(folder, keep):
    return sorted(n for n in os.listdir(folder) if n not in keep)


# --- mutations of a workbook folder -------------------------------------------------------------

def mutate_csv(data, rng):
    lines = data.split(b'\n')
    choice = rng.randrange(12)
    if choice == 0 and len(lines) > 1:  # an interesting amount in the amount column, if any
        i = rng.randrange(1, len(lines))
        cells = lines[i].split(b',')
        if cells and len(cells) > 1:
            j = rng.randrange(len(cells))
            cells[j] = rng.choice(INTERESTING_AMOUNTS).encode()
            lines[i] = b','.join(cells)
    elif choice == 1:  # bytes that are not text, or control characters, inside a cell
        i = rng.randrange(len(lines))
        pos = rng.randrange(len(lines[i]) + 1)
        lines[i] = lines[i][:pos] + rng.choice(INTERESTING_TEXT) + lines[i][pos:]
    elif choice == 2 and len(lines) > 2:  # a line dropped
        del lines[rng.randrange(1, len(lines))]
    elif choice == 3 and len(lines) > 1:  # a line repeated
        i = rng.randrange(1, len(lines))
        lines[i:i] = [lines[i]] * rng.choice([1, 2, 50])
    elif choice == 4:  # the header changed: a column renamed, removed, duplicated or added
        cells = lines[0].split(b',')
        op = rng.randrange(4)
        j = rng.randrange(len(cells))
        if op == 0:
            cells[j] = b'unknown'
        elif op == 1 and len(cells) > 1:
            del cells[j]
        elif op == 2:
            cells.append(cells[j])
        else:
            cells.insert(j, b'extra')
        lines[0] = b','.join(cells)
    elif choice == 5 and len(lines) > 1:  # a cell removed or added in a body line
        i = rng.randrange(1, len(lines))
        cells = lines[i].split(b',')
        if rng.random() < 0.5 and len(cells) > 1:
            del cells[rng.randrange(len(cells))]
        else:
            cells.insert(rng.randrange(len(cells) + 1), b'x')
        lines[i] = b','.join(cells)
    elif choice == 6:  # random byte flips
        buf = bytearray(b'\n'.join(lines))
        for _ in range(rng.randint(1, 8)):
            if buf:
                buf[rng.randrange(len(buf))] = rng.randrange(256)
        return bytes(buf)
    elif choice == 7:  # truncated
        joined = b'\n'.join(lines)
        return joined[:rng.randrange(len(joined) + 1)]
    elif choice == 8 and len(lines) > 1:  # a code cell replaced by a nearby or impossible code
        i = rng.randrange(1, len(lines))
        cells = lines[i].split(b',')
        j = rng.randrange(len(cells))
        cells[j] = rng.choice([b'2080599', b'20805', b'999999', b'30101', b'3', b'P99', b'080002', b''])
        lines[i] = b','.join(cells)
    elif choice == 9:  # a BOM, CRLF endings or an unbalanced quote
        joined = b'\n'.join(lines)
        op = rng.randrange(3)
        if op == 0:
            return b'\xef\xbb\xbf' + joined
        if op == 1:
            return joined.replace(b'\n', b'\r\n')
        pos = rng.randrange(len(joined) + 1)
        return joined[:pos] + b'"' + joined[pos:]
    elif choice == 10:  # empty file or header only
        return b'' if rng.random() < 0.5 else lines[0] + b'\n'
    else:  # many lines (bounded: a few thousand)
        if len(lines) > 1:
            body = [l for l in lines[1:] if l]
            if body:
                lines = [lines[0]] + [rng.choice(body) for _ in range(rng.choice([500, 3000]))] + [b'']
    return b'\n'.join(lines)


def mutate_json(data, rng):
    options = [
        b'', b'{', b'[]', b'{"department": "x"}', b'{"department": "", "year": 2025}',
        b'{"department": "a", "year": 99999999999999999999}', b'{"department": "a", "year": -1}',
        b'{"department": "a\\u0000b", "year": 2025}', b'{"department": 5, "year": "2025"}',
        data.replace(b'2025', b'1e3'), data + b'garbage', data.replace(b'"', b"'"),
        b'{"department": "' + b'\xe4\xb8\xad' * 100000 + b'", "year": 2025}',
    ]
    return rng.choice(options)


def mutate_folder(folder, rng):
    names = files_in(folder)
    made = []
    for _ in range(rng.randint(1, 3)):
        name = rng.choice(names)
        path = os.path.join(folder, name)
        op = rng.random()
        if op < 0.04:
            os.remove(path)
            names.remove(name)
            made.append(f'{name}: removed')
            if not names:
                break
            continue
        with open(path, 'rb') as f:
            data = f.read()
        new = mutate_json(data, rng) if name.endswith('.json') else mutate_csv(data, rng)
        with open(path, 'wb') as f:
            f.write(new)
        made.append(f'{name}: {len(data)}→{len(new)} bytes')
    return made


# --- mutations of an input workbook (XML level, then re-zipped) ----------------------------------

XML_MUTATIONS = [
    (b'<v>', b'<v>92233720368547758.079999'), (b'<v>', b'<v>-'), (b'<v>', b'<v>1e308'),
    (b'<v>', b'<v>NaN'), (b't="s"', b't="inlineStr"'), (b't="s"', b't="n"'), (b'<c ', b'<c r="ZZZZ1" '),
    (b'<row ', b'<row r="0" '), (b'<row ', b'<row r="99999999999" '), (b'<t>', b'<t>\xff'),
    (b'<t>', b'<t>&#0;'), (b'<t>', b'<t>&#xD800;'), (b'<t>', b'<t>' + b'x' * 200000),
    (b'</sheetData>', b'</sheetData><mergeCells>' + b''.join(b'<mergeCell ref="A%d:ZZZ%d"/>' % (i, i) for i in range(1, 3000)) + b'</mergeCells>'),
    (b'<c ', b'<c r="G2" t="inlineStr"/><c '), (b'<sheetData>', b'<sheetData><row r="1">'),
    (b'</row>', b''), (b'"', b''), (b'<', b'<<'),
]


def mutate_xlsx(src, dst, rng):
    with zipfile.ZipFile(src) as z:
        parts = [(i, z.read(i.filename)) for i in z.infolist()]
    made = []
    xml_parts = [k for k, (i, _) in enumerate(parts) if i.filename.endswith('.xml')]
    for _ in range(rng.randint(1, 3)):
        k = rng.choice(xml_parts)
        info, data = parts[k]
        old, new = rng.choice(XML_MUTATIONS)
        hits = [i for i in range(len(data)) if data.startswith(old, i)][:2000] if old in data else []
        if hits:
            at = rng.choice(hits)
            data = data[:at] + new + data[at + len(old):]
            made.append(f'{info.filename}: {old[:12]!r}→{new[:24]!r}')
        else:
            buf = bytearray(data)
            if buf:
                buf[rng.randrange(len(buf))] = rng.randrange(256)
            data = bytes(buf)
            made.append(f'{info.filename}: byte flip')
        parts[k] = (info, data)
    with zipfile.ZipFile(dst, 'w', zipfile.ZIP_DEFLATED) as z:
        for info, data in parts:
            z.writestr(info.filename, data)
    if rng.random() < 0.1:  # sometimes damage the package itself
        with open(dst, 'r+b') as f:
            size = os.path.getsize(dst)
            f.seek(rng.randrange(size))
            f.write(bytes([rng.randrange(256)]))
        made.append('zip: byte flip')
    return made


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--binary', default=os.path.join(ROOT, '.build', 'debug', 'budget'))
    ap.add_argument('--cases', type=int, default=400, help='cases per reader (load, import)')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--timeout', type=float, default=30.0, help='seconds a case may take')
    ap.add_argument('--keep', default=None, help='folder for failing inputs (default: a temp folder)')
    args = ap.parse_args()
    if not os.path.exists(args.binary):
        sys.exit(f'no binary at {args.binary}: run swift build first')
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix='fuzz-workbooks-')
    keep = args.keep or os.path.join(work, 'failures')
    os.makedirs(keep, exist_ok=True)
    base = os.path.join(work, 'base.budget')
    code, _, err, _ = run(args.binary, ['load', DEMO, '--into', base], 120)
    if code != 0:
        sys.exit(f'could not build the base workspace: {err}')
    template = os.path.join(work, 'input.xlsx')
    code, _, err, _ = run(args.binary, ['template', base, '--out', template], 120)
    if code != 0:
        sys.exit(f'could not write the input template: {err}')

    stats = {'load': {'accepted': 0, 'refused': 0, 'failed': 0},
             'import': {'accepted': 0, 'refused': 0, 'failed': 0}}
    failures = []
    slowest = 0.0

    def fail(reader, case, why, inputs):
        stats[reader]['failed'] += 1
        dest = os.path.join(keep, f'{reader}-{case}')
        if os.path.isdir(inputs):
            shutil.copytree(inputs, dest, dirs_exist_ok=True)
        else:
            os.makedirs(dest, exist_ok=True)
            shutil.copy(inputs, dest)
        failures.append(f'{reader} case {case}: {why} (input kept in {dest})')

    for case in range(args.cases):
        case_dir = os.path.join(work, f'load-{case}')
        folder = os.path.join(case_dir, 'folder')
        shutil.copytree(DEMO, folder)
        made = mutate_folder(folder, rng)
        ws = os.path.join(case_dir, 'ws.budget')
        shutil.copy(base, ws)
        before = digest(ws)
        code, out, err, took = run(args.binary, ['load', folder, '--into', ws], args.timeout)
        slowest = max(slowest, took)
        leftover = siblings(case_dir, {'folder', 'ws.budget', 'ws.budget-wal', 'ws.budget-shm'})
        if code == 0:
            stats['load']['accepted'] += 1  # a case that then fails counts in both
            ok = True
            for cmd in (['tree', ws], ['export', ws, '--out', os.path.join(case_dir, 'x.xlsx')]):
                c, _, e, _ = run(args.binary, cmd, args.timeout)
                if c != 0:
                    fail('load', case, f'accepted, then `{cmd[0]}` exited {c}: {e[:300]}; {made}', folder)
                    ok = False
                    break
            if ok:
                a, b = os.path.join(case_dir, 'a'), os.path.join(case_dir, 'b')
                ws2 = os.path.join(case_dir, 'ws2.budget')
                steps = [['save', ws, '--to', a], ['load', a, '--into', ws2], ['save', ws2, '--to', b]]
                for cmd in steps:
                    c, _, e, _ = run(args.binary, cmd, args.timeout)
                    if c != 0:
                        fail('load', case, f'accepted, then `{" ".join(cmd[:1])}` exited {c}: {e[:300]}; {made}', folder)
                        ok = False
                        break
                if ok:
                    replaced = b'\xef\xbf\xbd'  # U+FFFD: a character replaced instead of refused
                    given = any(replaced in open(os.path.join(folder, n), 'rb').read() for n in files_in(folder))
                    for n in files_in(a):
                        saved = open(os.path.join(a, n), 'rb').read()
                        other = os.path.join(b, n)
                        if not os.path.exists(other) or saved != open(other, 'rb').read():
                            fail('load', case, f'save → load → save changed {n}; {made}', folder)
                            break
                        if replaced in saved and not given:
                            fail('load', case, f'accepted with a replaced character (U+FFFD) in {n}; {made}', folder)
                            break
        elif code == 1:
            stats['load']['refused'] += 1
            if digest(ws) != before:
                fail('load', case, f'refused but the workspace changed; {made}', folder)
            elif leftover:
                fail('load', case, f'refused and left {leftover}; {made}', folder)
            elif not err.strip():
                fail('load', case, f'refused without a word on stderr; {made}', folder)
        else:
            fail('load', case, f'exit {code}: {err[-300:]}; {made}', folder)
        shutil.rmtree(case_dir, ignore_errors=True)

    for case in range(args.cases):
        case_dir = os.path.join(work, f'import-{case}')
        os.makedirs(case_dir)
        book = os.path.join(case_dir, 'input.xlsx')
        made = mutate_xlsx(template, book, rng)
        ws = os.path.join(case_dir, 'ws.budget')
        shutil.copy(base, ws)
        before = digest(ws)
        extra = ['--replace'] if rng.random() < 0.5 else []
        code, out, err, took = run(args.binary, ['import', ws, book] + extra, args.timeout)
        slowest = max(slowest, took)
        if code == 0:
            stats['import']['accepted'] += 1
            c, _, e, _ = run(args.binary, ['tree', ws], args.timeout)
            if c != 0:
                fail('import', case, f'accepted, then `tree` exited {c}: {e[:300]}; {made}', book)
        elif code == 1:
            stats['import']['refused'] += 1
            if digest(ws) != before:
                fail('import', case, f'refused but the workspace changed; {made}', book)
            elif not err.strip():
                fail('import', case, f'refused without a word on stderr; {made}', book)
        else:
            fail('import', case, f'exit {code}: {err[-300:]}; {made}', book)
        shutil.rmtree(case_dir, ignore_errors=True)

    total = 2 * args.cases
    print(f'fuzz-workbooks: {total} cases (seed {args.seed}), slowest {slowest:.1f} s')
    for reader, s in stats.items():
        print(f'  {reader:7} accepted {s["accepted"]:4}  refused {s["refused"]:4}  failed {s["failed"]:4}')
    for f in failures[:50]:
        print('  FAIL', f)
    if failures:
        print(f'{len(failures)} failing cases; inputs kept under {keep}')
        sys.exit(1)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    main()
