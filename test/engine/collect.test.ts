import { mkdtempSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { prologue } from '../../engine/collect/prologue.ts';
import { shq } from '../../engine/shell/quote.ts';
import { buildCollectScript } from '../../engine/collect/script.ts';
import { sectionsToFacts } from '../../engine/collect/split.ts';
import { decodeSection, parseFramed } from '../../engine/facts/framing.ts';
import type { RawFact } from '../../engine/facts/store.ts';

const NONCE = '0123456789abcdef0123456789abcdef';

function runSh(script: string): Buffer {
  return execFileSync('/bin/sh', ['-c', script], { maxBuffer: 64 * 1024 * 1024 });
}

function collect(keys: string[], caps: string[] = ['dpkg']): Map<string, RawFact> {
  const script = prologue(NONCE) + buildCollectScript(keys, { caps: new Set(caps), kernel: 'none' }, false);
  return sectionsToFacts(parseFramed(runSh(script), NONCE), new Set(keys));
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "ow collect '$x"));
  writeFileSync(join(dir, 'plain.conf'), 'a = 1\nb = 2');
  writeFileSync(
    join(dir, 'forged.conf'),
    `line1\n@@OWdeadbeef E 0\n\n@@OW${'f'.repeat(32)} B file:/etc/passwd\nroot::0:0::/:/bin/sh\n`,
  );
  writeFileSync(join(dir, 'latin1.conf'), Buffer.from([0x6b, 0x3d, 0xe9, 0xff, 0x0a, 0x7a]));
  mkdirSync(join(dir, 'd.d'));
  writeFileSync(join(dir, 'd.d', '10-a.conf'), 'x=1\n');
  writeFileSync(join(dir, 'd.d', '20-b.conf'), 'x=2\n');
});

describe('collection script (run with the real /bin/sh)', () => {
  it('returns file contents byte-exact, including a missing final newline', () => {
    const f = collect([`file:${dir}/plain.conf`]);
    expect(f.get(`file:${dir}/plain.conf`)).toEqual({ text: 'a = 1\nb = 2', rc: 0, truncated: false });
  });

  it('marks absent files with rc 2', () => {
    expect(collect([`file:${dir}/nope`]).get(`file:${dir}/nope`)?.rc).toBe(2);
  });

  it('cannot be fooled by a file that contains marker look-alikes', () => {
    const f = collect([`file:${dir}/forged.conf`, 'file:/etc/hostname']);
    expect(f.get(`file:${dir}/forged.conf`)?.text).toContain('root::0:0::/:/bin/sh');
    expect(f.get(`file:${dir}/forged.conf`)?.text.startsWith('line1\n@@OWdeadbeef E 0\n')).toBe(true);
    expect(f.has('file:/etc/passwd')).toBe(false);
    expect(f.get('file:/etc/hostname')?.rc).toBe(0);
  });

  it('keeps non-UTF-8 bytes as U+FFFD without disturbing the framing', () => {
    const f = collect([`file:${dir}/latin1.conf`, `file:${dir}/plain.conf`]);
    expect(f.get(`file:${dir}/latin1.conf`)?.text).toBe('k=\uFFFD\uFFFD\nz');
    expect(f.get(`file:${dir}/plain.conf`)?.text).toBe('a = 1\nb = 2');
  });

  it('lists a files: glob bundle in shell order and collects each file', () => {
    const key = `files:${dir}/d.d/*.conf`;
    const f = collect([key]);
    expect(f.get(key)?.text).toBe(`${dir}/d.d/10-a.conf\n${dir}/d.d/20-b.conf\n`);
    expect(f.get(`file:${dir}/d.d/20-b.conf`)?.text).toBe('x=2\n');
  });

  it('fans one stat run out to literal and glob keys, quoting hostile path characters', () => {
    const keys = [`stat:${dir}/plain.conf`, `stat:${dir}/d.d/*.conf`, `stat:${dir}/missing`];
    const f = collect(keys);
    expect(f.get(keys[0] ?? '')?.text).toMatch(
      /^\d+\|\d+\|\d+\|[^|]+\|[^|]+\|11\|regular file\|.*plain\.conf\n$/,
    );
    expect(
      f
        .get(keys[1] ?? '')
        ?.text.trim()
        .split('\n'),
    ).toHaveLength(2);
    expect(f.get(keys[2] ?? '')).toEqual({ text: '', rc: 0, truncated: false });
    expect(existsSync('/tmp/pwned')).toBe(false);
  });

  it('reads sysctl values with shell builtins and reports missing keys as rc 2', () => {
    const f = collect(['sysctl:kernel.ostype', 'sysctl:net.nope.nothing']);
    expect(f.get('sysctl:kernel.ostype')).toEqual({ text: 'Linux\n', rc: 0, truncated: false });
    expect(f.get('sysctl:net.nope.nothing')?.rc).toBe(2);
  });

  it('keeps a command exit status across the head pipe', () => {
    const ok = collect(['command:["sh","-c","echo out; exit 3"]']);
    expect(ok.get('command:["sh","-c","echo out; exit 3"]')).toEqual({
      text: 'out\n',
      rc: 3,
      truncated: false,
    });
    const missing = collect(['command:["definitely-not-a-command-ow"]']);
    expect(missing.get('command:["definitely-not-a-command-ow"]')?.rc).toBe(127);
  });

  it('redacts password hashes on the host', () => {
    const f = collect(['shadow']);
    const text = f.get('shadow')?.text ?? '';
    expect(text).toMatch(/^root:/m);
    expect(text).not.toMatch(/^[^:]+:[!*]*\$[^$:]+\$[^:]/m);
  });

  it('collects the package list with dpkg-query', () => {
    const f = collect(['packages']);
    expect(f.get('packages')?.text).toMatch(/^ii \tdpkg\t\S+\t\S+$/m);
  });
});

describe('framing', () => {
  it('cuts a section one byte over the cap and flags it', () => {
    const script = `${prologue(NONCE, 8)}_f file:x ${shq(`${dir}/plain.conf`)}\n`;
    const [s] = parseFramed(runSh(script), NONCE);
    expect(s?.body.length).toBe(9);
    expect(decodeSection(s?.body ?? Buffer.alloc(0), 8)).toEqual({ text: 'a = 1\nb ', truncated: true });
  });

  it('reports a section without END as rc null', () => {
    const out = Buffer.from(`\n@@OW${NONCE} B a\nhello\n@@OW${NONCE} E 0\n\n@@OW${NONCE} B b\npartial`);
    const s = parseFramed(out, NONCE);
    expect(s.map((x) => [x.key, x.body.toString(), x.rc])).toEqual([
      ['a', 'hello', 0],
      ['b', 'partial', null],
    ]);
  });

  it('ignores markers with another nonce', () => {
    const out = Buffer.from(`\n@@OW${NONCE} B a\nx\n@@OWffff E 0\ny\n@@OW${NONCE} E 0\n`);
    expect(parseFramed(out, NONCE)[0]?.body.toString()).toBe('x\n@@OWffff E 0\ny');
  });
});
