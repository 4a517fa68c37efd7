/**
 * The id of the newest file in migrations/. Code that needs a column from migration N is deployed with
 * SCHEMA_VERSION ≥ N; /health/ready reports not ready until the database has caught up. A test keeps
 * this equal to the newest file's id.
 */
export const SCHEMA_VERSION = 17;
