// Options shared by plan and apply: --config, --assume REGION=STATE (repeatable), --output, --adopt;
// and when to colour (only on a TTY, never with NO_COLOR).
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { RegionStatus } from '../model/index.ts';

const STATES: readonly RegionStatus[] = ['up', 'down', 'drained'];

/**
 * commander argParser for `--assume REGION=up|down|drained`, or `REGION/ipv4=up|down` and
 * `REGION/ipv6=…` for one address family; collects into a map, last one wins.
 */
export function collectAssume(
  value: string,
  previous: Map<string, RegionStatus> | undefined,
): Map<string, RegionStatus> {
  const m = /^([^=\s]+)=([^=\s]*)$/.exec(value.trim());
  if (!m)
    throw new InvalidArgumentError(
      `Expected REGION=up|down|drained or REGION/ipv6=up|down, e.g. --assume eu-west=down`,
    );
  const [, region, state] = m as unknown as [string, string, string];
  const status = state.toLowerCase() as RegionStatus;
  if (!STATES.includes(status)) {
    throw new InvalidArgumentError(`The state of ${region} must be up, down or drained (got "${state}")`);
  }
  const out = new Map(previous ?? []);
  out.set(region, status);
  return out;
}

/**
 * commander argParser for `--assume-rtt PROBER:REGION=MS`; collects prober → region → ms, last one
 * wins. Whether the prober and region exist is checked against the config (policy assumeSteering).
 */
export function collectAssumeRtt(
  value: string,
  previous: Map<string, Map<string, number>> | undefined,
): Map<string, Map<string, number>> {
  const m = /^([^:=\s]+):([^:=\s]+)=(\d+(?:\.\d+)?)(?:ms)?$/.exec(value.trim());
  if (!m)
    throw new InvalidArgumentError(
      'Expected PROBER:REGION=MS (a round-trip time in milliseconds), e.g. --assume-rtt frankfurt:eu-west=20',
    );
  const [, prober, region, ms] = m as unknown as [string, string, string, string];
  const out = new Map([...(previous ?? [])].map(([p, r]) => [p, new Map(r)]));
  const row = out.get(prober) ?? new Map<string, number>();
  row.set(region, Number(ms));
  out.set(prober, row);
  return out;
}

export interface CommonOptions {
  config: string;
  assume?: Map<string, RegionStatus>;
  output: 'text' | 'json';
  adopt?: boolean;
}

/** Adds --config, --assume, --output and --adopt to a plan-like command. */
export function withPlanOptions(cmd: Command): Command {
  return cmd
    .requiredOption('-c, --config <file>', 'config file (YAML)')
    .option(
      '--assume <region=state>',
      'plan as if REGION were up, down or drained, or one of its address families (us-east/ipv6=down) up or down (repeatable; unnamed regions are up)',
      collectAssume,
    )
    .addOption(new Option('--output <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--adopt', 'take ownership of existing records at managed names that carry no ownership marker');
}

/** Colour only when writing to a terminal, and never when NO_COLOR is set (no-color.org). */
export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  return Boolean(stream.isTTY) && (process.env.NO_COLOR ?? '') === '' && process.env.TERM !== 'dumb';
}
