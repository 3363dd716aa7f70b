import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

// The clerk web app: built into web/dist/, served by the node at `/` (server/http/web-app.ts).
export default defineConfig({
  root: import.meta.dirname,
  plugins: [preact()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
