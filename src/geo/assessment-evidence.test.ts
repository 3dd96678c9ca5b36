import { describe, expect, it } from 'vitest';
import { captureInstant, parseOffset, prepareEvidence, type GatheredSources, type MediaRow } from './assessment-evidence.js';

const media = (id: string, m: Partial<MediaRow>): MediaRow => ({ id, gpsLat: null, gpsLon: null, captureTime: null, captureOffset: null, cameraSerial: null, ...m });
const none: GatheredSources = { posts: [], postsTruncated: false, media: [], serialLinks: [] };

describe('evidence items from a case', () => {
  it('reads EXIF offsets and local capture times as instants', () => {
    expect(parseOffset('+01:00')).toBe(60);
    expect(parseOffset('-03:30')).toBe(-210);
    expect(parseOffset('+0545')).toBe(345);
    expect(parseOffset('+15:00')).toBeUndefined();
    expect(parseOffset('1:00')).toBeUndefined();
    expect(captureInstant('2024-07-10T18:00:00', 60)).toBe(Date.UTC(2024, 6, 10, 17) / 1000);
    expect(captureInstant('2024-07-10T18:00:00.25', -180)).toBe(Date.UTC(2024, 6, 10, 21, 0, 0, 250) / 1000);
    expect(captureInstant('garbage', 0)).toBeUndefined();
  });

  it('makes one activity and one language item of the posts, timed posts only for activity', () => {
    const items = prepareEvidence(
      { ...none, posts: [{ id: 'p1', occurredAt: '2024-01-01T10:00:00.000Z', text: 'olá' }, { id: 'p2', occurredAt: null, text: 'tudo bem' }, { id: 'p3', occurredAt: '2024-01-02T10:00:00.000Z', text: ' ' }] },
      [],
      new Set(),
      'x@forum',
    );
    expect(items.map((i) => i.snapshot.id)).toEqual(['activity-posts', 'language-posts']);
    expect(items[0]!.engine).toMatchObject({ kind: 'activity', times: [Date.UTC(2024, 0, 1, 10) / 1000, Date.UTC(2024, 0, 2, 10) / 1000] });
    expect(items[0]!.snapshot.detail).toEqual({ events: 2, from: '2024-01-01T10:00:00.000Z', to: '2024-01-02T10:00:00.000Z' });
    expect(items[1]!.engine).toMatchObject({ kind: 'language', texts: ['olá', 'tudo bem'] });
    expect(items[1]!.snapshot.sources.map((s) => s.id)).toEqual(['p1', 'p2']);
    const recent = prepareEvidence({ ...none, posts: [{ id: 'p1', occurredAt: null, text: 'olá' }], textsTruncated: true }, [], new Set(), 'x@forum');
    expect(recent[0]!.snapshot.label).toBe('Language of 1 post (the most recent) (posts of x@forum)');
  });

  it('groups GPS by country and capture offsets by offset and half-year, so one trip is not many facts', () => {
    const rows = [
      media('m1', { gpsLat: 38.72, gpsLon: -9.14, captureTime: '2024-07-01T10:00:00', captureOffset: '+01:00' }),
      media('m2', { gpsLat: 41.15, gpsLon: -8.61, captureTime: '2024-08-01T10:00:00', captureOffset: '+01:00' }),
      media('m3', { gpsLat: 40.42, gpsLon: -3.7, captureTime: '2024-01-05T10:00:00', captureOffset: '+01:00' }),
      media('m4', { captureOffset: '+00:00' }),
      media('m5', { gpsLat: 0, gpsLon: -30 }),
    ];
    const items = prepareEvidence({ ...none, media: rows }, [], new Set(), 'x');
    const byId = new Map(items.map((i) => [i.snapshot.id, i]));
    expect([...byId.keys()].sort()).toEqual(['gps-ES', 'gps-PT', 'gps-unplaced', 'offset-p0-undated', 'offset-p60-apr-sep', 'offset-p60-oct-mar'].sort());
    expect(byId.get('gps-PT')!.snapshot.detail).toMatchObject({ country: 'PT', mediaCount: 2 });
    // The earliest capture stands for the group.
    expect(byId.get('gps-PT')!.engine).toMatchObject({ lat: 38.72, lon: -9.14 });
    expect(byId.get('offset-p60-apr-sep')!.engine).toMatchObject({ offsetMinutes: 60, capturedAt: Date.UTC(2024, 6, 1, 9) / 1000 });
    expect(byId.get('offset-p0-undated')!.engine).not.toHaveProperty('capturedAt');
    expect(byId.get('gps-unplaced')!.snapshot.detail.country).toBeNull();
  });

  it('cites a camera serial of other cases by where those pictures were taken, else where the device was seized', () => {
    const rows = [media('m1', { cameraSerial: 'A1' }), media('m2', { cameraSerial: 'B2' }), media('m3', { cameraSerial: 'C3' })];
    const items = prepareEvidence(
      {
        ...none,
        media: rows,
        serialLinks: [
          { serial: 'A1', mediaId: 'o1', caseId: 'c2', caseReference: 'REF-2', gpsLat: 40.42, gpsLon: -3.7, originCountry: 'FR' },
          { serial: 'B2', mediaId: 'o2', caseId: 'c3', caseReference: 'REF-3', gpsLat: null, gpsLon: null, originCountry: 'DE' },
          { serial: 'C3', mediaId: 'o3', caseId: 'c4', caseReference: 'REF-4', gpsLat: null, gpsLon: null, originCountry: 'INT' },
        ],
      },
      [],
      new Set(),
      'x',
    );
    expect(items.map((i) => i.engine)).toEqual([
      expect.objectContaining({ kind: 'camera-serial', serial: 'A1', countries: ['ES'], confidence: 0.8 }),
      expect.objectContaining({ kind: 'camera-serial', serial: 'B2', countries: ['DE'], confidence: 0.5 }),
    ]);
    expect(items[0]!.snapshot.id).toMatch(/^serial-[0-9a-f]{16}$/);
    expect(items[0]!.snapshot.sources[0]).toEqual({ type: 'case', id: 'c2', label: 'REF-2' });
  });

  it('switches items off by id, analyst items included', () => {
    const items = prepareEvidence(
      { ...none, media: [media('m1', { gpsLat: 38.72, gpsLon: -9.14 })] },
      [{ id: 'a1', input: { kind: 'clue', text: 'type F socket', countries: ['PT', 'ES'], confidence: 0.6 }, addedBy: 'u', addedAt: 't' }],
      new Set(['gps-PT']),
      'x',
    );
    expect(items.map((i) => [i.snapshot.id, i.snapshot.enabled, i.engine.enabled])).toEqual([
      ['gps-PT', false, false],
      ['a1', true, true],
    ]);
    expect(items[1]!.snapshot).toMatchObject({ origin: 'analyst', label: 'type F socket', input: { kind: 'clue' } });
  });
});
