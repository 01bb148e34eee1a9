/// <reference types="vitest/config" />
import { fileURLToPath, URL } from 'node:url';

import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { compression, defineAlgorithm } from 'vite-plugin-compression2';

// `npm run dev`: the dashboard on 8080 with /api proxied to a metrics-api on 5001
// (override with METRICS_API_URL), so the frontend can be worked on alone.
const apiTarget = process.env.METRICS_API_URL ?? 'http://127.0.0.1:5001';

export default defineConfig({
  plugins: [
    react(),
    tailwindcss(),
    // dist/**/*.gz beside each file: nginx sends them as they are (gzip_static), so a cold load
    // costs the server no compression time (level 9: done once, at build time).
    compression({ algorithms: [defineAlgorithm('gzip', { level: 9 })], threshold: 1024 }),
  ],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  server: {
    port: 8080,
    strictPort: true,
    proxy: { '/api': { target: apiTarget, changeOrigin: true } },
  },
  preview: { port: 8080, proxy: { '/api': { target: apiTarget, changeOrigin: true } } },
  build: {
    sourcemap: false,
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      output: {
        // V8's compile hint: the entry's functions nearly all run on load (React, the router,
        // the runs list), so Chromium compiles them eagerly on its background parse thread as
        // the file streams in, instead of lazily on the main thread while the app starts.
        postBanner: (chunk) => (chunk.isEntry ? '//# allFunctionsCalledOnLoad' : ''),
      },
    },
  },
  test: {
    globals: true,
    environment: 'jsdom',
    setupFiles: ['./src/testing/setup-tests.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
    // One jsdom and one module graph for all files (in the one worker CI's 2 cores get): each
    // file's own fresh environment and imports cost more than its tests. Each test still stands
    // alone: renderApp makes a fresh router and query cache, and setup-tests.ts resets the fake
    // API's handlers and data, storage and the DOM after every test.
    isolate: false,
    testTimeout: 30000,
  },
});
