/** Default cap on each of stdout and stderr: a full-corpus fact script returns a few MiB at most. */
export const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/**
 * Accumulates one output stream as raw chunks up to a byte cap. Past the cap the data is still read
 * (so the remote side never blocks on a full window) but dropped, and `truncated` is set.
 */
export class OutputCollector {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly cap: number = DEFAULT_MAX_OUTPUT_BYTES) {}

  push(chunk: Buffer): void {
    const room = this.cap - this.size;
    if (room <= 0) {
      if (chunk.length > 0) this.truncated = true;
      return;
    }
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (kept.length < chunk.length) this.truncated = true;
    this.chunks.push(kept);
    this.size += kept.length;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }
}
