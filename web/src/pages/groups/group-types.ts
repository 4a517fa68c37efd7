import type { paths } from '../../api/client.ts';

/** A group as GET /api/v1/groups/:id answers it, members included. */
export type Group = paths['/api/v1/groups/{id}']['get']['responses'][200]['content']['application/json'];

/** The body of PATCH /api/v1/groups/:id. */
export type GroupPatch = NonNullable<
  paths['/api/v1/groups/{id}']['patch']['requestBody']
>['content']['application/json'];
