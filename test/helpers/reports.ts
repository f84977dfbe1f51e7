// Test helper: signed probe reports sent to a controller over real HTTP, as an agent would send them.
import { type ProbeResult, SIGNATURE_HEADER, signReport } from '../../src/probe/index.ts';

let seq = Date.now();

export async function sendReport(
  url: string,
  prober: string,
  key: string,
  results: (Omit<ProbeResult, 'prober' | 'at' | 'latencyMs' | 'detail'> & { latencyMs?: number })[],
  opts: { impaired?: boolean } = {},
): Promise<Response> {
  const now = Date.now();
  const body = JSON.stringify({
    prober,
    seq: ++seq,
    sentAt: now,
    impaired: opts.impaired ?? false,
    results: results.map((r) => ({
      ...r,
      prober,
      at: now,
      latencyMs: r.latencyMs ?? 1,
      detail: r.ok ? 'ok' : 'status 500',
    })),
  });
  return fetch(`${url}/v1/reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signReport(key, body) },
    body,
  });
}

/** One round: every prober reports every endpoint, `down` endpoints failing. */
export async function round(
  url: string,
  probers: Record<string, string>,
  endpoints: readonly string[],
  down: ReadonlySet<string> = new Set(),
): Promise<void> {
  for (const [prober, key] of Object.entries(probers)) {
    const res = await sendReport(
      url,
      prober,
      key,
      endpoints.map((endpoint) => ({ endpoint, ok: !down.has(endpoint) })),
    );
    if (res.status !== 200) throw new Error(`report rejected: ${res.status} ${await res.text()}`);
  }
}
