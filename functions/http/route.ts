import type { z } from 'zod';
import type { Db } from '../../core/db/types.ts';
import type { SshKeyParser } from '../../core/fleet/ssh-key.ts';
import type { IdentityRuntime } from '../../core/identity/runtime.ts';
import type { Logger } from '../../core/log.ts';
import type { ReportKey } from '../../core/reports/key.ts';
import type { RouteAccess } from '../../core/rbac/permissions.ts';
import type { BuildInfo } from '../../core/version.ts';
import type { Principal } from '../auth/principal.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * What a route requires: a permission from the registry (core/rbac/permissions.ts), `authenticated`
 * (any signed-in principal acting on its own account) or `public`.
 */
export type Permission = RouteAccess;

/** What the runtime hands every request: the same shape on Node and workerd. */
export interface AppServices {
  runtime: 'node' | 'workerd';
  runtimeVersion: string;
  buildInfo: BuildInfo;
  log: Logger;
  identity: IdentityRuntime;
  /** SSH private-key parsing for key credentials; absent on workerd (ssh2 needs Node). */
  sshKeys?: SshKeyParser;
  /** The report signing key (docs/reports.md); absent or undefined: snapshots are stored unsigned. */
  reportKey?: () => Promise<ReportKey | undefined>;
}

/** Facts about the connection that only the runtime knows (never read from spoofable headers on Node). */
export interface RequestInfo {
  clientIp: string;
}

export interface RouteContext<P, Q, B> {
  request: Request;
  params: P;
  query: Q;
  body: B;
  db: Db;
  log: Logger;
  correlationId: string;
  services: AppServices;
  /** Who is calling: set for every non-public route (the app answers 401 before the handler otherwise). */
  principal: Principal | undefined;
  clientIp: string;
  /** Every route the app serves (the OpenAPI document is built from these). */
  routes: readonly AnyRoute[];
}

export interface RejectedInput {
  db: Db;
  clientIp: string;
  body: unknown;
  issues: unknown;
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/**
 * One route, declared once: method, path, permission, schemas and handler. The router, the permission
 * check and the OpenAPI document are all built from these declarations.
 */
export interface RouteDef<
  PS extends z.ZodType | undefined = z.ZodType | undefined,
  QS extends z.ZodType | undefined = z.ZodType | undefined,
  BS extends z.ZodType | undefined = z.ZodType | undefined,
> {
  method: Method;
  /** itty-router pattern, e.g. `/api/v1/hosts/:id`. */
  path: string;
  permission: Permission;
  /** Also open to a restricted session (signed in, but MFA enrolment required by policy). */
  allowRestricted?: boolean;
  /** Refused to API tokens: only a signed-in user may do this (passwords, MFA, making tokens). */
  sessionOnly?: boolean;
  summary: string;
  tags: string[];
  params?: PS;
  query?: QS;
  body?: BS;
  /**
   * Runs when the request's input is refused with 400 (bad text, schema mismatch) before the handler,
   * with the raw parsed body: a sign-in with an odd username is still a failed sign-in to audit.
   */
  onRejectedInput?: (ctx: RejectedInput) => Promise<void>;
  /** Response schemas by status code, for the OpenAPI document. */
  responses: Record<number, { description: string; schema?: z.ZodType }>;
  handler: (ctx: RouteContext<Out<PS>, Out<QS>, Out<BS>>) => Promise<Response>;
}

export type AnyRoute = RouteDef<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined>;

export function defineRoute<
  PS extends z.ZodType | undefined = undefined,
  QS extends z.ZodType | undefined = undefined,
  BS extends z.ZodType | undefined = undefined,
>(def: RouteDef<PS, QS, BS>): AnyRoute {
  return def;
}
