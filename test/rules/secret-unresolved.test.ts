import { describe, expect, it } from "vitest";
import { planFindings, release } from "./plan-cases.ts";

const files = {
  "bootstrap/resources.yaml":
    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: token\n  namespace: external-secrets\nstringData:\n  token: op://vault/item/token\n",
};

describe("secret-unresolved", () => {
  it("valid: secret references with an injector to resolve them", () => {
    const config = "secrets:\n  inject:\n    command: op\n    args: [inject]\n";
    expect(
      planFindings({ releases: [release("es", "external-secrets")], files, config }, "secret-unresolved"),
    ).toEqual([]);
  });
  it("invalid: op:// references and no injector", () => {
    expect(
      planFindings({ releases: [release("es", "external-secrets")], files }, "secret-unresolved"),
    ).toEqual([["error", "bootstrap/resources.yaml"]]);
  });
});
