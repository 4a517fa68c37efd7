import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { parseTarget, TargetError, type SshTarget } from './target.ts';

/** One inventory entry: a target plus optional per-host overrides of the command-line options. */
export interface InventoryHost extends SshTarget {
  key?: string;
  fingerprint?: string;
  sudo?: boolean;
}

export class InventoryError extends Error {
  override name = 'InventoryError';
}

const HostObject = z.strictObject({
  host: z.string().min(1),
  user: z.string().min(1).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  key: z.string().min(1).optional(),
  fingerprint: z
    .string()
    .regex(/^SHA256:[A-Za-z0-9+/]{43}=?$/, 'must be SHA256:<base64>')
    .optional(),
  sudo: z.boolean().optional(),
});
const Defaults = HostObject.omit({ host: true }).partial();
const Envelope = z.strictObject({ defaults: Defaults.optional(), hosts: z.array(z.unknown()) });
type Defaults = z.infer<typeof Defaults>;

/** Plain format: one `[user@]host[:port] [key=FILE] [fingerprint=SHA256:…]` per line, `#` comments. */
function parsePlain(text: string, file: string): InventoryHost[] {
  const hosts: InventoryHost[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) return;
    const [first = '', ...opts] = line.split(/\s+/);
    try {
      const h: InventoryHost = parseTarget(first);
      for (const o of opts) {
        const m = /^(key|fingerprint)=(.+)$/.exec(o);
        if (!m?.[2]) throw new TargetError(`unknown option '${o}' (key=FILE or fingerprint=SHA256:…)`);
        if (m[1] === 'key') h.key = m[2];
        else h.fingerprint = m[2];
      }
      hosts.push(h);
    } catch (err) {
      throw new InventoryError(`${file}:${i + 1}: ${(err as Error).message}`);
    }
  });
  return hosts;
}

/**
 * Reads an inventory: YAML (a list of targets or host objects, or `{defaults, hosts}`), else a plain
 * list of targets one per line. Errors name the file and line.
 */
export function parseInventory(text: string, file: string): InventoryHost[] {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const isYaml = doc.errors.length === 0 && (isSeq(doc.contents) || isMap(doc.contents));
  const hosts = isYaml ? parseYaml(doc, lc, file) : parsePlain(text, file);
  if (hosts.length === 0) throw new InventoryError(`${file}: no hosts`);
  return hosts;
}

type Located = (path: ReadonlyArray<PropertyKey>, message: string) => InventoryError;

function fromEntry(
  entry: unknown,
  defaults: Defaults,
  path: Array<string | number>,
  fail: Located,
): InventoryHost {
  try {
    if (typeof entry === 'string') return { ...defaults, ...parseTarget(entry) };
    const r = HostObject.safeParse(entry);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw fail([...path, ...(issue?.path ?? [])], issue?.message ?? 'invalid host entry');
    }
    const { host, ...rest } = r.data;
    return { ...defaults, ...parseTarget(host), ...rest };
  } catch (err) {
    if (err instanceof TargetError) throw fail(path, err.message);
    throw err;
  }
}

function parseYaml(doc: ReturnType<typeof parseDocument>, lc: LineCounter, file: string): InventoryHost[] {
  const fail: Located = (path, message) => {
    const keys = path.filter((p): p is string | number => typeof p !== 'symbol');
    const node = doc.getIn(keys, true) as { range?: [number, number, number] } | undefined;
    const line = node?.range ? lc.linePos(node.range[0]).line : 1;
    return new InventoryError(`${file}:${line}: ${keys.length ? `${keys.join('.')}: ` : ''}${message}`);
  };
  const data: unknown = doc.toJS();
  if (Array.isArray(data)) return data.map((e, i) => fromEntry(e, {}, [i], fail));
  const env = Envelope.safeParse(data);
  if (!env.success) {
    const issue = env.error.issues[0];
    throw fail(issue?.path ?? [], issue?.message ?? 'expected {defaults, hosts} or a list');
  }
  const defaults = env.data.defaults ?? {};
  return env.data.hosts.map((e, i) => fromEntry(e, defaults, ['hosts', i], fail));
}
