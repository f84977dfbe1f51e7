// Checks the direction of imports between the code's layers and that no import cycle exists (type
// imports and re-exports count: they tie the modules' compilation and meaning together as much as
// value imports do). Prints each offending edge as `from -> to: why` and exits 1 when there is one.
// Run: node bin/run-ts.js scripts/check-imports.ts   (CI runs it as `npm run check:imports`)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RULES, type Rule } from './import-rules.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ROOTS = ['src', 'providers'];

/** Every TypeScript module under the roots, as a path relative to the repository. */
function modules(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const p = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
    }
  };
  for (const r of ROOTS) walk(r);
  return out.sort();
}

// import … from '…', export … from '…', import '…', import('…') and import('…').Type in types.
const SPECIFIERS = [
  /^\s*(?:import|export)\s[^'"]*?\sfrom\s+['"]([^'"]+)['"]/gm,
  /^\s*import\s+['"]([^'"]+)['"]/gm,
  /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
];

/** The project modules a file imports (relative specifiers resolved; packages left out). */
export function importsOf(file: string, text: string): string[] {
  const found = new Set<string>();
  for (const re of SPECIFIERS) {
    for (const m of text.matchAll(re)) {
      const spec = m[1]!;
      if (!spec.startsWith('.')) continue;
      const target = relative(ROOT, resolve(ROOT, dirname(file), spec));
      if (existsSync(join(ROOT, target)) && statSync(join(ROOT, target)).isFile()) found.add(target);
    }
  }
  return [...found].sort();
}

export interface Offence {
  from: string;
  to: string;
  why: string;
}

/** Edges against a layer rule: the first rule whose `from` matches decides what the file may import. */
export function directionOffences(graph: Map<string, string[]>, rules: readonly Rule[] = RULES): Offence[] {
  const out: Offence[] = [];
  for (const [from, tos] of graph) {
    const rule = rules.find((r) => r.from.test(from));
    if (!rule) continue;
    for (const to of tos) {
      if (rule.may.some((re) => re.test(to))) continue;
      out.push({ from, to, why: rule.why });
    }
  }
  return out;
}

/** Import cycles: each strongly connected component of more than one module, and one cycle through it. */
export function cycles(graph: Map<string, string[]>): { modules: string[]; cycle: string[] }[] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const sccs: string[][] = [];
  const strong = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) sccs.push(scc);
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) strong(v);
  return sccs.map((scc) => ({ modules: scc.sort(), cycle: cycleIn(graph, new Set(scc)) }));
}

/** One shortest cycle through the component's first module (breadth-first back to it). */
function cycleIn(graph: Map<string, string[]>, scc: Set<string>): string[] {
  const start = [...scc].sort()[0]!;
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!scc.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(prev.get(path[0]!)!);
        return [...path, start];
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

export function projectGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const f of modules()) graph.set(f, importsOf(f, readFileSync(join(ROOT, f), 'utf8')));
  return graph;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const graph = projectGraph();
  const wrong = directionOffences(graph);
  const loops = cycles(graph);
  for (const o of wrong) console.log(`import against the layers: ${o.from} -> ${o.to}: ${o.why}`);
  for (const c of loops)
    console.log(
      `import cycle among ${c.modules.length} modules (${c.modules.join(', ')}), for example: ${c.cycle.join(' -> ')}`,
    );
  const edges = [...graph.values()].reduce((n, t) => n + t.length, 0);
  console.log(
    `imports: ${graph.size} modules, ${edges} edges; ${wrong.length} against the layers, ${loops.length} cycle(s)`,
  );
  process.exit(wrong.length > 0 || loops.length > 0 ? 1 : 0);
}
