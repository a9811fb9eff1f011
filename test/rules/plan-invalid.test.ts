import { describe, expect, it } from "vitest";
import { planFindings, release } from "./plan-cases.ts";

describe("plan-invalid", () => {
  it("valid: every release a release needs is in the bootstrap", () => {
    const releases = [
      release("cilium", "kube-system"),
      release("coredns", "kube-system", { needs: ["kube-system/cilium"] }),
    ];
    expect(planFindings({ releases }, "plan-invalid")).toEqual([]);
  });
  it("invalid: a release needs one the bootstrap does not install", () => {
    const releases = [release("coredns", "kube-system", { needs: ["kube-system/cilium"] })];
    expect(planFindings({ releases }, "plan-invalid")).toEqual([
      ["error", "bootstrap/helmfile.d/01-apps.yaml"],
    ]);
  });
  it("invalid: a before step needs a step that is not a before step", () => {
    const config = "before:\n  - name: talos\n    command: talosctl\n    needs: [nodes]\n";
    expect(planFindings({ releases: [release("cilium", "kube-system")], config }, "plan-invalid")).toEqual([
      ["error", undefined],
    ]);
  });
});
