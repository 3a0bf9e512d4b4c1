import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeSqliteDatabase } from './sqlite-adapter.ts';

describe('node:sqlite bridge for Kysely', () => {
  const open = () => nodeSqliteDatabase(join(mkdtempSync(join(tmpdir(), 'toasoan-sqlite-')), 'a.db'));

  it('reads, writes and iterates through prepared statements', () => {
    const db = open();
    db.prepare('create table t (id integer primary key, name text)').run([]);
    const insert = db.prepare('insert into t (name) values (?)');
    expect(insert.reader).toBe(false);
    expect(insert.run(['Lào Cai'])).toEqual({ changes: 1, lastInsertRowid: 1 });
    insert.run(['Đoàn']);
    const select = db.prepare('select id, name from t where id >= ? order by id');
    expect(select.reader).toBe(true);
    expect(select.all([1])).toEqual([
      { id: 1, name: 'Lào Cai' },
      { id: 2, name: 'Đoàn' },
    ]);
    expect([...select.iterate([2])]).toEqual([{ id: 2, name: 'Đoàn' }]);
    db.close();
  });

  it('prepares each SQL text once, and keeps a statement in use while many one-off texts come and go', () => {
    const db = open();
    db.prepare('create table t (id integer primary key)').run([]);
    const hot = 'select count(*) as n from t';
    const first = db.prepare(hot);
    expect(db.prepare(hot)).toBe(first);
    let unused = db.prepare('select 0 as x');
    for (let i = 1; i <= 1000; i++) {
      // The hot statement is used between one-off texts, as a page's queries are between `in (…)` lists of each length.
      expect(db.prepare(hot)).toBe(first);
      db.prepare(`select ${i} as x`).all([]);
    }
    expect(db.prepare(hot).all([])).toEqual([{ n: 0 }]);
    // A text not used since is prepared again.
    expect(db.prepare('select 0 as x')).not.toBe(unused);
    unused = db.prepare('select 0 as x');
    expect(db.prepare('select 0 as x')).toBe(unused);
    db.close();
  });
});
