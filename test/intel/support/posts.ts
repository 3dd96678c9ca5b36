/** Synthetic captured posts for the import tests and benchmark: deterministic, with known selectors and bad lines. */

export const ONION = 's5xdj3bxtyxemztk4v4dnhugbkfgjfkf6xbkwe5flp3t6bz2jepi3zid.onion';
export const BASE_TIME = Date.UTC(2026, 0, 5, 18, 0, 0);

export interface GeneratedPosts {
  text: string;
  /** Line numbers of the lines that must be refused. */
  badLines: number[];
  /** What a correct import yields. */
  expected: { posts: number; authors: number; onionPosts: number; emails: number };
}

const WORDS = 'the new mirror is up tonight check thread price escrow thanks link down again later pm me trusted vendor rules'.split(' ');

/**
 * `count` posts by `authors` authors (`user_<n>`, bare names), one JSON line or CSV row each. Every 10th post carries
 * the onion address, every 7th an e-mail of 50 sellers; every `badEvery`-th line is malformed in a rotating way.
 */
export function generatePosts(count: number, options: { format: 'jsonl' | 'csv'; authors?: number; badEvery?: number }): GeneratedPosts {
  const authors = options.authors ?? 200;
  const badEvery = options.badEvery ?? 0;
  const lines: string[] = options.format === 'csv' ? ['author,time,text,thread,url'] : [];
  const badLines: number[] = [];
  let posts = 0;
  let onionPosts = 0;
  const emails = new Set<string>();
  const usedAuthors = new Set<number>();
  for (let i = 0; i < count; i++) {
    const lineNo = lines.length + 1;
    if (badEvery && i % badEvery === badEvery - 1) {
      badLines.push(lineNo);
      const kind = Math.floor(i / badEvery) % 3;
      if (options.format === 'jsonl') lines.push(kind < 1 ? '{"author":"x","time":' : kind < 2 ? '{"author":"user_1","time":"2026-01-05 10:00","text":"naive"}' : '{"time":1767636000,"text":"no author"}');
      else lines.push(kind < 1 ? 'user_1,not-a-time,hello,,' : kind < 2 ? ',1767636000,no author,,' : 'user_1,1767636000');
      continue;
    }
    const author = (i * 7919) % authors;
    usedAuthors.add(author);
    const parts = [WORDS[i % WORDS.length], WORDS[(i * 3) % WORDS.length], `post ${i}`];
    if (i % 10 === 0) {
      parts.push(`mirror http://${ONION}/forum`);
      onionPosts++;
    }
    if (i % 7 === 0) {
      const email = `seller${i % 50}@example.com`;
      parts.push(`mail ${email}`);
      emails.add(email);
    }
    const text = parts.join(' ');
    const time = i % 2 === 0 ? new Date(BASE_TIME + i * 60_000).toISOString() : Math.floor((BASE_TIME + i * 60_000) / 1000);
    const thread = `t${i % 40}`;
    if (options.format === 'jsonl') lines.push(JSON.stringify({ author: `user_${author}`, time, text, thread }));
    else lines.push(`user_${author},${time},"${text.replace(/"/g, '""')}",${thread},`);
    posts++;
  }
  return { text: `${lines.join('\n')}\n`, badLines, expected: { posts, authors: usedAuthors.size, onionPosts, emails: emails.size } };
}
