// The words policies and providers meet on: what a record needs its provider to publish. A policy
// kind names the features its records need (src/policy/kinds), a provider kind declares the ones it
// has (providers/<kind>/definition.ts), and validate, the planner and the docs compare the two.

/**
 * - `weighted`: weighted record sets (the weighted policy, and the failback ramp of failover records).
 * - `geo`: record sets answered by the client's location (the geo policy).
 * - `steeredGeo`: geo sets whose region the controller chooses at run time for each geography, from
 *   measured round-trip times (latency) or distance (proximity). A kind that publishes the values
 *   policy chooses can; one whose geo answers follow from config alone (load balancer pools) cannot.
 * - `endpointWeights`: per-endpoint weights inside a region (one weighted set per endpoint, or origin weights).
 * - `failbackRamp`: weights that change step by step after a recovery (health.failbackRamp).
 * - `rampedEndpointWeights`: endpoint weights inside a region that is on a failback ramp.
 * - `apexCname`: a CNAME at the zone apex (CNAME flattening).
 * - `alias`: alias records (endpoints[].alias): A/AAAA answers that follow a target name (Route 53).
 * - `fallback`: answers from regions outside a rule's own list (a geo rule falling through to the
 *   default rule, a record's `fallback`). A kind that publishes the values policy chooses can; one
 *   whose answers follow from config alone (Cloudflare load balancers) cannot.
 * - `familyHealth`: A and AAAA answers that each follow their own address family's health (dual-stack
 *   endpoints, `addresses: {ipv4, ipv6}`). A kind whose A and AAAA sets are written independently can;
 *   one that publishes an endpoint as a single origin (Cloudflare load balancers) cannot.
 */
export type Feature =
  | 'weighted'
  | 'geo'
  | 'steeredGeo'
  | 'endpointWeights'
  | 'failbackRamp'
  | 'rampedEndpointWeights'
  | 'apexCname'
  | 'alias'
  | 'fallback'
  | 'familyHealth';
