// Assembles src/media/pdq-kernels.wat into the committed src/media/pdq-kernels.wasm (`npm run build:wasm`), so that
// neither the runtime nor the tests need an assembler. `--check` assembles in memory and exits 1 when the committed
// binary differs from the text (the test suite runs it, so the two cannot drift).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import wabtInit from 'wabt';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const watPath = path.join(root, 'src', 'media', 'pdq-kernels.wat');
const wasmPath = path.join(root, 'src', 'media', 'pdq-kernels.wasm');

const wabt = await wabtInit();
const mod = wabt.parseWat('pdq-kernels.wat', readFileSync(watPath, 'utf8'), { simd: true });
try {
  mod.validate();
  // No names section: the binary is then a function of the instructions alone.
  const bytes = Buffer.from(mod.toBinary({ log: false, write_debug_names: false }).buffer);
  if (process.argv.includes('--check')) {
    let committed;
    try {
      committed = readFileSync(wasmPath);
    } catch {
      committed = Buffer.alloc(0);
    }
    if (!committed.equals(bytes)) {
      console.error(`${path.relative(root, wasmPath)} is not the assembly of ${path.relative(root, watPath)}: run npm run build:wasm`);
      process.exit(1);
    }
    console.log(`${path.relative(root, wasmPath)} is current (${bytes.length} bytes)`);
  } else {
    writeFileSync(wasmPath, bytes);
    console.log(`wrote ${path.relative(root, wasmPath)} (${bytes.length} bytes)`);
  }
} finally {
  mod.destroy();
}
