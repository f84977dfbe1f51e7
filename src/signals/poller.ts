// Polls each prometheus signal's query every interval and hands each evaluation to `observe` (the
// controller passes it to the health engine). One query per signal at a time: the next starts an
// interval after the last one started, or at once if it took longer (its timeout is at most the
// interval). stop() aborts what is in flight; nothing runs after it resolves.
import { type Config, type PrometheusSignalConfig, secretFromEnv, secretFromFile } from '../config/index.ts';
import type { SignalObservation } from '../health/index.ts';
import { PrometheusQueryError } from './errors.ts';
import { type QueryTarget, queryPrometheus } from './prometheus-client.ts';
import { failedVerdict, verdict } from './prometheus-verdict.ts';

export interface PolledSignal {
  /** Its index in `signals` (for the YAML path and line of a problem). */
  index: number;
  config: PrometheusSignalConfig;
  target: QueryTarget;
  intervalMs: number;
}

/**
 * Each prometheus signal with its query target; a token from env or a file is resolved now (a
 * missing one throws, unless `secrets` is optional: `validate` then asks without it).
 */
export function polledSignals(
  config: Config,
  env: NodeJS.ProcessEnv = process.env,
  secrets: 'required' | 'optional' = 'required',
): PolledSignal[] {
  return config.signals.flatMap((s, i) => {
    if (s.kind !== 'prometheus') return [];
    const where = `signals[${i}] (${s.name})`;
    const resolve = () =>
      s.tokenFile !== undefined
        ? secretFromFile(s.tokenFile, `${where}.tokenFile`)
        : s.tokenEnv !== undefined
          ? secretFromEnv(s.tokenEnv, `${where}.tokenEnv`, env)
          : undefined;
    let token: string | undefined;
    try {
      token = resolve();
    } catch (err) {
      if (secrets === 'required') throw err;
    }
    const intervalMs = s.interval ?? config.health.interval;
    return [
      {
        index: i,
        config: s,
        intervalMs,
        target: {
          signal: s.name,
          url: s.url,
          query: s.query,
          timeoutMs: s.timeout ?? Math.min(intervalMs, 10_000),
          ...(token === undefined ? {} : { token }),
        },
      },
    ];
  });
}

/** One evaluation: the verdict, or missing with the failure (which is also handed on for logs). */
export async function evaluate(
  p: PolledSignal,
  abort?: AbortSignal,
): Promise<{ obs: SignalObservation; error?: PrometheusQueryError }> {
  try {
    return { obs: verdict(await queryPrometheus(p.target, abort), p.config.downWhen) };
  } catch (err) {
    const e =
      err instanceof PrometheusQueryError
        ? err
        : new PrometheusQueryError('failed', `signal ${p.config.name}: ${String(err)}`, p.config.name);
    return { obs: failedVerdict(e), error: e };
  }
}

export class PrometheusPoller {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly abort = new AbortController();
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly signals: readonly PolledSignal[],
    private readonly observe: (name: string, obs: SignalObservation, error?: PrometheusQueryError) => void,
  ) {}

  start(): void {
    for (const p of this.signals) this.schedule(p, 0);
  }

  private schedule(p: PolledSignal, delayMs: number): void {
    if (this.abort.signal.aborted) return;
    const t = setTimeout(() => {
      const started = Date.now();
      const run = evaluate(p, this.abort.signal).then(
        ({ obs, error }) => {
          if (this.abort.signal.aborted) return;
          try {
            this.observe(p.config.name, obs, error);
          } finally {
            // A failing observer must not end the polling, nor become an unhandled rejection.
            this.schedule(p, Math.max(0, started + p.intervalMs - Date.now()));
          }
        },
        () => undefined,
      );
      const tracked: Promise<void> = run.catch(() => undefined).finally(() => this.running.delete(tracked));
      this.running.add(tracked);
    }, delayMs);
    t.unref?.();
    this.timers.set(p.config.name, t);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    for (const t of this.timers.values()) clearTimeout(t);
    await Promise.allSettled([...this.running]);
  }
}
