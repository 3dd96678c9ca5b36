import { describe, expect, it } from 'vitest';
import { detectFormat, parsePosts, parsePostTime, type ParsedLine, type PostFormat } from './post-parser.js';

async function parse(text: string, format: PostFormat, chunkSize = 1 << 20, naiveTimesAreUtc = false): Promise<ParsedLine[]> {
  const bytes = Buffer.from(text, 'utf8');
  async function* chunks() {
    for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
  }
  const out: ParsedLine[] = [];
  for await (const p of parsePosts(chunks(), format, { naiveTimesAreUtc })) out.push(p);
  return out;
}

describe('post times', () => {
  it('reads ISO 8601 with a zone, and epoch seconds or milliseconds', () => {
    expect(parsePostTime('2026-03-01T21:15:00+01:00')).toEqual({ iso: '2026-03-01T20:15:00.000Z' });
    expect(parsePostTime('2026-03-01 21:15Z')).toEqual({ iso: '2026-03-01T21:15:00.000Z' });
    expect(parsePostTime('2026-03-01T21:15:00.123456-0330')).toEqual({ iso: '2026-03-02T00:45:00.123Z' });
    expect(parsePostTime(1772399700)).toEqual({ iso: '2026-03-01T21:15:00.000Z' });
    expect(parsePostTime('1772399700000')).toEqual({ iso: '2026-03-01T21:15:00.000Z' });
  });

  it('refuses times without a zone unless told they are UTC, impossible dates and units mixed up', () => {
    expect(parsePostTime('2026-03-01T21:15:00')).toMatchObject({ error: expect.stringMatching(/no time zone/) });
    expect(parsePostTime('2026-03-01T21:15:00', { naiveTimesAreUtc: true })).toEqual({ iso: '2026-03-01T21:15:00.000Z' });
    expect(parsePostTime('2026-02-30T10:00:00Z')).toMatchObject({ error: expect.stringMatching(/not a real date/) });
    expect(parsePostTime('2026-13-01T10:00:00Z')).toHaveProperty('error');
    expect(parsePostTime(17723997000000)).toHaveProperty('error');
    expect(parsePostTime('yesterday')).toHaveProperty('error');
    expect(parsePostTime(undefined)).toEqual({ error: 'time is missing' });
  });
});

describe('JSON lines', () => {
  const text = [
    '{"author":"alice","time":"2026-03-01T10:00:00Z","text":"hi","thread":"t1"}',
    '',
    '{"author":"bob","time":1772399700,"text":"see https://example.org","url":"https://forum.example/p/2"}',
    '{"author":"bob","time":1772399700,"text":', // truncated
    '["not", "an", "object"]',
    '{"time":"2026-03-01T10:00:00Z","text":"no author"}',
    '{"author":"carol","time":"2026-03-01T10:00:00","text":"naive time"}',
    '{"author":"dave","time":"2026-03-01T10:00:00Z","text":"last line without newline"}',
  ].join('\n');

  it('parses posts and reports malformed lines with their numbers, going on after them', async () => {
    for (const chunk of [1 << 20, 7, 1]) {
      const out = await parse(text, 'jsonl', chunk);
      expect(out.map((p) => (p.post ? [p.line, p.post.author] : [p.line, p.error]))).toEqual([
        [1, 'alice'],
        [3, 'bob'],
        [4, 'not valid JSON'],
        [5, 'not a JSON object'],
        [6, 'author is missing'],
        [7, expect.stringMatching(/no time zone/)],
        [8, 'dave'],
      ]);
    }
    const [first] = await parse(text, 'jsonl');
    expect(first!.post).toEqual({ author: 'alice', time: '2026-03-01T10:00:00.000Z', text: 'hi', thread: 't1', url: null });
  });

  it('skips a runaway line and resumes at the next', async () => {
    const out = await parse(`${'{"author":"x","text":"' + 'a'.repeat(1_100_000)}\n{"author":"y","time":1772399700,"text":"ok"}\n`, 'jsonl', 65536);
    expect(out.map((p) => [p.line, p.error ?? p.post!.author])).toEqual([
      [1, expect.stringMatching(/longer than/)],
      [2, 'y'],
    ]);
  });
});

describe('CSV', () => {
  it('reads RFC 4180 with quoted commas, doubled quotes and multi-line fields, by header name', async () => {
    const csv = 'Time,Author,Text,URL\r\n' +
      '2026-03-01T10:00:00Z,alice,"hello, ""world""",\r\n' +
      '1772399700,bob,"two\nlines",https://forum.example/p/2\r\n' +
      'not-a-time,carol,x,\r\n' +
      '1772399700,dave,"unclosed\n';
    for (const chunk of [1 << 20, 5, 1]) {
      const out = await parse(csv, 'csv', chunk);
      expect(out.map((p) => [p.line, p.error ?? p.post!.text])).toEqual([
        [2, 'hello, "world"'],
        [3, 'two\nlines'],
        [5, expect.stringMatching(/neither ISO 8601/)],
        [6, 'a quoted field is not closed'],
      ]);
    }
  });

  it('refuses a header without the required columns, and rows with too few fields', async () => {
    expect(await parse('who,when,what\nalice,1772399700,hi\n', 'csv')).toEqual([{ line: 1, error: expect.stringMatching(/lacks the column\(s\) author, time, text/) }]);
    const out = await parse('author,time,text\nalice,1772399700\nbob,1772399700,ok\n', 'csv');
    expect(out.map((p) => [p.line, p.error ?? p.post!.author])).toEqual([
      [2, '2 field(s) where the header has 3'],
      [3, 'bob'],
    ]);
  });

  it('strips a byte-order mark and guesses the format', async () => {
    const out = await parse('\uFEFFauthor,time,text\nalice,1772399700,hi\n', 'csv');
    expect(out[0]!.post!.author).toBe('alice');
    expect(detectFormat('posts.CSV', '{')).toBe('csv');
    expect(detectFormat('x.ndjson', 'a')).toBe('jsonl');
    expect(detectFormat(undefined, '  {"author"')).toBe('jsonl');
    expect(detectFormat(undefined, 'author,time')).toBe('csv');
  });
});
