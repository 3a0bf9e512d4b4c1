import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { codeFingerprint, moduleClosure, runtimeImports } from './code-fingerprint.ts';
import { PARTS_CODE } from './article-parts.ts';

describe('runtimeImports', () => {
  it('follows value imports, re-exports, bare and dynamic imports, and leaves out type-only lines', () => {
    const source = [
      "import { a, type B } from './a.ts';",
      "import type { C } from './c.ts';",
      "import type D from './d.ts';",
      "export type { E } from './e.ts';",
      "export type * from './e2.ts';",
      "import * as f from './f.ts';",
      "export { g } from '../g.ts';",
      "export * from './h.ts';",
      "import './side-effect.ts';",
      "const lazy = await import('./lazy.ts');",
      "import {",
      '  many,',
      '  lines,',
      "} from './multi.tsx';",
      "import type from './named-type.ts';",
      "import { sql } from 'kysely';",
      "import { readFileSync } from 'node:fs';",
    ].join('\n');
    expect(runtimeImports(source).sort()).toEqual(['../g.ts', './a.ts', './f.ts', './h.ts', './lazy.ts', './multi.tsx', './named-type.ts', './side-effect.ts'].sort());
  });
});

describe('codeFingerprint', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = '';
  });

  const tree = (files: Record<string, string>) => {
    dir = mkdtempSync(join(tmpdir(), 'toasoan-fp-'));
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    return dir;
  };

  it('covers what the entry loads at run time, through cycles, and nothing else', () => {
    const root = tree({
      'entry.ts': "import { b } from './lib/b.ts';\nimport type { T } from './types.ts';\nexport const x = b;",
      'lib/b.ts': "import { x } from '../entry.ts';\nexport { c } from './c.ts';\nexport const b = 1;",
      'lib/c.ts': 'export const c = 2;',
      'types.ts': 'export type T = number;',
      'other.ts': 'export const unrelated = 3;',
    });
    expect(moduleClosure([join(root, 'entry.ts')])?.map((f) => relative(root, f))).toEqual(['entry.ts', 'lib/b.ts', 'lib/c.ts']);

    const before = codeFingerprint([join(root, 'entry.ts')], root);
    writeFileSync(join(root, 'other.ts'), 'export const unrelated = 4;');
    writeFileSync(join(root, 'types.ts'), 'export type T = string;');
    expect(codeFingerprint([join(root, 'entry.ts')], root)).toBe(before);
    writeFileSync(join(root, 'lib/c.ts'), 'export const c = 5;');
    const changed = codeFingerprint([join(root, 'entry.ts')], root);
    expect(changed).not.toBe(before);
    // A file outside the closure may go.
    rmSync(join(root, 'other.ts'));
    expect(codeFingerprint([join(root, 'entry.ts')], root)).toBe(changed);
  });

  it('digests every source file when an import cannot be followed', () => {
    const root = tree({
      'entry.ts': "import { gone } from './gone.ts';\nexport const x = gone;",
      'other.ts': 'export const unrelated = 3;',
      'other.test.ts': 'it.todo("tests are not code that makes pages");',
    });
    expect(moduleClosure([join(root, 'entry.ts')])).toBeUndefined();
    const before = codeFingerprint([join(root, 'entry.ts')], root);
    writeFileSync(join(root, 'other.test.ts'), 'it.todo("changed");');
    expect(codeFingerprint([join(root, 'entry.ts')], root)).toBe(before);
    writeFileSync(join(root, 'other.ts'), 'export const unrelated = 4;');
    expect(codeFingerprint([join(root, 'entry.ts')], root)).not.toBe(before);
  });
});

describe('the stored parts’ code', () => {
  it('is followed through this source tree, and holds the templates and storage but not the newsroom or the cache', () => {
    const src = resolve(import.meta.dirname, '../..');
    const files = moduleClosure(PARTS_CODE)?.map((f) => relative(src, f));
    expect(files).toBeDefined();
    for (const f of ['web/site/pages.tsx', 'web/site/data.ts', 'web/jsx.ts', 'web/site/picture.tsx', 'cache/gzip-join.ts', 'domain/vietnamese.ts', 'storage/content.ts', 'storage/sqlite-adapter.ts', 'storage/migrations/016_article_page_parts.ts']) expect(files).toContain(f);
    for (const f of ['web/api/articles.ts', 'web/server.ts', 'cache/site-cache.ts', 'cache/socket-hits.ts', 'domain/workflow.ts', 'cli/main.ts']) expect(files).not.toContain(f);
  });
});
