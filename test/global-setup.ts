import type { TestProject } from 'vitest/node';
import { resolveTestDatabase } from './helpers/pg-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** An admin connection string to a real PostgreSQL; each test file creates its own database there. */
    adminDatabaseUrl: string;
  }
}

/** Finds (or starts) the PostgreSQL every test file uses, once per run. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await resolveTestDatabase();
  project.provide('adminDatabaseUrl', server.url);
  return server.stop;
}
