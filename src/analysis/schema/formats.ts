import ipaddr from "ipaddr.js";

/**
 * The string formats the API server checks in a CRD's schema (kube-openapi's registry); every other format
 * (`int32`, `int64`, `idn-hostname`, ...) is documentation and passes.
 */
const FORMATS: Record<string, (s: string) => boolean> = {
  "date-time": isDateTime,
  datetime: isDateTime,
  date: (s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)),
  byte: (s) => /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s),
  ipv4: (s) => ipaddr.IPv4.isValidFourPartDecimal(s),
  ipv6: (s) => s.includes(":") && ipaddr.IPv6.isValid(s),
  cidr: isCidr,
  uuid: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s),
  hostname: (s) =>
    s.length <= 255 &&
    /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/.test(
      s,
    ),
  mac: (s) => /^(?:[0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$/.test(s),
};

function isDateTime(s: string): boolean {
  // RFC 3339, as Go's strfmt.ParseDateTime accepts it: a date, `T` (or a space), a time, a zone.
  return (
    /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/.test(s) &&
    !Number.isNaN(Date.parse(s.replace(" ", "T")))
  );
}

function isCidr(s: string): boolean {
  try {
    ipaddr.parseCIDR(s);
    return true;
  } catch {
    return false;
  }
}

/** Whether the API server accepts the string for the format; true for formats it does not check. */
export function formatAccepts(format: string, value: string): boolean {
  const check = FORMATS[format];
  return check ? check(value) : true;
}
