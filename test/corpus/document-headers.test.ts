import { join } from "node:path";
import { expect, test } from "vitest";
import { checkDocumentHeaders } from "../helpers.ts";

const SHARED = join(import.meta.dirname, "../../../shared");

test("the document-header line reader agrees with the YAML parser on every fixture CRD and the corpus", () => {
  const checked = ["fixtures/crds", "corpus"].reduce(
    (n, root) => n + checkDocumentHeaders(join(SHARED, root)),
    0,
  );
  expect(checked).toBeGreaterThan(600);
});
