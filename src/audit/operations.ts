import { Type } from 'typebox';

/**
 * The operations Directive (EU) 2016/680 art. 25 requires logged, plus `authentication` for sign-in, lockout and
 * credential events, which are security events rather than processing of case data.
 */
export const LOGGED_OPERATIONS = [
  'collection',
  'alteration',
  'consultation',
  'disclosure',
  'combination',
  'erasure',
  'authentication',
] as const;
export type LoggedOperation = (typeof LOGGED_OPERATIONS)[number];
export const LoggedOperationSchema = Type.Enum(LOGGED_OPERATIONS);
