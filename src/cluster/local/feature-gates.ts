/**
 * Kubernetes feature gates for the local control plane, written as the components take them
 * (`--feature-gates=HPAScaleToZero=true,InPlacePodVerticalScaling=false`): a rehearsal meets the API server the
 * repository's cluster runs, gates included.
 */

export type FeatureGates = Record<string, boolean>;

const GATE = /^[A-Z][A-Za-z0-9]*$/;

/** `A=true,B=false` (repeatable: later values win); an error names what is wrong. */
export function parseFeatureGates(text: string, previous: FeatureGates = {}): FeatureGates {
  const gates = { ...previous };
  for (const item of text.split(",").map((s) => s.trim())) {
    if (item === "") continue;
    const m = /^([^=]+)=(true|false)$/.exec(item);
    if (!m) throw new Error(`expected GATE=true|false, got "${item}"`);
    const gate = m[1] as string;
    if (!GATE.test(gate))
      throw new Error(`"${gate}" is not a feature gate name (CamelCase, as HPAScaleToZero)`);
    gates[gate] = m[2] === "true";
  }
  return gates;
}

/** `--feature-gates=A=true,B=false`, or nothing when no gate is set. */
export function featureGateFlags(gates: FeatureGates = {}): string[] {
  const entries = Object.entries(gates);
  if (entries.length === 0) return [];
  return [`--feature-gates=${entries.map(([gate, on]) => `${gate}=${on}`).join(",")}`];
}
