import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';

const PERIOD = 30;

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(secretBase32: string, label = 'user'): TOTP {
  return new TOTP({ issuer: 'Tessera', label, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: Secret.fromBase32(secretBase32) });
}

/**
 * Checks a 6-digit code with one step of clock drift either way. Returns the time step it matched, so the caller can
 * refuse the same code twice (a code seen over a shoulder is worthless once used).
 */
export function matchTotp(secretBase32: string, code: string, now = Date.now()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = TOTP.validate({ token: code, secret: Secret.fromBase32(secretBase32), period: PERIOD, timestamp: now, window: 1 });
  if (delta === null) return null;
  return Math.floor(now / 1000 / PERIOD) + delta;
}

/** For tests and the demo: the code an authenticator app would show now. */
export function currentTotp(secretBase32: string, now = Date.now()): string {
  return TOTP.generate({ secret: Secret.fromBase32(secretBase32), period: PERIOD, timestamp: now });
}

export async function totpEnrolment(secretBase32: string, username: string): Promise<{ uri: string; qrSvg: string; manualKey: string }> {
  const uri = totp(secretBase32, username).toString();
  const qrSvg = await QRCode.toString(uri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  return { uri, qrSvg, manualKey: secretBase32.replace(/(.{4})/g, '$1 ').trim() };
}
