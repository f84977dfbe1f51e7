// What a controller's refusal of a report means and what fixes it, in words an operator acts on. One
// table for both ends: the agent's repeated failure line and the controller's log, status, explain and
// dashboard say the same thing about the same refusal.

export interface RefusalText {
  /** Short: "bad signature", "stale timestamp (clock 125 s behind)". */
  what: string;
  remedy: string;
}

const KEY =
  "the prober's key differs between the agent and the controller: give both the same key (probers[].keyEnv or keyFile)";
const CLOCK = "fix the agent's clock (NTP: chrony or systemd-timesyncd)";
const CERT =
  "give the agent a client certificate signed by the controller's controller.tls.clientCaFile (controllers[].certFile and keyFile)";
const VERSION =
  'run the same geofailover version on agent and controller, and no proxy that rewrites the body between them';

/** "125 s behind" / "3 s ahead" for a clock offset (sender minus controller), in seconds. */
export function clockOffsetText(offsetSeconds: number): string {
  return `${Math.abs(offsetSeconds)} s ${offsetSeconds > 0 ? 'ahead' : 'behind'}`;
}

/** The words for a refusal reason code (the controller's `error`/`reason` field); unknown codes pass. */
export function refusalText(reason: string, offsetSeconds?: number): RefusalText {
  const clock = offsetSeconds === undefined ? '' : ` (clock ${clockOffsetText(offsetSeconds)})`;
  switch (reason) {
    case 'bad-signature':
      return { what: 'bad signature', remedy: KEY };
    case 'stale-timestamp':
      return { what: `stale timestamp${clock}`, remedy: CLOCK };
    case 'clock-skew':
      return { what: `clock skew${clock}`, remedy: CLOCK };
    case 'unknown-prober':
      return {
        what: 'unknown prober',
        remedy:
          "the agent's --prober must be one of the controller's probers[].id (use the same config on both)",
      };
    case 'client-cert-required':
      return { what: 'client certificate required', remedy: CERT };
    case 'client-cert-invalid':
      return { what: 'client certificate refused', remedy: CERT };
    case 'unsigned':
      return {
        what: 'unsigned report',
        remedy:
          'something other than a geofailover agent posts to /v1/reports, or a proxy drops the x-geofailover-signature header',
      };
    case 'replay':
      return {
        what: 'replayed sequence number',
        remedy:
          "run one agent per prober id (two agents share this one), and keep the agent's clock from jumping back",
      };
    case 'prober-mismatch':
    case 'invalid-body':
    case 'malformed-json':
      return { what: `invalid report (${reason})`, remedy: VERSION };
    case 'too-large':
      return { what: 'report too large', remedy: VERSION };
    default:
      return { what: reason, remedy: "see the controller's log" };
  }
}
