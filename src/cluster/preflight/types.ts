/** What every preflight check gets and gives. Checks only read: a failed preflight has written nothing. */
export interface PreflightOptions {
  signal?: AbortSignal;
  /** A line about what the check is waiting for. */
  progress?: (message: string) => void;
  timeoutMs: number;
}

export interface PreflightResult {
  /** One line for the task list and the journal. */
  message: string;
}

export class PreflightFailed extends Error {
  override readonly name = "PreflightFailed";
}
