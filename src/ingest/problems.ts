/**
 * Why a file could not be taken in, or was taken in with a caveat. Each code is a stable word in the ingest summary,
 * the ledger and the API; the text says what happened in words an examiner can act on.
 */
export const PROBLEMS = {
  // The file is not stored.
  unreadable: 'the file or folder could not be read (permissions or I/O error)',
  vanished: 'the file disappeared between listing and reading',
  symlink: 'a symbolic or hard link: not followed (its target is taken in where it really lives)',
  'special-file': 'not a regular file (device, pipe or socket)',
  'unsafe-path': 'an archive entry with an absolute path or a ".." component',
  'zip-bomb': 'an archive entry expands far beyond its compressed size (decompression bomb)',
  'archive-too-large': 'the archive expands beyond the total size limit',
  'archive-too-deep': 'archives nested deeper than the limit',
  'archive-too-many-entries': 'the archive holds more entries than the limit',
  encrypted: 'an encrypted archive entry (no key available)',
  'corrupt-archive': 'the archive is damaged or truncated; entries before the damage were taken in',
  'unsupported-archive-entry': 'an archive entry compressed with a method that cannot be read',
  'file-too-large': 'the file is larger than the per-file limit',
  // The file is stored; something about it is noted.
  'non-utf8-name': 'the name is not valid UTF-8: shown with replacement characters, the raw bytes are kept',
  undecodable: 'the picture or video could not be decoded (corrupt, truncated or unsupported): stored without a perceptual hash',
  'too-many-pixels': 'the picture declares more pixels than the decoding limit: stored without a perceptual hash',
  'decode-timeout': 'decoding took longer than the time limit: stored without a perceptual hash',
} as const;

export type ProblemCode = keyof typeof PROBLEMS;

export const PROBLEM_CODES = Object.keys(PROBLEMS) as ProblemCode[];

export interface Problem {
  code: ProblemCode;
  detail: string;
}

export function problem(code: ProblemCode, detail: string = PROBLEMS[code]): Problem {
  return { code, detail: detail.slice(0, 500) };
}

/** Maps a filesystem error to the problem it means for the examiner. */
export function fsProblem(err: unknown): Problem {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT') return problem('vanished', `${PROBLEMS.vanished} (${e.code})`);
  if (e?.code === 'ELOOP') return problem('symlink', `${PROBLEMS.symlink} (${e.code})`);
  return problem('unreadable', `${PROBLEMS.unreadable}${e?.code ? ` (${e.code})` : ''}`);
}
