// The warnings a drain, an override or a maintenance window comes back with from the API (rules and
// records left with no UP region of their own, and what they will answer), printed to stderr so
// stdout stays the command's own output (and valid JSON with --output json, which holds them too).

interface Warning {
  message: string;
}

/** The lines to print for a response's `warnings` (none: empty). */
export function coverageWarningText(doc: unknown): string {
  const d = (doc ?? {}) as { warnings?: Warning[]; warningsFor?: { start: string; end: string } };
  const list = Array.isArray(d.warnings) ? d.warnings : [];
  if (list.length === 0) return '';
  const when = d.warningsFor
    ? `while this window runs (${d.warningsFor.start} to ${d.warningsFor.end})`
    : 'now';
  const lines = [
    `warning: ${list.length} rule(s) or record(s) have no UP region of their own ${when}:`,
    ...list.map((w) => `  ${w.message}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** Prints the warnings of an API response, if any. */
export function printCoverageWarnings(doc: unknown): void {
  const text = coverageWarningText(doc);
  if (text) process.stderr.write(text);
}
