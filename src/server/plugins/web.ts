import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { webDistDir } from '../../paths.js';
import { sendProblem } from './errors.js';

/**
 * Serves the built web app (dist/web) with long-lived caching for hashed assets, and index.html for every other
 * browser path so client-side routes survive a reload. Everything it needs is bundled: no CDN, no web fonts.
 */
export async function registerWebApp(app: FastifyInstance, dir = webDistDir): Promise<void> {
  const indexFile = path.join(dir, 'index.html');
  const hasWeb = existsSync(indexFile);
  if (hasWeb) {
    await app.register(fastifyStatic, {
      root: dir,
      prefix: '/',
      wildcard: false,
      index: false,
      setHeaders: (reply, file) => {
        if (file.includes(`${path.sep}assets${path.sep}`)) reply.header('cache-control', 'public, max-age=31536000, immutable');
      },
    });
  }
  const index = hasWeb ? readFileSync(indexFile) : null;

  app.setNotFoundHandler((request, reply) => {
    const isPage = request.method === 'GET' && !request.url.startsWith('/api/') && !request.url.startsWith('/health') && (request.headers.accept ?? '').includes('text/html');
    if (isPage && index) return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(index);
    if (isPage) return reply.code(503).type('text/plain').send('The web app is not built. Run: npm run build');
    return sendProblem(request, reply, 404, 'not-found', `There is no ${request.method} ${request.url.split('?')[0]} here.`);
  });
}
