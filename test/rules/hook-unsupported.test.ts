import { describe, expect, it } from "vitest";
import { planFindings, release } from "./plan-cases.ts";

describe("hook-unsupported", () => {
  it("valid: a hook whose templates name the release", () => {
    const hooks =
      "- events: [postsync]\n  command: kubectl\n  args: [apply, -n, '{{ .Release.Namespace }}', -f, net.yaml]";
    expect(
      planFindings({ releases: [release("cilium", "kube-system", { hooks })] }, "hook-unsupported"),
    ).toEqual([]);
  });
  it("invalid: a hook argument reading a value kubestrap cannot evaluate when the hook runs", () => {
    const hooks = "- events: [postsync]\n  command: kubectl\n  args: [apply, -f, '{{ .Values.file }}']";
    expect(
      planFindings({ releases: [release("cilium", "kube-system", { hooks })] }, "hook-unsupported"),
    ).toEqual([["error", "bootstrap/helmfile.d/01-apps.yaml"]]);
  });
});
