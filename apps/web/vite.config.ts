import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The workbench lives under /app/ so that its client routes (/app/reports/…) can never collide
 * with the API's own paths (/reports/…), today's or tomorrow's. apps/api serves dist/web.
 * Vite transforms TSX itself with oxc: no React plugin is needed for a production build.
 */
export default defineConfig({
  root,
  base: '/app/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
    reportCompressedSize: false,
    // antd marks its modules "use client" (for React Server Components); meaningless in a SPA bundle.
    rolldownOptions: { checks: { moduleLevelDirective: false } },
  },
  server: {
    // `npx vite --config apps/web/vite.config.ts` for development against `npm start` on :3000.
    proxy: Object.fromEntries(['/auth', '/reports', '/audit', '/organisations', '/users', '/inbox', '/campaigns', '/notifications', '/workflows', '/docs-json'].map((p) => [p, 'http://127.0.0.1:3000'])),
  },
});
