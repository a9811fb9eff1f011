/**
 * A value as Go's yaml.v3 Marshal prints it, which is what helmfile's toYaml returns: keys sorted, a string
 * double-quoted when it would read back as another type (a number, a bool, null, a date, YAML 1.1's `on` and
 * `y`), single-quoted when it needs quotes for any other reason, and a trailing newline.
 */
import { Document, stringify, visit } from "yaml";

/** Plain scalars Go's yaml resolves to something other than a string, YAML 1.1's old booleans included. */
const NOT_A_STRING = [
  /^(?:|~|null|Null|NULL)$/,
  /^(?:true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/,
  /^[-+]?(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|[0-9][0-9_]*)$/,
  /^[-+]?(?:\.[0-9_]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?$/,
  /^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$/,
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ].*)?$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/,
];

export function goYaml(value: unknown): string {
  if (value === null || value === undefined) return "null\n";
  const doc = new Document(value, { sortMapEntries: true });
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value !== "string") return;
      if (NOT_A_STRING.some((re) => re.test(node.value as string))) node.type = "QUOTE_DOUBLE";
      // The library double-quotes a string with a single quote in it; Go's emitter still single-quotes it.
      else if (
        node.value.includes("'") &&
        stringify(node.value).startsWith('"') &&
        !/[\n\p{Cc}]/u.test(node.value)
      )
        node.type = "QUOTE_SINGLE";
    },
  });
  return doc.toString({ singleQuote: true, lineWidth: 0 });
}
