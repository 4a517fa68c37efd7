/**
 * The bundled blocklist (core/identity/common-passwords.txt.gz): the 10,000 most common passwords plus
 * every password of 12–128 characters among the 1,000,000 most common, lower-cased, one a line — 53,829
 * entries from SecLists' "10 million password list" (Daniel Miessler, OWASP SecLists). Shorter entries
 * beyond the top 10k are left out: the length rule already refuses them.
 *
 * Each runtime supplies the gzip bytes its own way (a file read on Node, a Data module on workerd);
 * this module only turns them into a set.
 */
export type CommonPasswords = ReadonlySet<string>;

export async function parseCommonPasswords(gzipped: Uint8Array<ArrayBuffer>): Promise<CommonPasswords> {
  const stream = new Blob([gzipped]).stream().pipeThrough(new DecompressionStream('gzip'));
  const text = await new Response(stream).text();
  return new Set(text.split('\n').filter((l) => l.length > 0));
}

/** Loads once per process or isolate: the list is immutable data, not per-request state. */
export function cachedCommonPasswords(
  load: () => Promise<Uint8Array<ArrayBuffer>>,
): () => Promise<CommonPasswords> {
  let pending: Promise<CommonPasswords> | undefined;
  return () => {
    pending ??= load().then(parseCommonPasswords);
    pending.catch(() => {
      pending = undefined;
    });
    return pending;
  };
}
