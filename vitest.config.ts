import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Workspace packages resolve to their TypeScript sources: tests never need a build first.
  resolve: { conditions: ['@streamscope/source'] },
  ssr: { resolve: { conditions: ['@streamscope/source'], externalConditions: ['@streamscope/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
