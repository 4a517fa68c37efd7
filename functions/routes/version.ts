import { z } from 'zod';
import { jsonResponse } from '../http/errors.ts';
import { defineRoute } from '../http/route.ts';

export const version = defineRoute({
  method: 'GET',
  path: '/api/v1/version',
  permission: 'public',
  summary: 'OpenWatch version, runtime, commit and build time',
  tags: ['system'],
  responses: {
    200: {
      description: 'Version information',
      schema: z.object({
        version: z.string(),
        runtime: z.string(),
        commit: z.string(),
        build_time: z.string(),
      }),
    },
  },
  handler: async ({ services }) =>
    jsonResponse({
      version: services.buildInfo.version,
      runtime: `${services.runtime} ${services.runtimeVersion}`.trim(),
      commit: services.buildInfo.commit,
      build_time: services.buildInfo.build_time,
    }),
});
