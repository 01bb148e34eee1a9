/// <reference types="vitest/config" />
import { fileURLToPath, URL } from 'node:url';

import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev`: the dashboard on 8080 with /api proxied to a metrics-api on 5001
// (override with METRICS_API_URL), so the frontend can be worked on alone.
const apiTarget = process.env.METRICS_API_URL ?? 'http://127.0.0.1:5001';

export default defineConfig({
  plugins: [react(), tailwindcss()],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  server: {
    port: 8080,
    strictPort: true,
    proxy: { '/api': { target: apiTarget, changeOrigin: true } },
  },
  preview: { port: 8080, proxy: { '/api': { target: apiTarget, changeOrigin: true } } },
  build: { sourcemap: false, chunkSizeWarningLimit: 600 },
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
