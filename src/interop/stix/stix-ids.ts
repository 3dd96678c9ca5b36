import { createHash, randomUUID } from 'node:crypto';

/** STIX 2.1 §2.9: the namespace for deterministic identifiers of cyber-observable objects. */
export const SCO_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';
/** Tessera's own namespace for the ids of objects it derives from its records, so a re-export keeps them. */
export const TESSERA_NAMESPACE = '5b0f6a3e-3d4c-4b8e-9b6a-7c1d2e3f4a5b';

/** RFC 9562 UUID version 5 (SHA-1 of namespace and name). */
export function uuidv5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  const b = hash.subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** JSON with object keys sorted (RFC 8785 for the strings and plain objects STIX id properties hold). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The deterministic id of an SCO from its id-contributing properties (STIX 2.1 §2.9). */
export function scoId(type: string, contributing: Record<string, unknown>): string {
  return `${type}--${uuidv5(SCO_NAMESPACE, canonicalJson(contributing))}`;
}

/** A stable id for an object Tessera derives from one of its own items (`key` like `record:<id>`). */
export function derivedId(type: string, key: string): string {
  return `${type}--${uuidv5(TESSERA_NAMESPACE, `${type}:${key}`)}`;
}

export function randomId(type: string): string {
  return `${type}--${randomUUID()}`;
}
