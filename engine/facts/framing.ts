/** One framed section of host output, still raw bytes. */
export interface Section {
  key: string;
  body: Buffer;
  /** The section's exit status; null when the END marker never came (script killed, output cut). */
  rc: number | null;
}

/** Marker prefix written by the host script; the nonce makes it unforgeable by file contents. */
export function markerPrefix(nonce: string): string {
  return `\n@@OW${nonce} `;
}

/**
 * Splits host output into sections. Works on bytes so that non-UTF-8 content cannot shift a boundary.
 * Every BEGIN line is `\n@@OW<nonce> B <key>\n`; the body runs to `\n@@OW<nonce> E <rc>\n`.
 */
export function parseFramed(out: Buffer, nonce: string): Section[] {
  const begin = Buffer.from(`${markerPrefix(nonce)}B `);
  const end = Buffer.from(`${markerPrefix(nonce)}E `);
  const sections: Section[] = [];
  let pos = out.indexOf(begin);
  while (pos !== -1) {
    const keyStart = pos + begin.length;
    const keyEnd = out.indexOf(0x0a, keyStart);
    if (keyEnd === -1) break;
    const key = out.subarray(keyStart, keyEnd).toString('utf8');
    const bodyStart = keyEnd + 1;
    const endPos = out.indexOf(end, bodyStart);
    const nextBegin = out.indexOf(begin, bodyStart);
    if (endPos === -1 || (nextBegin !== -1 && nextBegin < endPos)) {
      // No END before the next BEGIN: the section was cut short.
      const stop = nextBegin === -1 ? out.length : nextBegin;
      sections.push({ key, body: out.subarray(bodyStart, Math.max(bodyStart, stop)), rc: null });
      pos = nextBegin;
      continue;
    }
    const rcStart = endPos + end.length;
    const rcEnd = out.indexOf(0x0a, rcStart);
    const rcText = out
      .subarray(rcStart, rcEnd === -1 ? out.length : rcEnd)
      .toString('latin1')
      .trim();
    const rc = /^\d+$/.test(rcText) ? Number(rcText) : null;
    sections.push({ key, body: out.subarray(bodyStart, Math.max(bodyStart, endPos)), rc });
    pos = out.indexOf(begin, rcEnd === -1 ? out.length : rcEnd);
  }
  return sections;
}

const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });

/** UTF-8 with U+FFFD for invalid bytes: evidence stays readable; the cut is decided on bytes. */
export function decodeSection(body: Buffer, cap: number): { text: string; truncated: boolean } {
  const truncated = body.length > cap;
  return { text: decoder.decode(truncated ? body.subarray(0, cap) : body), truncated };
}
