// A weighted answer's identity and weight at the provider: an endpoint's own set id and the integer
// weight of a share. Here, beside the record types, so adapters can name and weigh sets without
// loading the policy code.

/** Integer weight for a real-valued share: nearest integer, at least 1 when the share is positive. */
export function integerWeight(x: number): number {
  if (!(x > 0)) return 0;
  return Math.max(1, Math.round(x));
}

/** The set id of one endpoint's own weighted set. */
export function endpointSetId(region: string, endpoint: string): string {
  return `${region}/${endpoint}`;
}
