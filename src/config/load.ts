// Loads a YAML config: parse, validate with zod, cross-check, and name the YAML path and line of
// every problem. Nothing here reads secrets; see secrets.ts.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Document, isMap, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { crossCheck } from './crossref.ts';
import { ConfigError, type ConfigProblem, formatPath } from './errors.ts';
import { type Config, configSchema } from './schema.ts';

/** The line of the deepest YAML node that exists on `path` (a missing key points at its parent). */
function lineOf(doc: Document, counter: LineCounter, path: readonly PropertyKey[]): number | undefined {
  let node: unknown = doc.contents;
  let best: number | undefined;
  const mark = (n: unknown) => {
    const range = (n as Node | null)?.range;
    if (range) best = counter.linePos(range[0]).line;
  };
  mark(node);
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => {
        const k = p.key as { value?: unknown } | null;
        return String(k?.value ?? k) === String(key);
      });
      if (!pair) break;
      mark(pair.key);
      node = pair.value;
      // A block mapping or sequence starts on the line after its key; the key's line reads better.
      if (node && !isMap(node) && !isSeq(node)) mark(node);
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      if (!node) break;
      mark(node);
    } else break;
  }
  return best;
}

/** The 1-based line of a YAML path in `text`, for problems found after loading (e.g. unset secrets). */
export function lineIn(text: string, path: readonly PropertyKey[]): number | undefined {
  // validate asks for many lines of one text (a line per warning): parse it once, not once per line.
  if (lastParsed?.text !== text) {
    const counter = new LineCounter();
    lastParsed = { text, counter, doc: parseDocument(text, { lineCounter: counter }) };
  }
  return lineOf(lastParsed.doc, lastParsed.counter, path);
}

let lastParsed: { text: string; counter: LineCounter; doc: Document } | undefined;

export function parseConfig(text: string, file = '<config>'): Config {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  // lineIn's later questions about the same text (validate's warnings) reuse this parse.
  lastParsed = { text, counter, doc };
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({
        path: '(yaml)',
        line: e.linePos?.[0]?.line ?? (e.pos ? counter.linePos(e.pos[0]).line : undefined),
        message: e.message.split('\n')[0]!,
      })),
    );
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // yaml throws a ReferenceError when aliases expand past the limit (an "alias bomb"), and for an
    // alias to an anchor that does not exist; either is a problem with the file, not a crash.
    const message = err instanceof Error ? err.message : String(err);
    throw new ConfigError(file, [
      {
        path: '(yaml)',
        line: 1,
        message: /alias count|resource exhaustion/i.test(message)
          ? 'YAML aliases expand too far (more than 100 alias uses; a file like this can exhaust memory): write the repeated parts out or use fewer aliases'
          : `cannot read the YAML: ${message.split('\n')[0]}`,
      },
    ]);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(file, [
      {
        path: '(top level)',
        line: lineOf(doc, counter, []) ?? 1,
        message: 'the config must be a YAML mapping (key: value)',
      },
    ]);
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const problems: ConfigProblem[] = parsed.error.issues.map((issue) => {
      // An unknown key is reported at the key itself (its own line), not at the mapping holding it.
      const at =
        issue.code === 'unrecognized_keys' && issue.keys?.length
          ? [...issue.path, issue.keys[0]!]
          : issue.path;
      return { path: formatPath(at), line: lineOf(doc, counter, at), message: describeIssue(issue) };
    });
    throw new ConfigError(file, problems);
  }
  const cross = crossCheck(parsed.data).filter((p) => p.severity !== 'warning');
  if (cross.length > 0) {
    throw new ConfigError(
      file,
      cross.map((p) => ({ path: formatPath(p.at), line: lineOf(doc, counter, p.at), message: p.message })),
    );
  }
  return parsed.data;
}

function describeIssue(issue: {
  code: string;
  message: string;
  keys?: string[];
  path: PropertyKey[];
}): string {
  if (issue.code === 'unrecognized_keys' && issue.keys) {
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (check the spelling; see config/example.yaml)`;
  }
  // zod says "expected string, received undefined" for a key that is simply absent.
  const missing = /^Invalid input: expected (\w+), received undefined$/.exec(issue.message);
  if (issue.code === 'invalid_type' && missing) {
    return `required key "${String(issue.path.at(-1) ?? '')}" is missing (expected ${missing[1]})`;
  }
  return issue.message;
}

/** What to do about a config file that cannot be read, by the reason it cannot. */
function unreadableRemedy(file: string, code: string | undefined): string {
  if (code === 'ENOENT')
    return `check the path (${resolve(file)}), or start from a copy of config/example.yaml (annotated, in the geofailover package)`;
  if (code === 'EISDIR') return 'give the path of the YAML config file, not of a directory';
  if (code === 'EACCES' || code === 'EPERM')
    return `make ${resolve(file)} readable by the user geofailover runs as`;
  return `check that ${resolve(file)} is a readable file`;
}

export function loadConfig(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(file, [
      {
        path: '(file)',
        message: code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? String(err)})`,
        remedy: unreadableRemedy(file, code),
      },
    ]);
  }
  return parseConfig(text, file);
}
