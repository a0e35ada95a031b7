import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';
import { compression } from 'vite-plugin-compression2';

/** Where `pnpm --filter @streamscope/web dev` forwards the WebSocket and the JSON API: the server's default port. */
const SERVER = 'http://127.0.0.1:8788';

export default defineConfig({
  plugins: [
    react(),
    // Brotli and gzip copies beside each built file, which the server sends to browsers that take them: the
    // dashboard's 920 KB of script is 230 KB in brotli, compressed once at build rather than at every load.
    compression({ algorithms: ['brotliCompress', 'gzip'], threshold: 1024 }),
  ],
  resolve: {
    // Workspace packages export their TypeScript source under this condition, so no package build is needed first.
    conditions: ['@streamscope/source', ...defaultClientConditions],
  },
  server: {
    proxy: {
      '/ws': { target: SERVER, ws: true },
      '/api': { target: SERVER },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rolldownOptions: {
      output: {
        // Libraries change less often than the app: separate chunks stay cached across app rebuilds.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 3 },
            { name: 'zod', test: /node_modules[\\/]zod[\\/]/, priority: 2 },
            { name: 'vendor', test: /node_modules[\\/]/, priority: 1 },
          ],
        },
      },
    },
  },
});
