import { defineConfig } from "vitest/config";

// The unit tests alone, for mutation testing (npm run test:mutation): Stryker runs them once per mutant, so
// they must need nothing beside the project and no cluster.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The registry test reads src/ as text, which Stryker has rewritten with its mutant switches.
    exclude: ["test/integration/**", "test/corpus/**", "test/rules/registry.test.ts"],
    testTimeout: 30_000,
  },
});
