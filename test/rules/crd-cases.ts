/** The CloudNativePG operator and one of its Clusters: the provider and consumer of the CRD rules' cases. */
import { customResource, helmRelease } from "../helpers.ts";

export const CNPG = "oci://ghcr.io/cloudnative-pg/charts/cloudnative-pg";
/** A custom resource of a CRD the cloudnative-pg chart installs. */
export const cluster = customResource("postgresql.cnpg.io/v1", "Cluster", "db");
/** The OCIRepository and HelmRelease of the cloudnative-pg chart. */
export const operator = helmRelease("cloudnative-pg", CNPG);
