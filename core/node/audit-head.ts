import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  checkpointSchema,
  compareWithCheckpoint,
  currentCheckpoint,
  type AuditCheckpoint,
  type CheckpointVerdict,
} from '../audit/checkpoint.ts';
import type { JobKey } from '../crypto/job-signing.ts';
import type { Queryable } from '../db/types.ts';

/**
 * Replaces the head file durably: write a temporary file, fsync it, rename it over the old one, fsync the
 * directory. A crash leaves the old head or the new one, never a torn file.
 */
export function writeAuditHead(file: string, cp: AuditCheckpoint): void {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(cp) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  const dir = openSync(dirname(file), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

/** The anchored head, undefined when no file exists; a malformed file is an error, not "no anchor". */
export function readAuditHead(file: string): AuditCheckpoint | undefined {
  if (!existsSync(file)) return undefined;
  const parsed = checkpointSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not an audit head checkpoint`);
  return parsed.data;
}

/**
 * Keeps the head file up to date: called on a short timer by `openwatch serve`; writes only when the head
 * moved. It never moves the anchor backwards: when the database no longer holds the anchored head (the
 * tail was removed, perhaps while the server was down) it keeps the file as evidence and says so.
 */
export function auditHeadAnchor(file: string, key: () => Promise<JobKey>) {
  let lastId = -1;
  return async (q: Queryable): Promise<CheckpointVerdict> => {
    const k = await key();
    const cp = await currentCheckpoint(q, k);
    if (!cp || cp.id === lastId) return { ok: true };
    const anchored = readAuditHead(file);
    if (anchored) {
      const verdict = await compareWithCheckpoint(q, k, anchored);
      if (!verdict.ok) return verdict;
    }
    writeAuditHead(file, cp);
    lastId = cp.id;
    return { ok: true };
  };
}
