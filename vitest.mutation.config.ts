import { defineConfig } from "vitest/config";

// The unit tests alone, for mutation testing (npm run test:mutation): Stryker runs them once per mutant, so
// they must need nothing beside the project and no cluster.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The registry test reads src/ as text, which Stryker has rewritten with its mutant switches.
    exclude: ["test/integration/**", "test/corpus/**", "test/rules/registry.test.ts"],
    globalSetup: ["test/temp-root.ts"],
    testTimeout: 30_000,
    // One module graph for every test file: a mutant's run costs its tests, not ~150 ms of imports per file
    // (9.1 min instead of 36.6 for the bootstrap part of src/model). A module's cache can then carry from one
    // file to the next; MUTATION_ISOLATE=1 measures with each file isolated, as npm test runs them.
    isolate: process.env.MUTATION_ISOLATE === "1",
  },
});
