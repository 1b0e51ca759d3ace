import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

const contentTypes: Record<string, string> = {
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

export interface WebAsset {
  body: Buffer;
  contentType: string;
  /** Hashed file names under assets/ never change content: cache them for a year. */
  immutable: boolean;
  gzipped(): Buffer | null;
}

/**
 * The built workbench (dist/web, from `vite build`), read once into memory: it is a few MB at
 * most, and serving it from memory keeps static requests off the disk. Text files are gzipped on
 * first request and the result kept.
 */
export class WebAssets {
  private constructor(
    readonly root: string,
    private readonly files: Map<string, WebAsset>,
  ) {}

  static load(root: string): WebAssets {
    const files = new Map<string, WebAsset>();
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else {
          const key = relative(root, path).split(sep).join('/');
          const type = contentTypes[extname(name)] ?? 'application/octet-stream';
          const body = readFileSync(path);
          let compressed: Buffer | null | undefined;
          const compressible = /^(text\/|application\/json|image\/svg)/.test(type) && body.length > 1024;
          files.set(key, {
            body,
            contentType: type,
            immutable: key.startsWith('assets/'),
            gzipped: () => (compressible ? (compressed ??= gzipSync(body, { level: 9 })) : null),
          });
        }
      }
    };
    walk(root);
    return new WebAssets(root, files);
  }

  get(path: string): WebAsset | undefined {
    return this.files.get(path);
  }

  get index(): WebAsset | undefined {
    return this.files.get('index.html');
  }
}

/**
 * Where `vite build` put the workbench: dist/web at the repository root. From the compiled API
 * (dist/apps/api/src/web) that is four levels up plus web; from the sources (tests run them)
 * four levels up plus dist/web.
 */
export function findWebRoot(here: string): string | null {
  for (const candidate of [resolve(here, '../../../../web'), resolve(here, '../../../../dist/web')]) {
    if (existsSync(join(candidate, 'index.html'))) return candidate;
  }
  return null;
}
