// After tsc: make the CLI executable and copy the non-TypeScript files that live beside the code (data tables, learned
// parameters) from src/ to dist/, so the compiled node finds them where the source does.
import { chmodSync, copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const src = path.join(root, 'src');
const dist = path.join(root, 'dist');

function copyAssets(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const from = path.join(dir, entry.name);
    if (entry.isDirectory()) copyAssets(from);
    else if (!/\.(ts|tsx)$/.test(entry.name)) {
      const to = path.join(dist, path.relative(src, from));
      mkdirSync(path.dirname(to), { recursive: true });
      copyFileSync(from, to);
    }
  }
}

copyAssets(src);
chmodSync(path.join(dist, 'cli', 'main.js'), 0o755);
