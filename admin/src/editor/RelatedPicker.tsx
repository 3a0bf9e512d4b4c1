import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { api, type ArticleListItem } from '../api.ts';
import { statusLabel, t } from '../i18n/index.ts';

/** One of the editor's "Tin liên quan": its title as the server let this person see it. */
export interface RelatedItem {
  id: number;
  title: string;
  status?: string;
}

/** As the server's MAX_RELATED_PICKS (src/storage/newsroom-articles.ts): as many as the reader's block shows. */
export const MAX_RELATED = 6;

/** Where focus goes after a change made with a button that may move or vanish with it. */
type FocusAfter = { id: number; act: 'up' | 'down' } | { removedAt: number } | { search: true };

/**
 * The "Tin liên quan" field of the editor's side panel: an ordered list with buttons to move and remove, and a search of
 * published stories by title (accents and case aside, the list endpoint's `text`) to add up to MAX_RELATED. Changes are
 * announced in a live region; focus stays on the control that acted, or goes to the next sensible one.
 */
export function RelatedPicker({ storyId, value, disabled, onChange }: { storyId: number; value: RelatedItem[]; disabled: boolean; onChange: (next: RelatedItem[]) => void }) {
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<ArticleListItem[] | null>(null);
  const [searching, setSearching] = useState(false);
  const [searchError, setSearchError] = useState('');
  const [announcement, setAnnouncement] = useState('');
  const focusAfter = useRef<FocusAfter | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const search = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const text = query.trim();
    if (text.length < 2) {
      setResults(null);
      setSearching(false);
      return;
    }
    let live = true;
    setSearching(true);
    const timer = setTimeout(() => {
      api.get<{ items: ArticleListItem[] }>(`/articles?status=published&perPage=10&text=${encodeURIComponent(text)}`).then(
        (r) => {
          if (!live) return;
          setResults(r.items);
          setSearchError('');
        },
        (err: Error) => live && setSearchError(err.message),
      ).finally(() => live && setSearching(false));
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [query]);

  // After the list re-renders: the moved item's button (or its other one at an end), the next item after a removal.
  useLayoutEffect(() => {
    const f = focusAfter.current;
    focusAfter.current = null;
    if (!f || !box.current) return;
    const button = (id: number, act: string) => box.current!.querySelector<HTMLButtonElement>(`button[data-related="${id}"][data-act="${act}"]`);
    if ('search' in f) (search.current ?? (value.length ? button(value[value.length - 1]!.id, 'remove') : null))?.focus();
    else if ('id' in f) {
      const same = button(f.id, f.act);
      (same && !same.disabled ? same : button(f.id, f.act === 'up' ? 'down' : 'up'))?.focus();
    } else {
      const next = value[Math.min(f.removedAt, value.length - 1)];
      if (next) button(next.id, 'remove')?.focus();
      else search.current?.focus();
    }
  }, [value]);

  const full = value.length >= MAX_RELATED;
  const chosen = new Set(value.map((v) => v.id));
  const offered = (results ?? []).filter((a) => a.id !== storyId && !chosen.has(a.id));

  const add = (a: ArticleListItem) => {
    if (full || chosen.has(a.id)) return;
    const next = [...value, { id: a.id, title: a.title, status: a.status }];
    focusAfter.current = { search: true };
    setAnnouncement(t('editor.relatedAdded', { title: a.title, position: next.length, count: next.length }));
    onChange(next);
  };
  const move = (i: number, by: -1 | 1) => {
    const j = i + by;
    if (j < 0 || j >= value.length) return;
    const next = [...value];
    [next[i], next[j]] = [next[j]!, next[i]!];
    focusAfter.current = { id: next[j]!.id, act: by < 0 ? 'up' : 'down' };
    setAnnouncement(t('editor.relatedMoved', { title: next[j]!.title, position: j + 1, count: next.length }));
    onChange(next);
  };
  const remove = (i: number) => {
    const item = value[i]!;
    focusAfter.current = { removedAt: i };
    setAnnouncement(t('editor.relatedRemoved', { title: item.title }));
    onChange(value.filter((_, k) => k !== i));
  };

  return (
    <div className="related-picker" role="group" aria-labelledby="related-label" ref={box} data-testid="related-picker">
      <p className="label" id="related-label">
        {t('editor.related')}
      </p>
      <p className="muted small" id="related-hint">
        {t('editor.relatedHint', { max: MAX_RELATED })}
      </p>
      {value.length === 0 ? (
        <p className="muted">{t('editor.relatedNone')}</p>
      ) : (
        <ol className="pick-list" aria-label={t('editor.relatedCount', { count: value.length, max: MAX_RELATED })}>
          {value.map((item, i) => (
            <li key={item.id} data-testid="related-item">
              <span>{item.title}</span>
              {item.status && item.status !== 'published' && <span className="muted small"> ({t('editor.relatedNotLive', { status: statusLabel(item.status) })})</span>}
              {!disabled && (
                <span className="nowrap">
                  {' '}
                  <button type="button" data-related={item.id} data-act="up" disabled={i === 0} aria-label={t('editor.relatedUpLabel', { title: item.title })} onClick={() => move(i, -1)}>
                    {t('editor.relatedUp')}
                  </button>{' '}
                  <button type="button" data-related={item.id} data-act="down" disabled={i === value.length - 1} aria-label={t('editor.relatedDownLabel', { title: item.title })} onClick={() => move(i, 1)}>
                    {t('editor.relatedDown')}
                  </button>{' '}
                  <button type="button" data-related={item.id} data-act="remove" aria-label={t('editor.relatedRemoveLabel', { title: item.title })} onClick={() => remove(i)}>
                    {t('editor.relatedRemove')}
                  </button>
                </span>
              )}
            </li>
          ))}
        </ol>
      )}
      {!disabled &&
        (full ? (
          <p className="muted small">{t('editor.relatedFull', { max: MAX_RELATED })}</p>
        ) : (
          <>
            <label htmlFor="f-related-search">{t('editor.relatedSearch')}</label>
            <input id="f-related-search" ref={search} type="search" autoComplete="off" aria-describedby="related-hint" value={query} onChange={(e) => (setQuery(e.target.value), setAnnouncement(''))} />
            {searchError && <p className="error">{searchError}</p>}
            {results && !searching && offered.length === 0 && <p className="muted small">{t('editor.relatedNoResult')}</p>}
            {offered.length > 0 && (
              <ul className="pick-list" aria-label={t('editor.relatedResults')}>
                {offered.map((a) => (
                  <li key={a.id}>
                    <button type="button" aria-label={t('editor.relatedAddLabel', { title: a.title })} onClick={() => add(a)}>
                      {t('editor.relatedAdd')}
                    </button>{' '}
                    <span>{a.title}</span>
                  </li>
                ))}
              </ul>
            )}
          </>
        ))}
      <p className="visually-hidden" role="status" aria-live="polite" data-testid="related-announce">
        {searching ? t('editor.relatedSearching') : announcement || (results ? t('editor.relatedFound', { count: offered.length }) : '')}
      </p>
    </div>
  );
}
