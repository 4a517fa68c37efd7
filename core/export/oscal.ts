import type { Evidence } from '../../engine/types.ts';
import type { ExportResult, ScanExportData } from './load.ts';

/** The OSCAL release whose `assessment-results` model this export follows. */
export const OSCAL_VERSION = '1.1.2';
/** Namespace of OpenWatch's own props (OSCAL requires one for names outside its own vocabulary). */
export const OPENWATCH_NS = 'urn:openwatch:oscal';

type Prop = { name: string; ns: string; value: string };

/** OSCAL strings are non-empty with no leading or trailing space and no line breaks in a prop value. */
function propValue(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function props(entries: Record<string, string | null | undefined>): Prop[] {
  const out: Prop[] = [];
  for (const [name, raw] of Object.entries(entries)) {
    const value = raw === null || raw === undefined ? '' : propValue(raw);
    if (value) out.push({ name, ns: OPENWATCH_NS, value });
  }
  return out;
}

/** NIST SP 800-53 `AC-2(3)` → OSCAL control id `ac-2.3`; `IA-4(e)` (a statement) → `ia-4`. */
export function oscalControlId(ref: string): string | undefined {
  const m = /^([A-Z]{2})-(\d+)(?:\((\d+)\))?/.exec(ref.trim());
  if (!m) return undefined;
  return `${m[1]?.toLowerCase()}-${m[2]}${m[3] ? `.${m[3]}` : ''}`;
}

export function controlIds(r: ExportResult): string[] {
  const refs = r.references.nist_800_53;
  if (!Array.isArray(refs)) return [];
  const ids = refs.map((x) => oscalControlId(String(x))).filter((x): x is string => x !== undefined);
  return [...new Set(ids)];
}

/** A Markdown code fence longer than any backtick run in the text, so host text cannot break out. */
function fenced(text: string): string {
  const longest = Math.max(2, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}\n${text}\n${fence}`;
}

function evidenceItem(e: Evidence) {
  const observed = e.observed === null ? 'absent' : fenced(e.observed);
  return {
    description: `Source: ${fenced(e.source)}\n\nObserved: ${observed}\n\nExpected: ${fenced(e.expected)}${
      e.note ? `\n\nNote: ${fenced(e.note)}` : ''
    }`,
    props: props({
      'evidence-source': e.source,
      'evidence-expected': e.expected,
      'evidence-observed': e.observed === null ? '(absent)' : e.observed,
    }),
  };
}

/** An OSCAL document's metadata for one scan: the scan id is the document version. */
export function oscalMetadata(title: string, d: ScanExportData, generatedAt: Date) {
  return {
    title,
    'last-modified': generatedAt.toISOString(),
    version: d.scan.id,
    'oscal-version': OSCAL_VERSION,
    props: props({ 'scan-id': d.scan.id, 'host-id': d.host.id }),
  };
}

/** The OSCAL objective state for a verdict: only a pass is satisfied; missing data is never a pass. */
function targetStatus(status: ExportResult['status']): {
  state: 'satisfied' | 'not-satisfied';
  reason: string;
} {
  if (status === 'pass') return { state: 'satisfied', reason: 'pass' };
  if (status === 'fail') return { state: 'not-satisfied', reason: 'fail' };
  if (status === 'not_applicable') return { state: 'satisfied', reason: 'other' };
  return { state: 'not-satisfied', reason: 'other' };
}

/** A token (OSCAL `target-id`): a rule id that starts with a digit gets a `rule-` prefix. */
function ruleToken(ruleId: string): string {
  return /^[A-Za-z_]/.test(ruleId) ? ruleId : `rule-${ruleId}`;
}

/** OSCAL 1.1 Assessment Results (JSON) for one completed scan; every uuid is a fresh v4. */
export function oscalExport(d: ScanExportData, generatedAt: Date) {
  const uuid = () => crypto.randomUUID();
  const { scan, host } = d;
  const start = (scan.started_at ?? scan.created_at).toISOString();
  const end = (scan.finished_at ?? generatedAt).toISOString();
  const itemUuid = uuid();
  const planUuid = uuid();
  const subject = { 'subject-uuid': itemUuid, type: 'inventory-item' };

  const observations: unknown[] = [];
  const findings: unknown[] = [];
  const controls = new Set<string>();
  for (const r of d.results) {
    const observationUuid = uuid();
    const title = r.title ?? r.rule_id;
    const ids = controlIds(r);
    for (const id of ids) controls.add(id);
    observations.push({
      uuid: observationUuid,
      title,
      description: `OpenWatch rule \`${r.rule_id}\` evaluated on ${host.hostname}: ${r.status}${
        r.reason ? ` (${r.reason})` : ''
      }.`,
      props: props({ 'rule-id': r.rule_id, status: r.status, severity: r.severity, reason: r.reason }),
      methods: ['TEST'],
      subjects: [subject],
      collected: end,
      ...(r.evidence.length ? { 'relevant-evidence': r.evidence.map(evidenceItem) } : {}),
    });
    const status = targetStatus(r.status);
    findings.push({
      uuid: uuid(),
      title,
      description: `Rule \`${r.rule_id}\` (${r.severity}): ${r.status}.`,
      props: [
        ...props({ 'rule-id': r.rule_id, severity: r.severity }),
        ...ids.map((value) => ({ name: 'control-id', ns: OPENWATCH_NS, value })),
      ],
      target: {
        type: 'objective-id',
        'target-id': ruleToken(r.rule_id),
        props: props({ status: r.status }),
        status,
        ...(r.status === 'pass'
          ? {}
          : r.status === 'fail'
            ? r.remediation
              ? { remarks: `Remediation:\n\n${r.remediation}` }
              : {}
            : { remarks: `OpenWatch verdict: ${r.status}${r.reason ? ` (${r.reason})` : ''}.` }),
      },
      'related-observations': [{ 'observation-uuid': observationUuid }],
    });
  }

  const sorted = [...controls].sort();
  return {
    'assessment-results': {
      uuid: uuid(),
      metadata: oscalMetadata(`OpenWatch scan of ${host.hostname}`, d, generatedAt),
      'import-ap': {
        href: `#${planUuid}`,
        remarks: 'OpenWatch scans are not driven by an OSCAL assessment plan; see the back-matter resource.',
      },
      results: [
        {
          uuid: uuid(),
          title: `Scan ${scan.id}`,
          description: `Automated OpenWatch compliance scan of ${host.hostname} (${host.address}).`,
          start,
          end,
          props: props({ 'scan-id': scan.id }),
          'local-definitions': {
            'inventory-items': [
              {
                uuid: itemUuid,
                description: `Host ${host.hostname}`,
                props: props({
                  hostname: host.hostname,
                  address: host.address,
                  environment: host.environment,
                  'os-family': host.os_family,
                  'os-id': host.os_id,
                  'os-version': host.os_version,
                  'os-name': host.os_name,
                  kernel: host.kernel,
                }),
              },
            ],
          },
          'reviewed-controls': {
            'control-selections': [
              {
                description: 'NIST SP 800-53 controls referenced by the rules this scan evaluated.',
                ...(sorted.length ? { 'include-controls': sorted.map((id) => ({ 'control-id': id })) } : {}),
              },
            ],
          },
          ...(observations.length ? { observations, findings } : {}),
        },
      ],
      'back-matter': {
        resources: [
          {
            uuid: planUuid,
            title: 'No assessment plan',
            description:
              'This assessment was an automated OpenWatch scan; no OSCAL assessment plan was imported.',
          },
        ],
      },
    },
  };
}
