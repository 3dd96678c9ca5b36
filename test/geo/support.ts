/** Helpers for the location tests: posts imported as a capture would carry them, and pictures with camera metadata. */
import { zoneOffsetAt } from '../../src/geo/time-zones.js';
import { systemActor } from '../../src/identity/actor.js';
import type { HandlingCode } from '../../src/intel/vocabulary.js';
import type { TestApp, TestUser } from '../support/app.js';
import { picture } from '../ingest/support/device.js';
import { multipart } from '../ingest/support/multipart.js';

async function* bytes(text: string): AsyncGenerator<Buffer> {
  yield Buffer.from(text);
}

/** An instant written in the zone's local time with its offset at that instant, as forum software prints it. */
export function localIso(zone: string, unixSeconds: number): string {
  const offset = zoneOffsetAt(zone, unixSeconds);
  const wall = new Date((unixSeconds + offset * 60) * 1000).toISOString().slice(0, 19);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${wall}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export interface Post {
  author: string;
  time: string;
  text: string;
}

/** Imports posts into the case (JSON lines, through the post importer), creating the authors' identities. */
export async function importPosts(t: TestApp, agencyId: string, caseId: string, posts: Post[], handlingCode: HandlingCode = 'TLP:AMBER'): Promise<void> {
  const text = posts.map((p) => JSON.stringify(p)).join('\n');
  const result = await t.services.postImports.importStream({ actor: systemActor('test', agencyId) }, caseId, bytes(text), {
    fileName: 'capture.jsonl',
    platform: 'forum.example',
    handlingCode,
    dataSubject: 'suspect',
  });
  if (result.status !== 'done') throw new Error(`import ${result.status}`);
}

export async function identityId(user: TestUser, caseId: string, handle: string): Promise<string> {
  const res = await user.request({ method: 'GET', url: `/api/v1/cases/${caseId}/records?kind=online-identity&limit=200` });
  const found = (res.json().items as { id: string; subject: string }[]).find((r) => r.subject === handle);
  if (!found) throw new Error(`no identity ${handle}: ${res.body}`);
  return found.id;
}

/** EXIF rationals for a coordinate: degrees, minutes and seconds ×100. */
function dms(value: number): string {
  const abs = Math.abs(value);
  const d = Math.floor(abs);
  const m = Math.floor((abs - d) * 60);
  const s = Math.round(((abs - d) * 60 - m) * 60 * 100);
  return `${d}/1 ${m}/1 ${s}/100`;
}

/** A generated picture (shapes, no real imagery) with the camera metadata given. */
export async function cameraPicture(
  seed: number,
  meta: { serial?: string; takenAt?: string; offset?: string; gps?: { lat: number; lon: number } },
): Promise<Buffer> {
  const exif: Record<string, Record<string, string>> = { IFD0: { Make: 'Canon', Model: 'EOS 5D' }, IFD2: {} };
  if (meta.serial) exif.IFD2!.BodySerialNumber = meta.serial;
  if (meta.takenAt) exif.IFD2!.DateTimeOriginal = meta.takenAt;
  if (meta.offset) exif.IFD2!.OffsetTimeOriginal = meta.offset;
  if (meta.gps) {
    exif.IFD3 = {
      GPSLatitudeRef: meta.gps.lat < 0 ? 'S' : 'N',
      GPSLatitude: dms(meta.gps.lat),
      GPSLongitudeRef: meta.gps.lon < 0 ? 'W' : 'E',
      GPSLongitude: dms(meta.gps.lon),
    };
  }
  return picture(seed, { width: 160, height: 120, exif });
}

/** Uploads pictures into the case and runs the ingest job to the end. */
export async function ingestPictures(t: TestApp, user: TestUser, caseId: string, files: { name: string; content: Buffer }[]): Promise<void> {
  const body = multipart({ files: files.map((f) => ({ filename: f.name, content: f.content })) });
  const res = await user.request({ method: 'POST', url: `/api/v1/cases/${caseId}/ingests?source=phone`, payload: body.payload, headers: body.headers });
  if (res.statusCode !== 202) throw new Error(`ingest refused: ${res.body}`);
  t.services.jobs.start();
  await t.services.jobs.drain();
  await t.services.jobs.stop();
}
