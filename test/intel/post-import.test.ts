import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/identity/actor.js';
import { importPosts } from '../../src/intel/posts/post-importer.js';
import { parsePosts } from '../../src/intel/posts/post-parser.js';
import { createTestApp, type TestApp, type TestUser } from '../support/app.js';
import { testDialects } from '../support/stores.js';
import { BASE_TIME, ONION, generatePosts } from './support/posts.js';

async function* bytes(text: string, size = 1 << 16): AsyncGenerator<Buffer> {
  const buf = Buffer.from(text);
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

const count = async (t: TestApp, caseId: string, kind: string) =>
  Number((await t.store.db.selectFrom('records').select((eb) => eb.fn.countAll<number>().as('n')).where('case_id', '=', caseId).where('kind', '=', kind).executeTakeFirstOrThrow()).n);

describe.each(testDialects)('post import on %s', (dialect) => {
  let t: TestApp;
  let investigator: TestUser;
  let other: TestUser;
  let caseId: string;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const pt = await t.agency('PJ', 'PT');
    investigator = await t.user(pt, ['investigator', 'analyst']);
    other = await t.user(await t.agency('Other', 'ES'), ['investigator']);
    caseId = (await investigator.request({ method: 'POST', url: '/api/v1/cases', payload: { reference: 'IMPORT-1', title: 'Forum dump' } })).json().id;
  });
  afterAll(async () => t.close());

  it('imports 20 000 generated posts under their identities, with their selectors, reporting each bad line', async () => {
    const generated = generatePosts(20_000, { format: 'jsonl', authors: 300, badEvery: 997 });
    const result = await t.services.postImports.importStream(
      { actor: systemActor('test', investigator.agencyId) },
      caseId,
      bytes(generated.text),
      { fileName: 'dump.jsonl', platform: 'forum.example', handlingCode: 'TLP:AMBER', dataSubject: 'suspect' },
    );
    expect(result.status).toBe('done');
    expect(result.progress).toMatchObject({ imported: generated.expected.posts, identities: generated.expected.authors, malformed: generated.badLines.length });
    expect(result.errors.map((e) => e.line)).toEqual(generated.badLines);
    expect(result.errors[0]!.message).toBe('not valid JSON');

    expect(await count(t, caseId, 'post')).toBe(generated.expected.posts);
    expect(await count(t, caseId, 'online-identity')).toBe(generated.expected.authors);

    // Post 0 is by user_0, at BASE_TIME, in thread t0, and carries the onion: check it end to end.
    const first = await t.store.db
      .selectFrom('records as p')
      .innerJoin('records as i', 'i.id', 'p.identity_id')
      .select(['p.text', 'p.occurred_at', 'p.thread', 'i.subject', 'p.handling_code', 'p.data_subject'])
      .where('p.case_id', '=', caseId)
      .where('p.text', 'like', '% post 0 %')
      .executeTakeFirstOrThrow();
    expect(first).toMatchObject({ occurred_at: new Date(BASE_TIME).toISOString(), thread: 't0', subject: 'user_0@forum.example', handling_code: 'TLP:AMBER', data_subject: 'suspect' });

    const selectors = (await investigator.request({ method: 'GET', url: `/api/v1/cases/${caseId}/selectors?limit=500` })).json();
    const byValue = new Map(selectors.items.map((s: { type: string; normalised: string; sources: number }) => [`${s.type}:${s.normalised}`, s.sources]));
    expect(byValue.get(`onion:${ONION}`)).toBe(generated.expected.onionPosts);
    expect([...byValue.keys()].filter((k) => (k as string).startsWith('email:'))).toHaveLength(generated.expected.emails);
    expect(byValue.get('handle:user_0@forum.example')).toBe(1);

    const audit = await t.services.audit.list({ caseId, action: 'record.import', limit: 1000 });
    expect(audit.length).toBe(Math.ceil(generated.expected.posts / 1000));
    expect(audit.reduce((n, e) => n + Number(e.details!.posts), 0)).toBe(generated.expected.posts);
  });

  it('resumes after the last committed batch, without importing anything twice', async () => {
    const caseId2 = (await investigator.request({ method: 'POST', url: '/api/v1/cases', payload: { reference: 'IMPORT-2', title: 'Resume' } })).json().id;
    const generated = generatePosts(2500, { format: 'csv', authors: 20, badEvery: 400 });
    const importId = (
      await t.services.postImports.importStream({ actor: systemActor('test', investigator.agencyId) }, caseId2, bytes('author,time,text\n'), { fileName: 'empty.csv', platform: 'forum.example' })
    ).id;
    await t.store.db.updateTable('post_imports').set({ status: 'running', progress: '{}', finished_at: null }).where('id', '=', importId).execute();
    const options = { caseId: caseId2, importId, agencyId: investigator.agencyId, actor: systemActor('test'), region: 'PT' as const, platform: 'forum.example', handlingCode: 'TLP:AMBER' as const, dataSubject: 'other' as const, fileName: 'resume.csv', batchSize: 500 };

    // A run that dies after reading 1 200 lines: two batches of 500 are committed, the rest is lost.
    async function* dying() {
      let n = 0;
      for await (const p of parsePosts(bytes(generated.text, 4096), 'csv')) {
        if (++n > 1200) throw new Error('power cut');
        yield p;
      }
    }
    await expect(importPosts(t.store.db, t.services.audit, dying(), options)).rejects.toThrow('power cut');
    const saved = await t.store.db.selectFrom('post_imports').select(['progress', 'errors']).where('id', '=', importId).executeTakeFirstOrThrow();
    const progress = JSON.parse(saved.progress);
    expect(progress.imported).toBe(1000);

    const result = await importPosts(t.store.db, t.services.audit, parsePosts(bytes(generated.text), 'csv'), { ...options, resume: { progress, errors: JSON.parse(saved.errors) } });
    expect(result).toMatchObject({ imported: generated.expected.posts, malformed: generated.badLines.length });
    expect(result.errors.map((e) => e.line)).toEqual(generated.badLines);
    expect(await count(t, caseId2, 'post')).toBe(generated.expected.posts);
    expect(await count(t, caseId2, 'online-identity')).toBe(generated.expected.authors);
  });

  it('takes an upload over HTTP, imports it in the background and shows progress; others get 404', async () => {
    const generated = generatePosts(300, { format: 'csv', authors: 5, badEvery: 100 });
    const url = `/api/v1/cases/${caseId}/imports?fileName=capture.csv&platform=forum.example&handlingCode=TLP:GREEN`;
    expect((await other.request({ method: 'POST', url, payload: generated.text, headers: { 'content-type': 'text/csv' } })).statusCode).toBe(404);
    expect((await investigator.request({ method: 'POST', url, payload: { not: 'a file' } })).statusCode).toBe(415);
    expect((await investigator.request({ method: 'POST', url: `${url}&handlingCode=TLP:WHITE`, payload: generated.text, headers: { 'content-type': 'text/csv' } })).statusCode).toBe(400);

    const accepted = await investigator.request({ method: 'POST', url, payload: generated.text, headers: { 'content-type': 'text/csv' } });
    expect(accepted.statusCode).toBe(202);
    expect(accepted.json()).toMatchObject({ status: 'queued', format: 'csv', progress: { totalBytes: Buffer.byteLength(generated.text) } });
    t.services.jobs.start();
    await t.services.jobs.drain();
    await t.services.jobs.stop();
    const done = (await investigator.request({ method: 'GET', url: `/api/v1/cases/${caseId}/imports/${accepted.json().id}` })).json();
    expect(done).toMatchObject({ status: 'done', progress: { imported: generated.expected.posts, malformed: 3 } });
    expect(done.progress.bytesRead).toBe(done.progress.totalBytes);
    expect(done.errors.map((e: { line: number }) => e.line)).toEqual(generated.badLines);
    const row = await t.store.db.selectFrom('post_imports').select('upload').where('id', '=', accepted.json().id).executeTakeFirstOrThrow();
    expect(row.upload).toBeNull();
    const list = (await investigator.request({ method: 'GET', url: `/api/v1/cases/${caseId}/imports` })).json();
    expect(list[0].id).toBe(accepted.json().id);
  });

  it('refuses authors without a platform, line by line', async () => {
    const caseId3 = (await investigator.request({ method: 'POST', url: '/api/v1/cases', payload: { reference: 'IMPORT-3', title: 'No platform' } })).json().id;
    const text = ['{"author":"alice","time":1767636000,"text":"a"}', '{"author":"bobby_77@telegram","time":1767636000,"text":"b"}', '{"author":"carol","time":1767636000,"text":"c","url":"https://forum.example/p/3"}'].join('\n');
    const result = await t.services.postImports.importStream({ actor: systemActor('test', investigator.agencyId) }, caseId3, bytes(text), { fileName: 'x.jsonl' });
    expect(result.progress.imported).toBe(2);
    expect(result.errors).toEqual([{ line: 1, message: expect.stringMatching(/has no platform/) }]);
  });
});
