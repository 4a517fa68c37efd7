import { z } from 'zod';

export const ARCHIVE_FORMAT = 'openwatch-backup';
export const MANIFEST_FILE = 'manifest.json';
export const SECRETS_FILE = 'secrets.enc';

export const manifestSchema = z.object({
  format: z.literal(ARCHIVE_FORMAT),
  version: z.literal(1),
  created_at: z.string(),
  openwatch_version: z.string(),
  /** PostgreSQL server_version of the source. */
  server_version: z.string(),
  schema_version: z.number().int(),
  migrations: z.array(z.object({ id: z.number().int(), name: z.string(), checksum: z.string() })),
  tables: z.array(
    z.object({
      name: z.string().regex(/^[a-z_][a-z0-9_]*$/),
      columns: z.array(z.string()),
      rows: z.number().int(),
      file: z.string().regex(/^db\/[a-z0-9_]+\.copy$/),
      sha256: z.string(),
    }),
  ),
  /** The files sealed in secrets.enc (paths and roles only; contents are encrypted). */
  files: z.array(z.object({ role: z.string(), path: z.string(), mode: z.number().int() })),
});
export type Manifest = z.infer<typeof manifestSchema>;
export type TableEntry = Manifest['tables'][number];
