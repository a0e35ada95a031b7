import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Workspace packages resolve to their TypeScript sources: tests never need a build first.
  resolve: { conditions: ['@streamscope/source'] },
  ssr: { resolve: { conditions: ['@streamscope/source'], externalConditions: ['@streamscope/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // expect.poll waits for something that happens by itself (a worker acking, a snapshot arriving): as long
    // as testkit's waitFor does. Vitest's own 1 s is a speed target, missed on a busy machine; a test that
    // means "at once" measures it.
    expect: { poll: { timeout: 10_000 } },
  },
});
