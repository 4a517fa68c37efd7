import { z } from 'zod';

/* Zod schemas of the export formats, used by export.test.ts to check the documents structurally. */

const uuidV4 = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
const dateTime = z.iso.datetime({ offset: true });
const token = z.string().regex(/^(\p{L}|_)(\p{L}|\p{N}|[.\-_])*$/u);
const oscalString = z.string().regex(/^\S(.*\S)?$/);
const prop = z.object({ name: token, ns: z.string().url().optional(), value: oscalString }).strict();
const props = z.array(prop).min(1).optional();

/** The OSCAL 1.1 assessment-results fields this export emits, with the model's required keys and enums. */
export const oscalSchema = z
  .object({
    'assessment-results': z
      .object({
        uuid: uuidV4,
        metadata: z
          .object({
            title: z.string().min(1),
            'last-modified': dateTime,
            version: z.string().min(1),
            'oscal-version': z.string().regex(/^1\.1\.\d+$/),
            props,
          })
          .strict(),
        'import-ap': z.object({ href: z.string().min(1), remarks: z.string().optional() }).strict(),
        results: z
          .array(
            z
              .object({
                uuid: uuidV4,
                title: z.string().min(1),
                description: z.string().min(1),
                start: dateTime,
                end: dateTime.optional(),
                props,
                'local-definitions': z.object({
                  'inventory-items': z
                    .array(z.object({ uuid: uuidV4, description: z.string().min(1), props }).strict())
                    .min(1),
                }),
                'reviewed-controls': z
                  .object({
                    'control-selections': z
                      .array(
                        z
                          .object({
                            description: z.string().optional(),
                            'include-controls': z
                              .array(z.object({ 'control-id': token }).strict())
                              .min(1)
                              .optional(),
                          })
                          .strict(),
                      )
                      .min(1),
                  })
                  .strict(),
                observations: z
                  .array(
                    z
                      .object({
                        uuid: uuidV4,
                        title: z.string().optional(),
                        description: z.string().min(1),
                        props,
                        methods: z.array(z.enum(['EXAMINE', 'INTERVIEW', 'TEST', 'UNKNOWN'])).min(1),
                        subjects: z
                          .array(
                            z
                              .object({
                                'subject-uuid': uuidV4,
                                type: z.enum(['component', 'inventory-item', 'location', 'party', 'user']),
                              })
                              .strict(),
                          )
                          .min(1)
                          .optional(),
                        collected: dateTime,
                        'relevant-evidence': z
                          .array(z.object({ description: z.string().min(1), props }).strict())
                          .min(1)
                          .optional(),
                      })
                      .strict(),
                  )
                  .min(1)
                  .optional(),
                findings: z
                  .array(
                    z
                      .object({
                        uuid: uuidV4,
                        title: z.string().min(1),
                        description: z.string().min(1),
                        props,
                        target: z
                          .object({
                            type: z.enum(['statement-id', 'objective-id']),
                            'target-id': token,
                            props,
                            status: z
                              .object({
                                state: z.enum(['satisfied', 'not-satisfied']),
                                reason: z.enum(['pass', 'fail', 'other']).optional(),
                              })
                              .strict(),
                            remarks: z.string().optional(),
                          })
                          .strict(),
                        'related-observations': z
                          .array(z.object({ 'observation-uuid': uuidV4 }).strict())
                          .min(1)
                          .optional(),
                      })
                      .strict(),
                  )
                  .min(1)
                  .optional(),
              })
              .strict(),
          )
          .min(1),
        'back-matter': z
          .object({
            resources: z
              .array(z.object({ uuid: uuidV4, title: z.string(), description: z.string() }).strict())
              .min(1),
          })
          .strict()
          .optional(),
      })
      .strict(),
  })
  .strict();

const STATUSES = ['pass', 'fail', 'error', 'not_applicable', 'not_assessable'] as const;
export const jsonSchema = z
  .object({
    format: z.literal('openwatch.scan-results'),
    version: z.literal(1),
    generated_at: dateTime,
    scan: z
      .object({
        id: z.uuid(),
        status: z.literal('completed'),
        source: z.enum(['api', 'group', 'schedule']),
        rule_ids: z.array(z.string()).nullable(),
        created_at: dateTime,
        started_at: dateTime.nullable(),
        finished_at: dateTime.nullable(),
      })
      .strict(),
    host: z
      .object({
        id: z.uuid(),
        hostname: z.string(),
        address: z.string(),
        environment: z.string(),
        os: z
          .object({
            family: z.string().nullable(),
            id: z.string().nullable(),
            version: z.string().nullable(),
            name: z.string().nullable(),
          })
          .strict(),
        kernel: z.string().nullable(),
      })
      .strict(),
    results: z.array(
      z
        .object({
          rule_id: z.string(),
          title: z.string().nullable(),
          severity: z.string(),
          status: z.enum(STATUSES),
          reason: z.string().nullable(),
          references: z.record(z.string(), z.unknown()),
          evidence: z.array(
            z.object({
              source: z.string(),
              observed: z.string().nullable(),
              expected: z.string(),
              note: z.string().optional(),
            }),
          ),
          remediation: z.string().nullable(),
          shell_fix: z.string().nullable(),
        })
        .strict(),
    ),
    summary: z
      .object({
        total: z.number().int(),
        pass: z.number().int(),
        fail: z.number().int(),
        error: z.number().int(),
        not_applicable: z.number().int(),
        not_assessable: z.number().int(),
        score: z.number().nullable(),
      })
      .strict(),
  })
  .strict();
