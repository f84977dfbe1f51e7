// What a PromQL expression refers to, for checking alert rules and dashboards against the metrics a
// real controller exports: metric names (every identifier that is not a function, keyword or label)
// and label names (in matchers and in by/without/on/ignoring/group_* clauses). Enough PromQL for
// this project's rules and panels; an identifier it cannot place counts as a metric, so a typo fails.

const FUNCTIONS = new Set([
  'abs',
  'absent',
  'absent_over_time',
  'avg',
  'avg_over_time',
  'bottomk',
  'ceil',
  'changes',
  'clamp',
  'clamp_max',
  'clamp_min',
  'count',
  'count_over_time',
  'count_values',
  'delta',
  'deriv',
  'floor',
  'group',
  'histogram_quantile',
  'idelta',
  'increase',
  'irate',
  'label_replace',
  'last_over_time',
  'max',
  'max_over_time',
  'min',
  'min_over_time',
  'quantile',
  'quantile_over_time',
  'rate',
  'resets',
  'round',
  'scalar',
  'sort',
  'sort_desc',
  'stddev',
  'sum',
  'sum_over_time',
  'time',
  'timestamp',
  'topk',
  'vector',
]);
const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'bool',
  'inf',
  'nan',
]);
const CLAUSE = /\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g;
const MATCHERS = /\{([^}]*)\}/g;

/** Grafana's template variables ($__rate_interval, ${var}) become something PromQL-shaped. */
function plain(expr: string): string {
  return expr
    .replace(/\$__\w+/g, '5m')
    .replace(/\$\{\w+\}|\$\w+/g, 'x')
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
}

export function metricRefs(expr: string): string[] {
  const rest = plain(expr)
    .replace(CLAUSE, ' ')
    .replace(MATCHERS, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b\d+(\.\d+)?(e[+-]?\d+)?\b/gi, ' ');
  const names = new Set<string>();
  for (const m of rest.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const id = m[0];
    if (FUNCTIONS.has(id) || KEYWORDS.has(id.toLowerCase())) continue;
    names.add(id);
  }
  return [...names];
}

export function labelRefs(expr: string): string[] {
  const text = plain(expr);
  const labels = new Set<string>();
  for (const m of text.matchAll(CLAUSE))
    for (const l of m[2]!
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean))
      labels.add(l);
  for (const m of text.matchAll(MATCHERS))
    for (const part of m[1]!.split(',')) {
      const name = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)/.exec(part)?.[1];
      if (name) labels.add(name);
    }
  return [...labels];
}

/** The metric families of a Prometheus text exposition: name -> type (from its # TYPE line). */
export function families(exposition: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) out.set(m[1]!, m[2]!);
  return out;
}

/** The family a series name belongs to (histogram and summary series carry a suffix). */
export function familyOf(name: string, fams: Map<string, string>): string | undefined {
  if (fams.has(name)) return name;
  const base = name.replace(/_(bucket|sum|count)$/, '');
  const type = fams.get(base);
  if (type === 'histogram' || (type === 'summary' && !name.endsWith('_bucket'))) return base;
  return undefined;
}
