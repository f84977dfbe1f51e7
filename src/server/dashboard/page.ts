// The dashboard page (GET /): one HTML document with its style and script inlined, read once at
// startup. A Content-Security-Policy lets the page talk only to the controller that served it.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

let page: { html: string; csp: string } | undefined;

export function dashboardPage(): { html: string; csp: string } {
  if (page === undefined) {
    const read = (f: string) => readFileSync(new URL(f, import.meta.url), 'utf8');
    const script = read('./app.js').replaceAll('</script', '<\\/script');
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
