/** The OS families a group can gather automatically (core/fleet/validate.ts OS_FAMILIES). */
export const OS_FAMILIES = ['debian', 'ubuntu', 'rhel'] as const;
export type OsFamily = (typeof OS_FAMILIES)[number];

export function osFamilyOf(v: string): OsFamily | null {
  return OS_FAMILIES.find((f) => f === v) ?? null;
}
