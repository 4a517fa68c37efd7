/** What one command run on a host returned. Output is raw bytes: hosts are not obliged to speak UTF-8. */
export interface ExecResult {
  stdout: Buffer;
  stderr: Buffer;
  /** Exit status; null when the command was ended by a signal. */
  code: number | null;
  signal?: string;
  /** True when stdout or stderr went past the byte cap and the rest was dropped. */
  truncated?: boolean;
}

export interface ExecOptions {
  /** Bytes written to the command's standard input, then closed (sudo passwords travel only this way). */
  stdin?: string | Buffer;
  /** Per-command deadline; the command is abandoned and a `timeout` TransportError raised when it passes. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Cap on the bytes kept of each of stdout and stderr; the rest is read and dropped (`truncated`). */
  maxOutputBytes?: number;
}

/**
 * How the engine reaches a host. The engine never builds a connection itself: the SSH transport, the
 * local transport (self-scan) and test fixtures all implement this.
 */
export interface Transport {
  /** Human-readable target, e.g. `root@10.0.0.5:22` or `local`. Never contains secrets. */
  readonly target: string;
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  close(): Promise<void>;
}

/** The distinct ways reaching a host can fail; each maps to a clear message and CLI exit code 3. */
export type TransportErrorCode =
  | 'unreachable'
  | 'auth_failed'
  | 'host_key_mismatch'
  | 'host_key_unknown'
  | 'sudo_refused'
  | 'timeout'
  | 'aborted'
  | 'channel_failed'
  | 'protocol_error';

export class TransportError extends Error {
  constructor(
    readonly code: TransportErrorCode,
    message: string,
    readonly details: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'TransportError';
  }
}
