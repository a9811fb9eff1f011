/** helm is 3.14 or newer, or 4.x: older helm 3 lacks what kubestrap relies on (OCI digests, --take-ownership). */
import type { Helm } from "../../charts/helm.ts";
import { findOnPath } from "./tools.ts";
import { PreflightFailed, type PreflightResult } from "./types.ts";

export function supportedHelm(version: string): boolean {
  const m = /^v?(\d+)\.(\d+)/.exec(version);
  if (!m) return false;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  return major >= 4 || (major === 3 && minor >= 14);
}

export async function helmVersion(helm: Helm): Promise<PreflightResult> {
  const version = await helm.version();
  if (!supportedHelm(version))
    throw new PreflightFailed(`helm ${version} (${helm.bin}) is too old: kubestrap needs helm 3.14+ or 4.x`);
  return { message: `helm ${version} (${findOnPath(helm.bin) ?? helm.bin})` };
}
