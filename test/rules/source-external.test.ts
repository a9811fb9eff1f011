import { describe, expect, it } from "vitest";
import { ks } from "../helpers.ts";
import { configMap, lintApp, ofRule } from "./diagnostics.ts";

const external = ks("shared", {
  path: "./deploy",
  extra: "",
}).replace("    name: flux-system", "    name: platform-repo");

describe("source-external", () => {
  it("valid: every Kustomization reads this repository", () => {
    expect(ofRule(lintApp({ "apps/app/cm.yaml": configMap("a") }).findings, "source-external")).toEqual([]);
  });
  it("invalid: a Kustomization on another GitRepository is not analysed, and says so", () => {
    const r = lintApp({ "apps/app/cm.yaml": configMap("a"), "apps/app/shared.yaml": external });
    expect(ofRule(r.findings, "source-external")).toEqual([["info", "apps/app/shared.yaml"]]);
  });
});
