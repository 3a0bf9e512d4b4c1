import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * Digests of the code that makes something, for copies that code made and stored (story pages kept in parts): a copy
 * made by other code is stale. The digest covers a module and every module it imports at run time, followed through
 * relative specifiers; `import type` / `export type` lines are left out (erased before run time), so a deploy that
 * changes only the newsroom, the API or the cache's serving code keeps the copies.
 */

// `import … from '…'`, `export … from '…'`, `import '…'` and `import('…')`, relative specifiers only (packages and
// node: built-ins are not ours to digest).
const STATIC_IMPORT = /^[ \t]*(?:import|export)\b(?<clause>[^;'"]*?)\bfrom\s*(['"])(?<spec>\.[^'"]+)\2/gmu;
const BARE_IMPORT = /^[ \t]*import\s*(['"])(?<spec>\.[^'"]+)\1/gmu;
const DYNAMIC_IMPORT = /\bimport\(\s*(['"])(?<spec>\.[^'"]+)\1\s*\)/gu;

/** Relative specifiers a module's source loads at run time. */
export function runtimeImports(source: string): string[] {
  const out = new Set<string>();
  for (const m of source.matchAll(STATIC_IMPORT)) {
    // `import type { A } from`, `export type { A } from`: types only. `import { type A, b } from` still loads b.
    if (/^\s*type\s+\S/u.test(m.groups!.clause!)) continue;
    out.add(m.groups!.spec!);
  }
  for (const m of source.matchAll(BARE_IMPORT)) out.add(m.groups!.spec!);
  for (const m of source.matchAll(DYNAMIC_IMPORT)) out.add(m.groups!.spec!);
  return [...out];
}

/** The modules and every module they load at run time, as absolute paths in a stable order; undefined if one is missing. */
export function moduleClosure(entries: readonly string[]): string[] | undefined {
  const seen = new Set<string>();
  const pending = entries.map((e) => resolve(e));
  while (pending.length) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    let source: string;
    try {
      source = readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
    seen.add(file);
    for (const spec of runtimeImports(source)) pending.push(resolve(dirname(file), spec));
  }
  return [...seen].sort();
}

/**
 * Digest of the entries' run-time closure, paths taken relative to `root`. When a specifier cannot be followed (a file
 * missing, another module layout), every source file under `root` is digested instead: more copies go stale, none is
 * kept wrongly.
 */
export function codeFingerprint(entries: readonly string[], root: string): string {
  const files = moduleClosure(entries) ?? sourceFiles(root);
  const h = createHash('sha256');
  for (const file of files) h.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  return h.digest('base64url').slice(0, 22);
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.tsx?$/u.test(e.name) && !/\.test\.tsx?$/u.test(e.name)) out.push(p);
  }
  return out.sort();
}
