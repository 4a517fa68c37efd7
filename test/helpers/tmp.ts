import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const dirs: string[] = [];

function removeAll(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

// Registered when a test file first imports this module, so it runs after that file's tests. Benchmarks
// reuse the helpers outside vitest, where the directories go when the process exits.
if (process.env.VITEST) afterAll(removeAll);
else process.once('exit', removeAll);

/** A fresh temporary directory, removed after the test file finishes. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  dirs.push(dir);
  return dir;
}
