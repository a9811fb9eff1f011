/**
 * The expectations of test/helmfile/function-cases.ts against the real helmfile: every template is rendered by
 * helmfile's `tpl` inside one helmfile, and what helmfile prints must be what the case expects (and what
 * kubestrap's unit test renders).
 */
import { describe, expect, it } from "vitest";
import { helmfilePath } from "../../scripts/testenv/provision.ts";
import { helmfileState } from "../helmfile/differential.ts";
import { FUNCTION_CASES, FUNCTION_ENV, FUNCTION_FILES } from "../helmfile/function-cases.ts";
import { makeRepo } from "../helpers.ts";

function helmfileOf(): string {
  const lines = [
    "releases:",
    "  - name: functions",
    "    chart: ./charts/app",
    "    values:",
    "      - cases:",
  ];
  FUNCTION_CASES.forEach((c, i) => {
    lines.push(`          c${i}: {{ tpl \`${c.template}\` . | toJson }}`);
  });
  return `${lines.join("\n")}\n`;
}

describe("template functions agree with helmfile", () => {
  const root = makeRepo({
    ...FUNCTION_FILES,
    "charts/app/Chart.yaml": "apiVersion: v2\nname: app\nversion: 0.1.0\n",
    "helmfile.yaml.gotmpl": helmfileOf(),
  });
  const state = helmfileState(helmfilePath(), root, "helmfile.yaml.gotmpl", undefined, FUNCTION_ENV);
  const printed = (state.releases?.[0]?.values[0] as { cases?: Record<string, string> } | undefined)?.cases;

  it("helmfile renders every case", () => {
    expect(state.error).toBeUndefined();
    expect(Object.keys(printed ?? {})).toHaveLength(FUNCTION_CASES.length);
  });

  FUNCTION_CASES.forEach((c, i) => {
    it(`${c.fn}: ${c.template}`, () => {
      expect(printed?.[`c${i}`]).toBe(c.expected);
    });
  });
});
