import { existsSync, realpathSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

/** The content types the console serves; any other extension is not served. */
export const CONSOLE_CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** A path segment the console may serve: no dot files, no `..`, no separators or encodings left. */
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

/**
 * Finds `apps/console/public`, whether the hub runs from TypeScript sources (tests) or from
 * `dist/apps/hub/src/console` after `npm run build`, or from the working directory.
 */
export function findConsoleRoot(): string | undefined {
  const candidates = [
    resolve(__dirname, '..', '..', '..', 'console', 'public'),
    resolve(__dirname, '..', '..', '..', '..', '..', 'apps', 'console', 'public'),
    resolve(process.cwd(), 'apps', 'console', 'public'),
  ];
  const found = candidates.find((dir) => existsSync(join(dir, 'index.html')));
  return found ? realpathSync(found) : undefined;
}

/** One file of the console, ready to send. */
export interface ConsoleFile {
  body: Buffer;
  contentType: string;
}

/**
 * Reads the file a URL path (below `/console/`) names, or returns undefined. Every segment is
 * decoded once and must be a plain file name, the extension must be a known type, and the
 * real path (after symbolic links) must still lie inside the root.
 */
export async function readConsoleFile(root: string, urlPath: string): Promise<ConsoleFile | undefined> {
  const segments: string[] = [];
  for (const raw of urlPath.split('/').filter((s) => s !== '')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (!SEGMENT.test(segment)) return undefined;
    segments.push(segment);
  }
  if (segments.length === 0) segments.push('index.html');
  const contentType = CONSOLE_CONTENT_TYPES[extname(segments[segments.length - 1]).toLowerCase()];
  if (!contentType) return undefined;
  const candidate = resolve(root, ...segments);
  if (!candidate.startsWith(root + sep)) return undefined;
  try {
    const real = realpathSync(candidate);
    if (!real.startsWith(root + sep) || !statSync(real).isFile()) return undefined;
    return { body: await readFile(real), contentType };
  } catch {
    return undefined;
  }
}
