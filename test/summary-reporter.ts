import type { Reporter, TestModule } from "vitest/node";

/**
 * Prints one plain closing line that any CI log reader understands, with the count per project so that a
 * run without integration tests is visible: `tests: N passed, N failed (unit: N, integration: N)`.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const perProject = new Map<string, number>();
    for (const module of testModules) {
      const project = module.project.name || "default";
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failed++;
        else skipped++;
        perProject.set(project, (perProject.get(project) ?? 0) + 1);
      }
    }
    const projects = [...perProject].map(([name, count]) => `${name}: ${count}`).join(", ");
    process.stdout.write(
      `tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""} (${projects})\n`,
    );
  }
}
