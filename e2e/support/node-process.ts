import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface RunningNode {
  url: string;
  /** The one-time setup link printed on stderr at first start. */
  setupUrl: string;
  dataDir: string;
  /** Everything the node wrote, for the failure message. */
  output(): string;
  stop(): Promise<void>;
}

const READY = 'Tessera agency node ready';

/**
 * Starts `tessera serve --port 0` from source on a fresh SQLite data directory, as a newcomer would, and waits for its
 * ready line. Database variables of the caller are dropped so the browser tests always run on the embedded default.
 */
export async function startNode(options: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<RunningNode> {
  if (!existsSync(path.join(repoRoot, 'dist', 'web', 'index.html'))) {
    throw new Error('dist/web is missing: run `npm run build:web` first (`npm run test:e2e` does).');
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-e2e-'));
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('TESSERA_') || key === 'DATABASE_URL' || key === 'PORT' || key === 'HOST') continue;
    env[key] = value;
  }
  Object.assign(env, { TESSERA_DATA_DIR: dataDir, TESSERA_LOG_LEVEL: 'info', NODE_ENV: 'test' }, options.env ?? {});

  // tsx as a loader in one node process (not the tsx CLI, which forks): the signal we send is the one the node gets.
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0'], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  let stdout = '';
  let stderr = '';
  const output = () => `--- stdout ---\n${stdout.slice(-8000)}\n--- stderr ---\n${stderr.slice(-4000)}`;

  const ready = new Promise<{ url: string; setupUrl: string }>((resolve, reject) => {
    let url: string | null = null;
    let setupUrl: string | null = null;
    const check = () => {
      if (url && setupUrl) resolve({ url, setupUrl });
    };
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      for (const line of chunk.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          const entry = JSON.parse(line) as { msg?: string; url?: string };
          if (entry.msg === READY && entry.url) url = entry.url;
        } catch {
          // a partial line; the next chunk completes it and the whole text is searched again below
        }
      }
      if (!url) {
        const match = new RegExp(`\\{[^\\n]*"msg":"${READY}"[^\\n]*\\}`).exec(stdout);
        if (match) url = (JSON.parse(match[0]) as { url: string }).url;
      }
      check();
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const match = /https?:\/\/\S+\/setup#token=[A-Za-z0-9_-]+/.exec(stderr);
      if (match) setupUrl = match[0];
      check();
    });
    child.once('exit', (code, signal) => reject(new Error(`The node exited before it was ready (code ${code}, signal ${signal}).\n${output()}`)));
    const timer = setTimeout(() => reject(new Error(`The node was not ready within ${options.timeoutMs ?? 60_000} ms.\n${output()}`)), options.timeoutMs ?? 60_000);
    timer.unref();
  });

  let started: { url: string; setupUrl: string };
  try {
    started = await ready;
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }

  return {
    ...started,
    dataDir,
    output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
