/**
 * `Uint8Array.prototype.toBase64` and `Uint8Array.fromBase64` (TC39 "Uint8Array to/from base64", shipped in newer V8)
 * for runtimes that lack them, implemented over Node's native Buffer codec. jose uses these when present and otherwise
 * falls back to btoa/atob over per-byte strings, which costs ~35 ms per MB: for 100 MB attachments that is most of
 * the time spent. This is an encoding, not cryptography; it is installed only where the runtime has none, and its
 * behaviour follows the proposal (alphabets, optional padding, whitespace skipped, SyntaxError on bad input).
 */
type Alphabet = 'base64' | 'base64url';

interface ToBase64Options {
  alphabet?: Alphabet;
  omitPadding?: boolean;
}

interface FromBase64Options {
  alphabet?: Alphabet;
  lastChunkHandling?: 'loose' | 'strict' | 'stop-before-partial';
}

function alphabetOf(options: { alphabet?: unknown } | undefined): Alphabet {
  const alphabet = options?.alphabet ?? 'base64';
  if (alphabet !== 'base64' && alphabet !== 'base64url') throw new TypeError('alphabet must be "base64" or "base64url"');
  return alphabet;
}

export function toBase64(bytes: Uint8Array, options?: ToBase64Options): string {
  const alphabet = alphabetOf(options);
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Node's base64url omits padding; its base64 keeps it.
  let text = buffer.toString(alphabet);
  if (options?.omitPadding) text = text.replace(/=+$/, '');
  else if (alphabet === 'base64url' && text.length % 4 !== 0) text += '='.repeat(4 - (text.length % 4));
  return text;
}

const VALID: Record<Alphabet, RegExp> = { base64: /^[A-Za-z0-9+/]*$/, base64url: /^[A-Za-z0-9_-]*$/ };

export function fromBase64(input: string, options?: FromBase64Options): Uint8Array {
  if (typeof input !== 'string') throw new TypeError('fromBase64 expects a string');
  const alphabet = alphabetOf(options);
  const handling = options?.lastChunkHandling ?? 'loose';
  let text = input.replace(/[\t\n\f\r ]+/g, '');
  const padded = /=+$/.exec(text)?.[0].length ?? 0;
  if (padded > 2) throw new SyntaxError('invalid base64 padding');
  text = text.slice(0, text.length - padded);
  if (!VALID[alphabet].test(text)) throw new SyntaxError('invalid base64 character');
  if (padded > 0 && (text.length + padded) % 4 !== 0) throw new SyntaxError('invalid base64 padding');
  const partial = text.length % 4;
  if (partial === 1) {
    if (handling === 'stop-before-partial') text = text.slice(0, text.length - 1);
    else throw new SyntaxError('invalid base64 length');
  } else if (partial !== 0 && padded === 0) {
    if (handling === 'strict') throw new SyntaxError('base64 input is missing its padding');
    if (handling === 'stop-before-partial') text = text.slice(0, text.length - partial);
  }
  const bytes = Buffer.from(text, alphabet);
  if (handling === 'strict' && partial !== 0 && toBase64(bytes, { alphabet, omitPadding: true }) !== text) {
    throw new SyntaxError('base64 input has non-zero padding bits');
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

interface Base64Capable {
  toBase64?: (options?: ToBase64Options) => string;
}

/** Installs the two methods if the runtime lacks them (idempotent). */
export function installBase64(): void {
  const proto = Uint8Array.prototype as unknown as Base64Capable;
  if (typeof proto.toBase64 !== 'function') {
    Object.defineProperty(Uint8Array.prototype, 'toBase64', {
      value: function toBase64Method(this: Uint8Array, options?: ToBase64Options) {
        return toBase64(this, options);
      },
      writable: true,
      configurable: true,
    });
  }
  const ctor = Uint8Array as unknown as { fromBase64?: unknown };
  if (typeof ctor.fromBase64 !== 'function') {
    Object.defineProperty(Uint8Array, 'fromBase64', { value: fromBase64, writable: true, configurable: true });
  }
}

installBase64();
