import type { ScanExportData } from './load.ts';
import { controlIds, oscalMetadata, props } from './oscal.ts';

/**
 * OSCAL 1.1 Assessment Plan (JSON) for one scan: what was to be assessed (the NIST SP 800-53 controls
 * its rules reference), on which subject (the host), by which task (the automated scan) and method
 * (one activity per rule). OpenWatch has no OSCAL SSP, so `import-ssp` points at a back-matter note.
 */
export function oscalPlanExport(d: ScanExportData, generatedAt: Date) {
  const uuid = () => crypto.randomUUID();
  const { scan, host } = d;
  const itemUuid = uuid();
  const sspUuid = uuid();
  const controls = [...new Set(d.results.flatMap(controlIds))].sort();
  const activities = d.results.map((r) => ({
    uuid: uuid(),
    title: r.title ?? r.rule_id,
    description: `Evaluate OpenWatch rule \`${r.rule_id}\` over SSH and record the observed values as evidence.`,
    props: [...props({ 'rule-id': r.rule_id, severity: r.severity }), { name: 'method', value: 'TEST' }],
    ...(controlIds(r).length
      ? {
          'related-controls': {
            'control-selections': [{ 'include-controls': controlIds(r).map((id) => ({ 'control-id': id })) }],
          },
        }
      : {}),
  }));
  const subject = { 'subject-uuid': itemUuid, type: 'inventory-item' };
  return {
    'assessment-plan': {
      uuid: uuid(),
      metadata: oscalMetadata(`OpenWatch assessment plan for ${host.hostname}`, d, generatedAt),
      'import-ssp': {
        href: `#${sspUuid}`,
        remarks: 'OpenWatch keeps no OSCAL system security plan; see the back-matter resource.',
      },
      'local-definitions': {
        'inventory-items': [
          {
            uuid: itemUuid,
            description: `Host ${host.hostname}`,
            props: props({ hostname: host.hostname, address: host.address, 'os-name': host.os_name }),
          },
        ],
        ...(activities.length ? { activities } : {}),
      },
      'reviewed-controls': {
        'control-selections': [
          {
            description: 'NIST SP 800-53 controls referenced by the rules the scan evaluates.',
            ...(controls.length ? { 'include-controls': controls.map((id) => ({ 'control-id': id })) } : {}),
          },
        ],
      },
      'assessment-subjects': [{ type: 'inventory-item', 'include-subjects': [subject] }],
      tasks: [
        {
          uuid: uuid(),
          type: 'action',
          title: 'Automated OpenWatch scan',
          description: `Scan ${scan.id}: evaluate ${d.results.length} rules on ${host.hostname} over SSH.`,
          timing: { 'on-date': { date: (scan.started_at ?? scan.created_at).toISOString() } },
          subjects: [{ type: 'inventory-item', 'include-subjects': [subject] }],
          ...(activities.length
            ? {
                'associated-activities': activities.map((a) => ({
                  'activity-uuid': a.uuid,
                  subjects: [{ type: 'inventory-item', 'include-subjects': [subject] }],
                })),
              }
            : {}),
        },
      ],
      'back-matter': {
        resources: [
          {
            uuid: sspUuid,
            title: 'No system security plan',
            description: 'The assessed host is described in local-definitions; no OSCAL SSP was imported.',
          },
        ],
      },
    },
  };
}
