// The dashboard page (GET /): one HTML document with its style and script inlined, read once at
// startup. A Content-Security-Policy lets the page talk only to the controller that served it.
// The client is written as small ES modules (dom, routes, regions, tables, timeline, app); they are
// joined into one classic script here, in dependency order, because an inline script cannot import.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Dependencies first; app.js, the entry point, last. */
const CLIENT = ['dom.js', 'routes.js', 'signals.js', 'regions.js', 'tables.js', 'timeline.js', 'app.js'];

/**
 * The modules as one script: each module runs in its own function scope and hands back what it
 * exports; an import of another module becomes a destructuring of that. Anything else that looks like
 * a module statement is an error here rather than a syntax error in the browser.
 */
export function joinModules(sources: readonly { file: string; text: string }[]): string {
  const scope = (file: string) => `module_${file.replace(/\.js$/, '').replace(/\W/g, '_')}`;
  const body = sources.map(({ file, text }) => {
    const exported: string[] = [];
    const out = text
      .replace(
        /^import\s*\{([^}]*)\}\s*from\s+'\.\/([\w-]+\.js)';\n/gm,
        (_m, names: string, from: string) => {
          const list = names
            .split(',')
            .map((n) => n.trim())
            .filter(Boolean)
            .map((n) => n.replace(/\s+as\s+/, ': '));
          return `const { ${list.join(', ')} } = ${scope(from)};\n`;
        },
      )
      .replace(
        /^export ((?:async )?function\*? |const |let |class )([\w$]+)/gm,
        (_m, kind: string, name: string) => {
          exported.push(name);
          return `${kind}${name}`;
        },
      );
    const left = /^(?:import|export)\b.*$/m.exec(out);
    if (left) throw new Error(`dashboard/${file}: cannot inline "${left[0]}"`);
    return `// --- ${file}\nconst ${scope(file)} = (() => {\n${out}return { ${exported.join(', ')} };\n})();\n`;
  });
  return `(() => {\n'use strict';\n${body.join('')}})();\n`;
}

let page: { html: string; csp: string } | undefined;

export function dashboardPage(): { html: string; csp: string } {
  if (page === undefined) {
    const read = (f: string) => readFileSync(new URL(f, import.meta.url), 'utf8');
    const script = joinModules(CLIENT.map((file) => ({ file, text: read(`./${file}`) }))).replaceAll(
      '</script',
      '<\\/script',
    );
    const style = read('./style.css');
    const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
    page = {
      html: read('./index.html')
        .replace('/*STYLE*/', () => style)
        .replace('/*SCRIPT*/', () => script),
      csp: [
        "default-src 'none'",
        `script-src ${hash(script)}`,
        `style-src ${hash(style)}`,
        "connect-src 'self'",
        "img-src 'self' data:",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
      ].join('; '),
    };
  }
  return page;
}
