/**
 * Loads PDQ's WebAssembly kernels (pdq-kernels.wat, assembled into the committed pdq-kernels.wasm beside this file;
 * the build copies it to dist/). One instance per thread, made synchronously on first use: ingest hashes in
 * worker_threads, and each worker gets its own memory.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The slice of the WebAssembly JS API used here (the project's TypeScript libs carry no WebAssembly types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export interface PdqKernelExports {
  memory: WasmMemory;
  luma(pix: number, n: number, channels: number, out: number): void;
  box_t(src: number, len: number, w: number, groups: number, ngroups: number, dst: number, dstStride: number, strip: number): void;
  quality_sum(a: number): number;
  dct(a: number, d: number, dt: number, t: number, b: number): void;
}

const PAGE = 65536;

export class PdqKernels {
  readonly fn: PdqKernelExports;
  private f32View: Float32Array;
  private u8View: Uint8Array;
  private i32View: Int32Array;

  constructor(fn: PdqKernelExports) {
    this.fn = fn;
    this.f32View = new Float32Array(fn.memory.buffer);
    this.u8View = new Uint8Array(fn.memory.buffer);
    this.i32View = new Int32Array(fn.memory.buffer);
  }

  /** Grows the memory to at least `bytes` (it never shrinks: the largest picture a thread saw sets its size). */
  reserve(bytes: number): void {
    const have = this.fn.memory.buffer.byteLength;
    if (bytes > have) this.fn.memory.grow(Math.ceil((bytes - have) / PAGE));
    if (this.f32View.buffer !== this.fn.memory.buffer) {
      this.f32View = new Float32Array(this.fn.memory.buffer);
      this.u8View = new Uint8Array(this.fn.memory.buffer);
      this.i32View = new Int32Array(this.fn.memory.buffer);
    }
  }

  /** Views of the whole memory, valid until the next reserve(). */
  get f32(): Float32Array {
    return this.f32View;
  }
  get u8(): Uint8Array {
    return this.u8View;
  }
  get i32(): Int32Array {
    return this.i32View;
  }
}

let instance: PdqKernels | undefined;

export function pdqKernels(): PdqKernels {
  if (!instance) {
    const bytes = readFileSync(fileURLToPath(new URL('./pdq-kernels.wasm', import.meta.url)));
    instance = new PdqKernels(new wasm.Instance(new wasm.Module(bytes)).exports as PdqKernelExports);
  }
  return instance;
}
