import { describe, expect, test } from "vitest";
import { featureGateFlags, parseFeatureGates } from "../../src/cluster/local/feature-gates.ts";
import { waitFor } from "../../src/cluster/local/kubeapi.ts";

describe("feature gates of the local control plane", () => {
  test("GATE=true|false, comma-separated and repeatable, later values winning", () => {
    expect(parseFeatureGates("HPAScaleToZero=true, InPlacePodVerticalScaling=false")).toEqual({
      HPAScaleToZero: true,
      InPlacePodVerticalScaling: false,
    });
    expect(parseFeatureGates("HPAScaleToZero=false", { HPAScaleToZero: true, A1: true })).toEqual({
      HPAScaleToZero: false,
      A1: true,
    });
  });

  test("what the components would refuse is an error naming it", () => {
    expect(() => parseFeatureGates("HPAScaleToZero")).toThrow(
      'expected GATE=true|false, got "HPAScaleToZero"',
    );
    expect(() => parseFeatureGates("HPAScaleToZero=yes")).toThrow(/expected GATE=true\|false/);
    expect(() => parseFeatureGates("hpa=true")).toThrow('"hpa" is not a feature gate name');
  });

  test("one --feature-gates flag, or none", () => {
    expect(featureGateFlags({ A: true, B: false })).toEqual(["--feature-gates=A=true,B=false"]);
    expect(featureGateFlags({})).toEqual([]);
    expect(featureGateFlags()).toEqual([]);
  });
});

describe("waiting for a component", () => {
  test("gives up at once when waiting is hopeless (the process exited), with what it knows", async () => {
    const started = Date.now();
    await expect(
      waitFor(
        "the API server",
        async () => false,
        10_000,
        () => "kube-apiserver exited (1)",
        10,
        () => true,
      ),
    ).rejects.toThrow("gave up waiting for the API server:\nkube-apiserver exited (1)");
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  test("times out when it never comes", async () => {
    await expect(
      waitFor(
        "x",
        async () => false,
        50,
        () => "",
        10,
      ),
    ).rejects.toThrow("timed out after 0.05 s waiting for x");
  });
});
