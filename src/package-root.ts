/**
 * The package's root folder, where package.json and data/ are. This module is one folder below it in the sources
 * (src/) and, bundled, in the published package (dist/, whose files all sit at that depth): the same relative
 * path works from both.
 */
export const PACKAGE_ROOT = new URL("../", import.meta.url);
