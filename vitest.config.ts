import { defineConfig } from "vitest/config";

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
          exclude: ["test/integration/**"],
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
                globalSetup: ["test/integration/global-setup.ts"],
                testTimeout: 180_000,
                hookTimeout: 180_000,
              },
            },
          ]),
    ],
  },
});
