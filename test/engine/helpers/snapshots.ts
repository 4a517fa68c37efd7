import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Real Debian 12 file contents kept under test/engine/snapshots/debian12. */
export function debian12(name: string): string {
  return readFileSync(join(import.meta.dirname, '../snapshots/debian12', name), 'utf8');
}
