/**
 * Validates STIX 2.1 objects against the official OASIS JSON schemas in ../shared/vectors/stix, the way its ORIGIN.md
 * says to: the bundle envelope is checked on its own (the upstream bundle schema omits several SDO types), and each
 * object against the schema of its own type. TLP 2.0 marking definitions are also checked against the TLP 2.0
 * extension's schema; new SCO types defined by an extension against the common cyber-observable schema.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { sharedPath } from '../../support/shared-dir.js';

export const STIX_VECTORS = sharedPath('vectors/stix');
const BASE = 'http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas';
const TLP_SCHEMA = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d.json';

export interface StixValidator {
  validate(object: Record<string, unknown>): string[];
  validateBundle(bundle: Record<string, unknown>): { object: string; errors: string[] }[];
}

export function createStixValidator(): StixValidator {
  // The OASIS patterns are written for ECMAScript without the u flag ("\\-" is an invalid escape under it).
  const ajv = new Ajv2020({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats.default(ajv);
  const require = createRequire(import.meta.url);
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-07.json'));
  const byType = new Map<string, string>();
  for (const folder of ['common', 'sdos', 'sros', 'observables']) {
    for (const file of readdirSync(path.join(STIX_VECTORS, 'schemas', folder))) {
      const schema = JSON.parse(readFileSync(path.join(STIX_VECTORS, 'schemas', folder, file), 'utf8'));
      ajv.addSchema(schema);
      if (folder !== 'common') byType.set(file.replace(/\.json$/, ''), schema.$id);
    }
  }
  byType.set('marking-definition', `${BASE}/common/marking-definition.json`);
  byType.set('extension-definition', `${BASE}/common/extension-definition.json`);
  const tlp = JSON.parse(readFileSync(path.join(STIX_VECTORS, 'tlp-2.0', TLP_SCHEMA), 'utf8'));
  ajv.addSchema(tlp);
  const compiled = new Map<string, ValidateFunction>();
  const get = (id: string) => {
    let fn = compiled.get(id);
    if (!fn) compiled.set(id, (fn = ajv.getSchema(id)!));
    return fn;
  };
  const errors = (fn: ValidateFunction, value: unknown) => (fn(value) ? [] : (fn.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`));

  function validate(object: Record<string, unknown>): string[] {
    const type = String(object.type);
    const schemaId = byType.get(type);
    const problems: string[] = [];
    if (schemaId) problems.push(...errors(get(schemaId), object));
    else if (object.extensions && Object.values(object.extensions as object).some((e) => (e as { extension_type?: string }).extension_type === 'new-sco')) {
      problems.push(...errors(get(`${BASE}/common/cyber-observable-core.json`), object));
    } else problems.push(`no schema for type ${type}`);
    if (type === 'marking-definition' && object.extensions) problems.push(...errors(get(tlp.$id), object).map((e) => `TLP 2.0: ${e}`));
    return problems;
  }

  return {
    validate,
    validateBundle(bundle) {
      const out: { object: string; errors: string[] }[] = [];
      const envelope: string[] = [];
      if (bundle.type !== 'bundle') envelope.push('type is not bundle');
      if (typeof bundle.id !== 'string' || !/^bundle--[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(bundle.id)) envelope.push('id is not a bundle identifier');
      if (!Array.isArray(bundle.objects)) envelope.push('objects is not an array');
      if (envelope.length) out.push({ object: 'bundle', errors: envelope });
      for (const o of (bundle.objects as Record<string, unknown>[]) ?? []) {
        const errs = validate(o);
        if (errs.length) out.push({ object: String(o.id), errors: errs });
      }
      return out;
    },
  };
}
