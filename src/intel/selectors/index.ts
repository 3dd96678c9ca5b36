/** Public surface of selector extraction and normalisation; other modules import from here. */
export { extractSelectors } from './extract.js';
export { MAX_SELECTOR_LENGTH, matchKeyInput, normaliseSelector } from './normalise.js';
export { PLATFORMS, findPlatform, type Platform } from './platforms.js';
export { normaliseMake } from './camera-serial.js';
export {
  ExtractedSelectorSchema,
  type ExtractOptions,
  type ExtractedSelector,
  type Normalised,
  type NormaliseOptions,
} from './types.js';
