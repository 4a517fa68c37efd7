import { z } from 'zod';

/**
 * Host names, addresses, environments and tags as the API accepts them. Everything here ends up on a
 * command line or in an SSH connect call later, so the patterns admit no shell metacharacters at all.
 */
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const DNS_NAME = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})*$`);

export const hostnameSchema = z
  .string()
  .trim()
  .regex(DNS_NAME, 'a DNS host name: labels of letters, digits and hyphens separated by dots');

const ipv4 = z.ipv4();
const ipv6 = z.ipv6();

/** True for an IPv4 or IPv6 literal, or a DNS name. */
export function isHostAddress(s: string): boolean {
  return ipv4.safeParse(s).success || ipv6.safeParse(s).success || DNS_NAME.test(s);
}

export const addressSchema = z
  .string()
  .trim()
  .max(255)
  .refine(isHostAddress, 'an IPv4 or IPv6 address or a DNS name');

export const environmentSchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, '1–32 of a-z 0-9 _ -, starting with a letter or digit');

export const tagSchema = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.:=-]{0,63}$/,
    '1–64 of A-Z a-z 0-9 _ . : = -, starting with a letter or digit',
  );

export const tagListSchema = z
  .array(tagSchema)
  .max(50)
  .transform((ts) => [...new Set(ts)].sort());

export const portSchema = z.coerce.number().int().min(1).max(65535);

export const OS_FAMILIES = ['debian', 'ubuntu', 'rhel'] as const;
export const osFamilySchema = z.enum(OS_FAMILIES);
