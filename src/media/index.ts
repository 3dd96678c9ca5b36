/** Public API of the media science module (ingest, the hub's network match index and the CLI use these). */
export { hashFile, MediaFileError, type HashFileOptions, type ImageHashResult, type MediaHashResult, type VideoHashResult } from './hash-file.js';
export { HashPool, type HashOutcome, type HashPoolOptions } from './hash-pool.js';
export { HammingIndex, MAX_RADIUS, type IndexHit } from './hamming-index.js';
export { hamming, hammingWords, hexToWords, isHash256Hex, wordsToHex, type Hash256Words } from './hash256.js';
export {
  pdqDihedralFromLuma, pdqDihedralFromPixels, pdqFromLuma, pdqFromPixels, PDQ_MATCH_DISTANCE, PDQ_MIN_QUALITY,
  type PdqDihedralResult, type PdqResult,
} from './pdq.js';
export { foldConsecutiveDuplicates, matchVpdq, type VpdqFrame, type VpdqMatchOptions, type VpdqMatchResult } from './vpdq.js';
export { compareImages, compareVideos, DIHEDRAL_NAMES, type ImageComparison, type VideoComparison } from './compare.js';
export { digestBuffer, digestFile, DigestAccumulator, type Digests } from './digests.js';
export { sniffType, SNIFF_BYTES, type MediaKind, type SniffedType } from './sniff.js';
export { readImageMetadata, type ImageMetadata } from './metadata.js';
export { ImageDecodeError, DEFAULT_MAX_PIXELS } from './decode-image.js';
export { FfmpegMissingError, VideoDecodeError, probeVideo, type VideoInfo } from './decode-video.js';
