import { hash, verify } from '@node-rs/argon2';
import { BadRequestError } from '../errors.js';

// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): about 20 ms here, which bounds guessing without making
// sign-in slow. Parameters are encoded in each hash, so raising them later only affects new hashes.
const OPTIONS = { algorithm: 2 /* Argon2id */, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 12;

export function checkPasswordPolicy(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new BadRequestError(`Passwords need at least ${MIN_PASSWORD_LENGTH} characters.`, 'weak-password');
  }
  if (password.length > 1024) throw new BadRequestError('Passwords are limited to 1024 characters.', 'weak-password');
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** A real hash to verify against when the username is unknown, so timing does not reveal which usernames exist. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword('decoy password that never matches');
  return decoy;
}
