/** Where to connect: `[user@]host[:port]`, IPv6 literals as `[addr]` or `[addr]:port`. */
export interface SshTarget {
  user?: string;
  host: string;
  port?: number;
}

export class TargetError extends Error {
  override name = 'TargetError';
}

const HOST = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;
const USER = /^[A-Za-z0-9_.][A-Za-z0-9_.-]*\$?$/;

function parsePort(s: string, raw: string): number {
  const port = Number(s);
  if (!/^\d+$/.test(s) || port < 1 || port > 65535) throw new TargetError(`invalid port in '${raw}'`);
  return port;
}

/** Parses a target as written on the command line or in an inventory. Rejects anything shell-like. */
export function parseTarget(raw: string): SshTarget {
  const s = raw.trim();
  const at = s.lastIndexOf('@');
  const user = at >= 0 ? s.slice(0, at) : undefined;
  const rest = at >= 0 ? s.slice(at + 1) : s;
  if (user !== undefined && !USER.test(user)) throw new TargetError(`invalid user name in '${raw}'`);
  let host: string;
  let port: number | undefined;
  const v6 = /^\[([0-9A-Fa-f:.]+)\](?::(.*))?$/.exec(rest);
  if (v6) {
    host = v6[1] ?? '';
    if (v6[2] !== undefined) port = parsePort(v6[2], raw);
  } else {
    const parts = rest.split(':');
    if (parts.length > 2) throw new TargetError(`write IPv6 addresses in brackets: '[${rest}]'`);
    host = parts[0] ?? '';
    if (parts[1] !== undefined) port = parsePort(parts[1], raw);
    if (!HOST.test(host)) throw new TargetError(`invalid host name in '${raw}'`);
  }
  return { ...(user !== undefined ? { user } : {}), host, ...(port !== undefined ? { port } : {}) };
}

/** `user@host:port` as shown to operators. */
export function targetLabel(t: SshTarget, defaultUser: string): string {
  const host = t.host.includes(':') ? `[${t.host}]` : t.host;
  return `${t.user ?? defaultUser}@${host}${t.port && t.port !== 22 ? `:${t.port}` : ''}`;
}
