/**
 * Language identification with eld (n-gram detector, data shipped in the npm package, no network). The medium
 * database is loaded on first use because it costs a second or two and most assessments have no texts.
 */
type Detector = (typeof import('eld/medium'))['eld'];

let detector: Detector | undefined;

export async function loadLanguageDetector(): Promise<void> {
  detector ??= (await import('eld/medium')).eld;
}

export interface LanguageGuess {
  /** ISO 639-1 code, '' when nothing was recognised. */
  language: string;
  reliable: boolean;
}

/** Requires loadLanguageDetector() to have completed. */
export function detectLanguage(text: string): LanguageGuess {
  if (!detector) throw new Error('language detector not loaded: await loadLanguageDetector() first');
  const result = detector.detect(text);
  return { language: result.language, reliable: result.isReliable() };
}
