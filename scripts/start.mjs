// `npm start`: run the node from the compiled build, building first when the build is missing or older than the
// sources (a fresh clone after `npm install` is already built by the prepare script). Arguments after `--` go to
// `tessera serve`, e.g. `npm start -- --port 9000`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const main = path.join(root, 'dist', 'cli', 'main.js');
const webIndex = path.join(root, 'dist', 'web', 'index.html');

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const p = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return latest;
}

const built = existsSync(main) && existsSync(webIndex) ? Math.min(statSync(main).mtimeMs, statSync(webIndex).mtimeMs) : 0;
if (built < Math.max(newest(path.join(root, 'src')), newest(path.join(root, 'web')))) {
  process.stderr.write('Building Tessera (sources changed since the last build)…\n');
  const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// Run in this process (not a child) so SIGTERM/SIGINT reach the node's graceful shutdown directly.
process.argv = [process.argv[0], main, 'serve', ...process.argv.slice(2)];
await import(pathToFileURL(main).href);
