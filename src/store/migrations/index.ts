import type { Migration } from 'kysely';
import * as m0001 from './0001-foundation.js';
import * as m0002 from './0002-exchange.js';
import * as m0003 from './0003-media.js';
import * as m0004 from './0004-intel.js';
import * as m0005 from './0005-location.js';
import * as m0006 from './0006-matching.js';
import * as m0007 from './0007-victims.js';
import * as m0008 from './0008-audit-checkpoints.js';
import * as m0009 from './0009-key-continuity.js';

/**
 * Every migration, in order. Listed by hand (not read from the folder) so the compiled CLI, the tests under tsx and a
 * bundled build all see the same set. Names are permanent once released.
 */
export const migrations: Record<string, Migration> = {
  '0001-foundation': m0001,
  '0002-exchange': m0002,
  '0003-media': m0003,
  '0004-intel': m0004,
  '0005-location': m0005,
  '0006-matching': m0006,
  '0007-victims': m0007,
  '0008-audit-checkpoints': m0008,
  '0009-key-continuity': m0009,
};
