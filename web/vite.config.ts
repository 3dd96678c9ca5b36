import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('../dist/web', import.meta.url));
// `npm run dev:web` proxies the API to a running node: by default one started with `serve --port 8123`.
const apiTarget = process.env.TESSERA_API_URL ?? 'http://127.0.0.1:8123';

export default defineConfig({
  root: webRoot,
  base: '/',
  plugins: [react()],
  build: {
    outDir,
    emptyOutDir: true,
    // The node's CSP allows scripts from 'self' only; nothing may be inlined into index.html.
    assetsInlineLimit: 0,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
      '/health': { target: apiTarget, changeOrigin: false },
    },
  },
});
