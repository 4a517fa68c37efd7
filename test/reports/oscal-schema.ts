import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import formatsModule, { type FormatsPlugin } from 'ajv-formats';

// ajv-formats is CommonJS: under Node's ESM interop its default export arrives as `.default`.
const addFormats = (formatsModule as unknown as { default: FormatsPlugin }).default;

const dir = new URL('../schemas/oscal-1.1.2/', import.meta.url);

/** A validator for one published OSCAL 1.1.2 JSON schema (draft-07, Unicode patterns, formats). */
export function oscalValidator(model: 'assessment-results' | 'assessment-plan') {
  const schema = JSON.parse(readFileSync(new URL(`oscal_${model}_schema.json`, dir), 'utf8')) as object;
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: true });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return (doc: unknown): ErrorObject[] => (validate(doc) ? [] : (validate.errors ?? []));
}
