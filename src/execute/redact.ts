/**
 * Secret values never leave the process: every value that came out of `sops --decrypt` or a secret injector is
 * registered here, and every line kubestrap prints, every event it streams and every journal entry it writes
 * goes through `redact` first (in its plain form and as base64, the form a Secret's `data` carries).
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | undefined;

  /** Registers a secret value (values shorter than 4 characters would redact ordinary words; they are kept). */
  add(value: string): void {
    for (const v of [value, Buffer.from(value).toString("base64")]) {
      if (v.length < 4 || this.secrets.has(v)) continue;
      this.secrets.add(v);
      // Multi-line values (a PEM key, a JSON credentials file) also appear line by line in error output.
      for (const line of v.split("\n")) if (line.trim().length >= 8) this.secrets.add(line.trim());
      this.pattern = undefined;
    }
  }

  /** Registers every string value of a Secret's `data` (base64) and `stringData`. */
  addSecretObject(object: Record<string, unknown>): void {
    for (const [field, decode] of [
      ["stringData", false],
      ["data", true],
    ] as const) {
      const values = object[field];
      if (!values || typeof values !== "object") continue;
      for (const v of Object.values(values as Record<string, unknown>)) {
        if (typeof v !== "string") continue;
        this.add(decode ? Buffer.from(v, "base64").toString("utf8") : v);
        if (decode) this.add(v);
      }
    }
  }

  get size(): number {
    return this.secrets.size;
  }

  redact(text: string): string {
    if (this.secrets.size === 0 || !text) return text;
    this.pattern ??= new RegExp(
      [...this.secrets]
        .sort((a, b) => b.length - a.length)
        .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
        .join("|"),
      "g",
    );
    return text.replace(this.pattern, "***");
  }
}
