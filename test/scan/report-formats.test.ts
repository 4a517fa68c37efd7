import { describe, expect, it } from 'vitest';
import { csvCell } from '../../engine/report/csv.ts';
import { formatter, FORMATS, type ScanOutput } from '../../engine/report/index.ts';
import { fixtureReport } from './fixture-report.ts';
import { findAll, parseXml } from './xml-lite.ts';

const single: ScanOutput = { reports: [fixtureReport()], errors: [], multiHost: false };
const fleet: ScanOutput = {
  reports: [fixtureReport('a'), fixtureReport('b')],
  errors: [{ host: 'c:2222', code: 'host_key_mismatch', message: 'expected SHA256:x, offered SHA256:y <&>' }],
  multiHost: true,
};

/** Minimal RFC 4180 reader, to prove the writer round-trips. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (quoted && c === '"') {
      quoted = false;
    } else if (quoted) {
      cell += c;
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else {
      cell += c;
    }
  }
  return rows;
}

describe('report formats', () => {
  it('json: the documented single-host shape, and a multi-host envelope', () => {
    const doc = JSON.parse(formatter('json')(single, {})) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual([
      'schema_version',
      'host',
      'platform',
      'capabilities',
      'timing',
      'stats',
      'summary',
      'results',
    ]);
    expect(doc.results).toEqual(fixtureReport().results);
    const multi = JSON.parse(formatter('json')(fleet, {})) as {
      reports: unknown[];
      errors: Array<{ code: string }>;
    };
    expect(multi.reports).toHaveLength(2);
    expect(multi.errors[0]?.code).toBe('host_key_mismatch');
  });

  it('jsonl: a line per result, a summary per host, an error per failed host', () => {
    const lines = formatter('jsonl')(fleet, {})
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; host: string });
    expect(lines.map((l) => l.type)).toEqual([
      ...Array(5).fill('result'),
      'summary',
      ...Array(5).fill('result'),
      'summary',
      'error',
    ]);
    expect(lines[0]).toMatchObject({
      type: 'result',
      host: 'a',
      rule_id: 'ssh-permit-root-login',
      status: 'fail',
    });
  });

  it('csv: quoting round-trips commas, quotes and newlines; formulas are defused', () => {
    const rows = parseCsv(formatter('csv')(single, {}));
    expect(rows[0]).toEqual([
      'host',
      'rule_id',
      'title',
      'severity',
      'status',
      'reason',
      'references',
      'evidence',
      'remediation',
      'shell_fix',
    ]);
    expect(rows).toHaveLength(6);
    expect(rows.every((r) => r.length === 10)).toBe(true);
    expect(rows[1]?.[8]).toBe('Set `PermitRootLogin no` in /etc/ssh/sshd_config,\nthen reload sshd.\n');
    expect(rows[1]?.[9]).toBe("printf '%s\\n' 'PermitRootLogin no' >> /etc/ssh/sshd_config");
    expect(rows[2]?.[8]).toBe('');
    expect(rows[2]?.[2]).toBe('Banner says "authorised use only", <really> & truly');
    expect(rows[1]?.[6]).toBe(
      'cis[debian12]:5.1.20; stig:V-238218; nist_800_53:AC-6(2); cac:sshd_disable_root_login',
    );
    expect(rows[2]?.[7]).toContain('contains, "quoted"\nnewline');
    expect(csvCell('=1+1')).toBe("'=1+1");
    // A leading minus can start a formula (`-2+3`), so it is neutralised like = + @.
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
  });

  it('junit: well-formed, escaped, statuses mapped to failure/error/skipped', () => {
    const doc = parseXml(formatter('junit')(fleet, {}));
    expect(doc.name).toBe('testsuites');
    expect(doc.attrs).toMatchObject({ tests: '11', failures: '2', errors: '3', skipped: '4' });
    const cases = findAll(doc, 'testcase');
    expect(cases).toHaveLength(11);
    const byName = (n: string) => cases.find((c) => c.attrs.name?.startsWith(n));
    expect(byName('ssh-permit-root-login')?.children.map((c) => c.name)).toEqual(['failure']);
    expect(byName('banner-text')?.attrs.name).toBe(
      'banner-text: Banner says "authorised use only", <really> & truly',
    );
    expect(byName('ssh-permit-root-login')?.children[0]?.text).toContain(
      'fix: Set `PermitRootLogin no` in /etc/ssh/sshd_config,\nthen reload sshd.',
    );
    expect(byName('banner-text')?.children[0]?.name).toBe('error');
    expect(byName('banner-text')?.children[0]?.attrs.message).toBe('parse error: line 3, "bad\ufffdbyte"');
    expect(byName('selinux-enforcing')?.children[0]).toMatchObject({
      name: 'skipped',
      attrs: { message: 'not_applicable: capability: selinux' },
    });
    expect(byName('sysctl-ip-forward')?.children).toEqual([]);
    expect(byName('connect')?.children[0]?.attrs.message).toBe('expected SHA256:x, offered SHA256:y <&>');
  });

  it('text: grouped by verdict, problems first, colour only on request', () => {
    const plain = formatter('text')(single, {});
    expect(plain).not.toContain('\u001b[');
    const order = ['FAIL (1)', 'ERROR (1)', 'NOT ASSESSABLE (1)', 'PASS (1)', 'NOT APPLICABLE (1)'].map((h) =>
      plain.indexOf(h),
    );
    expect(order.every((v, i) => v > 0 && (i === 0 || v > (order[i - 1] ?? 0)))).toBe(true);
    expect(plain).toContain('sshd -T: yes (expected permitrootlogin == no)');
    expect(plain).toContain('Summary: 1 pass, 1 fail, 1 error, 1 not assessable, 1 not applicable');
    expect(formatter('text')(single, { color: true })).toContain('\u001b[31m');
  });

  it('text: a failure shows its fix; --explain adds what the rule checks and why', () => {
    const plain = formatter('text')(single, {});
    expect(plain).toContain(
      [
        '      fix:',
        '        Set `PermitRootLogin no` in /etc/ssh/sshd_config,',
        '        then reload sshd.',
        '      shell fix (not run; review first):',
        "        printf '%s\\n' 'PermitRootLogin no' >> /etc/ssh/sshd_config",
      ].join('\n'),
    );
    expect(plain).not.toContain('why:');
    const rules = new Map([
      [
        'ssh-permit-root-login',
        { description: 'Root cannot log in over SSH.', rationale: 'Attribution.', remediation: 'x' },
      ],
    ]);
    expect(formatter('text')(single, { rules })).not.toContain('about:');
    const explained = formatter('text')(single, { rules, explain: true });
    expect(explained).toContain(
      '      about:\n        Root cannot log in over SSH.\n      why:\n        Attribution.\n      fix:',
    );
  });

  it('json: a failure carries remediation and shell fix, a pass neither', () => {
    const doc = JSON.parse(formatter('json')(single, {})) as { results: Record<string, unknown>[] };
    expect(doc.results[0]).toMatchObject({
      status: 'fail',
      remediation: 'Set `PermitRootLogin no` in /etc/ssh/sshd_config,\nthen reload sshd.\n',
    });
    for (const r of doc.results.slice(1)) expect(r).not.toHaveProperty('remediation');
  });

  it('every format accepts an empty run', () => {
    for (const f of FORMATS)
      expect(typeof formatter(f)({ reports: [], errors: [], multiHost: true }, {})).toBe('string');
  });
});
