import { z } from 'zod';
import type { HostGroupRef, HostRow } from '../../core/db/sql/hosts.ts';
import {
  addressSchema,
  environmentSchema,
  hostnameSchema,
  portSchema,
  tagListSchema,
} from '../../core/fleet/validate.ts';

const groupRefSchema = z.object({ id: z.string(), name: z.string(), membership: z.enum(['manual', 'auto']) });

export const hostSchema = z.object({
  id: z.string(),
  hostname: z.string(),
  environment: z.string(),
  address: z.string(),
  port: z.number().int(),
  tags: z.array(z.string()),
  description: z.string(),
  credential_id: z.string().nullable(),
  use_sudo: z.boolean(),
  host_key_policy: z.enum(['pinned', 'tofu']),
  maintenance: z.boolean(),
  in_maintenance: z.boolean(),
  os: z.object({
    family: z.string().nullable(),
    id: z.string().nullable(),
    version: z.string().nullable(),
    name: z.string().nullable(),
    kernel: z.string().nullable(),
    uptime_seconds: z.number().nullable(),
    package_count: z.number().nullable(),
    discovered_at: z.string().nullable(),
  }),
  liveness: z.string(),
  liveness_checked_at: z.string().nullable(),
  groups: z.array(groupRefSchema).optional(),
  created_at: z.string(),
  updated_at: z.string(),
  /** Read-only: `local` is this machine, registered by development mode; no request can set it. */
  transport: z.enum(['ssh', 'local']),
  /** pass ÷ (pass + fail) of the current verdicts, 0–1 to 4 decimals; null before a completed scan. */
  score: z.number().nullable(),
  last_scan_at: z.string().nullable(),
});
export type HostView = z.infer<typeof hostSchema>;

export function hostView(h: HostRow, groups?: HostGroupRef[]): HostView {
  return {
    id: h.id,
    hostname: h.hostname,
    environment: h.environment,
    address: h.address,
    port: h.port,
    tags: h.tags,
    description: h.description,
    credential_id: h.credential_id,
    use_sudo: h.use_sudo,
    host_key_policy: h.host_key_policy,
    maintenance: h.maintenance,
    in_maintenance: h.in_maintenance,
    os: {
      family: h.os_family,
      id: h.os_id,
      version: h.os_version,
      name: h.os_name,
      kernel: h.kernel,
      uptime_seconds: h.uptime_seconds === null ? null : Number(h.uptime_seconds),
      package_count: h.package_count,
      discovered_at: h.discovered_at?.toISOString() ?? null,
    },
    liveness: h.liveness,
    liveness_checked_at: h.liveness_checked_at?.toISOString() ?? null,
    ...(groups ? { groups } : {}),
    created_at: h.created_at.toISOString(),
    updated_at: h.updated_at.toISOString(),
    transport: h.transport,
    score: h.score === null ? null : Math.round(h.score * 10_000) / 10_000,
    last_scan_at: h.last_scan_at?.toISOString() ?? null,
  };
}

const hostFields = {
  hostname: hostnameSchema,
  address: addressSchema,
  port: portSchema,
  environment: environmentSchema,
  tags: tagListSchema,
  description: z.string().max(2000),
  credential_id: z.uuid().nullable(),
  use_sudo: z.boolean(),
  host_key_policy: z.enum(['pinned', 'tofu']),
  maintenance: z.boolean(),
};

/** A new host; the address defaults to the host name. */
export const newHostSchema = z
  .object({
    hostname: hostFields.hostname,
    address: hostFields.address.optional(),
    port: hostFields.port.default(22),
    environment: hostFields.environment.default('production'),
    tags: hostFields.tags.default([]),
    description: hostFields.description.default(''),
    credential_id: hostFields.credential_id.default(null),
    use_sudo: hostFields.use_sudo.default(true),
    host_key_policy: hostFields.host_key_policy.default('tofu'),
    maintenance: hostFields.maintenance.default(false),
  })
  .strict();
export type NewHost = z.output<typeof newHostSchema>;

export const hostPatchSchema = z
  .object({
    hostname: hostFields.hostname.optional(),
    address: hostFields.address.optional(),
    port: hostFields.port.optional(),
    environment: hostFields.environment.optional(),
    tags: hostFields.tags.optional(),
    description: hostFields.description.optional(),
    credential_id: hostFields.credential_id.optional(),
    use_sudo: hostFields.use_sudo.optional(),
    host_key_policy: hostFields.host_key_policy.optional(),
    maintenance: hostFields.maintenance.optional(),
  })
  .strict();
