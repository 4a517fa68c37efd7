import { randomUUID } from 'node:crypto';
import type { ScanReport } from '../types.ts';
import { STIG_STATUS, stigGroups, targetOf } from './stig.ts';
import type { FormatOptions, Formatter } from './types.ts';

/** A STIG Viewer 3 checklist (CKLB, JSON) for one host; only the STIG-mapped rules appear. */
export function cklbFor(r: ScanReport, o: FormatOptions): Record<string, unknown> {
  const t = targetOf(r.host);
  return {
    title: `OpenWatch ${r.host}`,
    id: randomUUID(),
    stigs: stigGroups(r, o).map((g) => ({
      stig_name: g.title,
      display_name: g.title,
      stig_id: g.stigid,
      release_info: `OpenWatch scan ${r.timing.finished_at}`,
      version: '1',
      uuid: randomUUID(),
      reference_identifier: '',
      size: g.items.length,
      rules: g.items.map((i) => ({
        uuid: randomUUID(),
        stig_uuid: '',
        target_key: null,
        // No V- number is known for an OpenWatch rule: the STIG id stands in for the group id.
        group_id: i.stigId,
        group_id_src: i.stigId,
        rule_id: i.result.rule_id,
        rule_id_src: i.result.rule_id,
        weight: '10.0',
        classification: 'Unclass',
        severity: i.severity,
        rule_version: i.stigId,
        group_title: i.result.title,
        rule_title: i.result.title,
        fix_text: i.fixText,
        false_positives: '',
        false_negatives: '',
        discussion: i.discussion,
        check_content: i.checkContent,
        documentable: 'false',
        mitigations: '',
        potential_impacts: '',
        third_party_tools: 'OpenWatch',
        mitigation_control: '',
        responsibility: '',
        security_override_guidance: '',
        ia_controls: '',
        check_content_ref: { href: '', name: 'M' },
        legacy_ids: [],
        ccis: [],
        stig_ref: g.title,
        group_tree: [{ id: i.stigId, title: i.result.title, description: '' }],
        createdAt: r.timing.finished_at,
        updatedAt: r.timing.finished_at,
        STIGUuid: '',
        status: STIG_STATUS[i.result.status].cklb,
        overrides: {},
        comments: i.comments,
        finding_details: i.findingDetails,
      })),
    })),
    active: false,
    mode: 1,
    has_path: true,
    target_data: {
      target_type: 'Computing',
      host_name: t.name,
      ip_address: t.ip,
      mac_address: '',
      fqdn: t.name.includes('.') ? t.name : '',
      comments: `${r.platform.name} — scanned by OpenWatch ${r.timing.finished_at}`,
      role: 'None',
      is_web_database: false,
      technology_area: '',
      web_db_site: '',
      web_db_instance: '',
    },
    cklb_version: '1.0',
  };
}

export const formatCklb: Formatter = (out, o) =>
  out.reports.map((r) => JSON.stringify(cklbFor(r, o), null, 2) + '\n').join('');
