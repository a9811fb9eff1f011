/**
 * The reasons of test/helmfile/refusal-cases.ts against the real helmfile: each template, written into a
 * helmfile of its own, makes helmfile fail with that reason in its error.
 */
import { describe, expect, it } from "vitest";
import { helmfilePath } from "../../scripts/testenv/provision.ts";
import { helmfileState } from "../helmfile/differential.ts";
import { REFUSAL_CASES } from "../helmfile/refusal-cases.ts";
import { makeRepo } from "../helpers.ts";

describe("helmfile refuses each template for the reason kubestrap gives", () => {
  for (const c of REFUSAL_CASES) {
    it(JSON.stringify(c.template), () => {
      const root = makeRepo({
        "charts/app/Chart.yaml": "apiVersion: v2\nname: app\nversion: 0.1.0\n",
        // A template in a YAML comment is still rendered (the whole file is one template); at the end, so that
        // an action left open meets the end of the file.
        "helmfile.yaml.gotmpl": `releases:\n  - name: a\n    chart: ./charts/app\n# ${c.template}`,
      });
      const state = helmfileState(helmfilePath(), root, "helmfile.yaml.gotmpl");
      // helmfile's error ends with Go's: `... template: stringTemplate:4: <reason>`, or `... at <node>: <reason>`.
      expect(state.error).toMatch(new RegExp(`: ${c.reason.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`));
    });
  }
});
