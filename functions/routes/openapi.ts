import { jsonResponse } from '../http/errors.ts';
import { defineRoute } from '../http/route.ts';
import { openApiDocument } from '../openapi.ts';

export const openapi = defineRoute({
  method: 'GET',
  path: '/api/v1/openapi.json',
  permission: 'public',
  summary: 'This API as an OpenAPI 3.1 document',
  tags: ['system'],
  responses: { 200: { description: 'OpenAPI 3.1 document' } },
  handler: async ({ routes, services }) => jsonResponse(openApiDocument(routes, services.buildInfo.version)),
});
