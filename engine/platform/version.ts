/** Dotted numeric version comparison at the precision of the bound: "9.4" is within max "9". */
function parts(v: string): number[] {
  return v.split('.').map((p) => {
    const n = Number.parseInt(p, 10);
    return Number.isNaN(n) ? 0 : n;
  });
}

/** Compares `version` with `bound` over the bound's components only: -1, 0 or 1. */
export function compareToBound(version: string, bound: string): number {
  const v = parts(version);
  const b = parts(bound);
  for (let i = 0; i < b.length; i++) {
    const a = v[i] ?? 0;
    const c = b[i] ?? 0;
    if (a !== c) return a < c ? -1 : 1;
  }
  return 0;
}

export function versionInRange(version: string, min?: string, max?: string): boolean {
  if (min !== undefined && compareToBound(version, min) < 0) return false;
  if (max !== undefined && compareToBound(version, max) > 0) return false;
  return true;
}
