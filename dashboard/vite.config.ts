import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The project root is this folder, wherever vite is started from (`npx vite build --config dashboard/vite.config.ts`).
const root = new URL('.', import.meta.url).pathname;

/**
 * The dashboard: built into `dashboard/dist`, which `fillbook serve` serves at `/`. In development
 * (`npx vite --config dashboard/vite.config.ts`) the API, sign-in and live stream are proxied to a
 * `fillbook serve` on 127.0.0.1:7878, so the session cookie stays same-origin.
 */
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  server: {
    proxy: {
      '/v1': 'http://127.0.0.1:7878',
      '/auth': 'http://127.0.0.1:7878',
    },
  },
});
