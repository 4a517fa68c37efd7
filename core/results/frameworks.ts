/**
 * Frameworks a rule can map to: the keys of a rule's `references` (engine/types.ts References) that
 * posture can be scored by. `cac` (ComplianceAsCode ids) is a cross-reference, not a framework.
 */
export const FRAMEWORKS = ['cis', 'stig', 'nist_800_53', 'pci_dss_4'] as const;
export type Framework = (typeof FRAMEWORKS)[number];
