// Test runner configuration: node environment, tests mirror the source tree under test/.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Installs Debian's redis-server and chromium when missing (as root), or says how to.
    globalSetup: ['test/setup/debian-packages.ts'],
  },
});
