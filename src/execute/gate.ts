/**
 * The CRD phase as a gate rather than a wall: a release waits for it only when it has to. As soon as the CRD
 * step has rendered a release's chart, it knows whether the chart ships CRDs (helm must not race kubestrap to
 * create them) or renders objects of kinds that are not built in (custom resources, whose CRDs may be among those
 * being applied), or whether the release has hooks (which may apply some): those releases wait until every CRD is
 * Established. The others (a CNI, DNS, most charts) start at once, while the CRDs are still being applied.
 */

export class BlockedError extends Error {
  override readonly name = "BlockedError";
}

export interface GateVerdict {
  wait: boolean;
  /** Why the release waits, for its progress line. */
  why: string;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: Error): void;
  settled: boolean;
}

function deferred<T>(): Deferred<T> {
  const d = { settled: false } as Deferred<T>;
  d.promise = new Promise<T>((resolve, reject) => {
    d.resolve = (v) => {
      d.settled = true;
      resolve(v);
    };
    d.reject = (e) => {
      d.settled = true;
      reject(e);
    };
  });
  d.promise.catch(() => {});
  return d;
}

export class CrdGate {
  private readonly verdicts = new Map<string, Deferred<GateVerdict>>();
  private readonly established = deferred<void>();
  private failure: Error | undefined;

  /** `present`: the plan has a CRD step; without one nothing waits. */
  constructor(present: boolean) {
    if (!present) this.skipped();
  }

  private verdict(release: string): Deferred<GateVerdict> {
    let d = this.verdicts.get(release);
    if (!d) {
      d = deferred<GateVerdict>();
      this.verdicts.set(release, d);
      if (this.failure) d.reject(this.failure);
      else if (this.established.settled) d.resolve({ wait: false, why: "" });
    }
    return d;
  }

  /** One release's chart is rendered: whether it must wait. */
  decide(release: string, verdict: GateVerdict): void {
    const d = this.verdict(release);
    if (!d.settled) d.resolve(verdict);
  }

  /** Every CRD is Established: nothing waits any more. */
  applied(): void {
    if (!this.established.settled) this.established.resolve();
    for (const d of this.verdicts.values()) if (!d.settled) d.resolve({ wait: false, why: "" });
  }

  /** The CRD step was already done: nothing waits. */
  skipped(): void {
    this.applied();
  }

  /** The CRD step failed or did not run: releases that needed it (or were not decided) are blocked. */
  failed(why: string): void {
    if (this.established.settled && !this.failure) return;
    this.failure = new BlockedError(`not run: the CRD phase ${why}`);
    if (!this.established.settled) this.established.reject(this.failure);
    for (const d of this.verdicts.values()) if (!d.settled) d.reject(this.failure);
  }

  /** Waits for the CRDs when this release needs them; `progress` says so. */
  async wait(release: string, progress: (message: string) => void): Promise<void> {
    const verdict = await this.verdict(release).promise;
    if (!verdict.wait) return;
    if (!this.established.settled) progress(`waiting for the CRD phase: ${verdict.why}`);
    await this.established.promise;
  }
}
