import { describe, expect, it } from 'vitest';
import { normaliseCameraSerial, normaliseMake } from './camera-serial.js';

describe('camera serials', () => {
  it('canonicalises makes as EXIF writes them', () => {
    expect(normaliseMake('NIKON CORPORATION')).toBe('nikon');
    expect(normaliseMake('Canon')).toBe('canon');
    expect(normaliseMake('OLYMPUS IMAGING CORP.')).toBe('olympus');
    expect(normaliseMake('FUJIFILM')).toBe('fujifilm');
    expect(normaliseMake('PENTAX RICOH IMAGING')).toBe('ricoh-pentax');
    expect(normaliseMake('Acme Optics Co., Ltd.')).toBe('acme-optics');
  });

  it('normalises make+serial so EXIF variants of one body match', () => {
    const a = normaliseCameraSerial('0012345678', 'Canon');
    const b = normaliseCameraSerial('12345678', 'CANON');
    expect(a).toEqual({ normalised: 'canon:12345678', valid: true });
    expect(b.normalised).toBe(a.normalised);
    expect(normaliseCameraSerial('NIKON CORPORATION:  ab 12 cd ').normalised).toBe('nikon:AB12CD');
    // Leading zeros are kept when the serial is not purely numeric.
    expect(normaliseCameraSerial('00A1', 'Sony').normalised).toBe('sony:00A1');
  });

  it('requires a make', () => {
    expect(normaliseCameraSerial('12345678')).toMatchObject({ valid: false, reason: /make required/ });
    expect(normaliseCameraSerial('12345678', '  ').valid).toBe(false);
  });

  it('rejects placeholder serials', () => {
    for (const s of ['0000000000', '0', 'unknown', 'N/A', '', '123456789']) {
      expect(normaliseCameraSerial(s, 'Canon').valid, s).toBe(false);
    }
    expect(normaliseCameraSerial('12#45', 'Canon').valid).toBe(false);
  });
});
