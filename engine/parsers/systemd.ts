export interface UnitState {
  LoadState: string;
  ActiveState: string;
  SubState: string;
  UnitFileState: string;
}

export const UNIT_PROPERTIES = ['LoadState', 'ActiveState', 'SubState', 'UnitFileState'] as const;

export const ENABLED_STATES = new Set([
  'enabled',
  'enabled-runtime',
  'linked',
  'linked-runtime',
  'alias',
  'generated',
  'indirect',
]);

export function parseUnit(text: string): UnitState {
  const kv: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) kv[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return {
    LoadState: kv.LoadState ?? '',
    ActiveState: kv.ActiveState ?? '',
    SubState: kv.SubState ?? '',
    UnitFileState: kv.UnitFileState ?? '',
  };
}

/** Splits the output of one `systemctl show` for several units (blank-line separated, in order). */
export function splitShowOutput(text: string): string[] {
  return text
    .replace(/\n+$/, '')
    .split(/\n\n/)
    .map((b) => `${b}\n`);
}

export function formatUnit(u: UnitState): string {
  return `LoadState=${u.LoadState} ActiveState=${u.ActiveState} UnitFileState=${u.UnitFileState || '(none)'}`;
}
