import { defineConfig } from "vitest/config";

// Three projects: `unit` and `integration` are `npm test` (they need nothing beside the project); `corpus` is
// `npm run test:corpus`, the tests that read ../shared (the real fixture CRDs and corpus repositories).
// KUBESTRAP_UNIT_ONLY=1 is a local shortcut that leaves out the integration project; CI never sets it.
const unitOnly = process.env.KUBESTRAP_UNIT_ONLY === "1";
if (unitOnly) console.warn("KUBESTRAP_UNIT_ONLY=1: integration tests are NOT run");

export default defineConfig({
  test: {
    reporters: ["default", "./test/summary-reporter.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: ["test/integration/**", "test/corpus/**"],
          globalSetup: ["test/temp-root.ts"],
          testTimeout: 30_000,
        },
      },
      ...(unitOnly
        ? []
        : [
            {
              extends: true as const,
              test: {
                name: "integration",
                include: ["test/integration/**/*.test.ts"],
                globalSetup: ["test/temp-root.ts", "test/integration/global-setup.ts"],
                // One control plane for every file: one file at a time, so that a test that restarts the API
                // server or counts its writes sees no other test's traffic.
                fileParallelism: false,
                testTimeout: 180_000,
                hookTimeout: 180_000,
              },
            },
          ]),
      {
        extends: true,
        test: {
          name: "corpus",
          include: ["test/corpus/**/*.test.ts"],
          globalSetup: ["test/temp-root.ts"],
          testTimeout: 60_000,
        },
      },
    ],
  },
});
