import { z } from 'zod';

/** Every capability the probe can report (docs/rules.md lists how each is detected). */
export const CAPABILITIES = [
  'root',
  'systemd',
  'sshd',
  'dpkg',
  'rpm',
  'apt',
  'dnf',
  'yum',
  'auditd',
  'apparmor',
  'selinux',
  'grub2',
  'uefi',
  'pam',
  'sudo',
  'cron',
  'at',
  'chrony',
  'ntp',
  'timesyncd',
  'firewalld',
  'ufw',
  'nftables',
  'iptables',
  'rsyslog',
  'journald',
  'aide',
  'gdm',
  'ipv6',
  'kernel_modules',
  'container',
] as const;

export type Capability = (typeof CAPABILITIES)[number];

export type CapExpr = Capability | { all: CapExpr[] } | { any: CapExpr[] } | { not: CapExpr };

export const CapExprSchema: z.ZodType<CapExpr> = z.lazy(() =>
  z.union(
    [
      z.enum(CAPABILITIES),
      z.strictObject({ all: z.array(CapExprSchema).min(1) }),
      z.strictObject({ any: z.array(CapExprSchema).min(1) }),
      z.strictObject({ not: CapExprSchema }),
    ],
    { error: 'expected a capability name (docs/rules.md lists them) or {all: […]}, {any: […]}, {not: …}' },
  ),
);

export function evalCapExpr(expr: CapExpr, caps: ReadonlySet<string>): boolean {
  if (typeof expr === 'string') return caps.has(expr);
  if ('all' in expr) return expr.all.every((e) => evalCapExpr(e, caps));
  if ('any' in expr) return expr.any.some((e) => evalCapExpr(e, caps));
  return !evalCapExpr(expr.not, caps);
}

export function formatCapExpr(expr: CapExpr): string {
  if (typeof expr === 'string') return expr;
  if ('all' in expr) return `all(${expr.all.map(formatCapExpr).join(', ')})`;
  if ('any' in expr) return `any(${expr.any.map(formatCapExpr).join(', ')})`;
  return `not(${formatCapExpr(expr.not)})`;
}
