import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { securityHeaders } from '../http/headers.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves the UI's static files. Paths are resolved inside `root` only; anything else, dotfiles included
 * (`_headers` is for workerd), is a 404. Unknown paths without an extension get index.html so client-side
 * routes load.
 */
export function staticHandler(root: string): (request: Request) => Response | undefined {
  const base = resolve(root);
  return (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
    let path: string;
    try {
      path = decodeURIComponent(new URL(request.url).pathname);
    } catch {
      return undefined;
    }
    if (path.includes('\0') || path.split('/').some((seg) => seg.startsWith('.') || seg.startsWith('_'))) {
      return undefined;
    }
    let file = resolve(join(base, normalize(path)));
    if (file !== base && !file.startsWith(base + sep)) return undefined;
    let st = statSafe(file);
    if (st?.isDirectory()) {
      file = join(file, 'index.html');
      st = statSafe(file);
    } else if (!st && extname(path) === '') {
      file = join(base, 'index.html');
      st = statSafe(file);
    }
    if (!st?.isFile()) return undefined;
    const headers = {
      ...securityHeaders('ui'),
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': String(st.size),
      'cache-control': cacheControl(path, file),
    };
    const body =
      request.method === 'HEAD' ? null : (Readable.toWeb(createReadStream(file)) as ReadableStream);
    return new Response(body, { status: 200, headers });
  };
}

/** Vite names built assets by content hash, so they never change; index.html must be revalidated. */
function cacheControl(path: string, file: string): string {
  if (extname(file) === '.html') return 'no-cache';
  return path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'public, max-age=300';
}

function statSafe(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
