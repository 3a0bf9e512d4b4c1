import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, NetworkError } from '../api.ts';
import { t } from '../i18n/index.ts';

interface Tag {
  id: number;
  name: string;
  slug: string;
}
interface TagPage {
  items: Tag[];
  total: number;
}

const PER_PAGE = 50;
// As the server's TagCreateSchema (src/web/api/schemas.ts).
const MAX = 100;

/** A refused tag name in words, for the field it belongs to. */
function tagError(err: unknown): string {
  if (err instanceof NetworkError) return t('error.network');
  if (!(err instanceof ApiError)) return t('error.generic', { message: String(err) });
  if (err.status === 409) return t('tags.exists');
  if (err.status === 404) return t('tags.notFound');
  if (err.status === 400) {
    const issues = (err.body as { errors?: Array<{ code?: string; message?: string }> } | null)?.errors ?? [];
    if (issues.some((i) => i.code === 'too_big')) return t('tags.tooLong', { max: MAX });
    if (issues.some((i) => i.code === 'too_small')) return t('tags.required');
    // Our own refinements (markup in text) already speak Vietnamese; zod's built-in messages do not.
    const custom = issues.find((i) => i.code === 'custom' && i.message);
    if (custom?.message) return custom.message;
  }
  return err.message;
}

function checkName(name: string): string {
  if (!name.trim()) return t('tags.required');
  if (name.trim().length > MAX) return t('tags.tooLong', { max: MAX });
  return '';
}

/** Tags (admin): find, add, rename. Search is the server's, by slug, so it ignores accents and case. */
export default function TagsScreen() {
  const [q, setQ] = useState('');
  const [applied, setApplied] = useState('');
  const [page, setPage] = useState(1);
  const [result, setResult] = useState<TagPage | null>(null);
  const [loadError, setLoadError] = useState('');
  const [notice, setNotice] = useState('');
  const [reload, setReload] = useState(0);
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState('');
  const [busy, setBusy] = useState(false);
  const [editing, setEditing] = useState<{ id: number; original: string; name: string; error: string } | null>(null);
  const [focusRename, setFocusRename] = useState<number | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const renameButtons = useRef(new Map<number, HTMLButtonElement>());

  // Filter as one types, once typing pauses.
  useEffect(() => {
    const timer = setTimeout(() => {
      setApplied(q.trim());
      setPage(1);
    }, 250);
    return () => clearTimeout(timer);
  }, [q]);

  useEffect(() => {
    let live = true;
    const params = new URLSearchParams({ page: String(page), perPage: String(PER_PAGE) });
    if (applied) params.set('q', applied);
    api.get<TagPage>(`/tags?${params}`).then(
      (r) => {
        if (!live) return;
        setResult(r);
        setLoadError('');
      },
      (e: unknown) => live && setLoadError(tagError(e)),
    );
    return () => {
      live = false;
    };
  }, [applied, page, reload]);

  // After a rename is saved or cancelled, focus goes back to the row's button rather than to the page's top.
  useEffect(() => {
    if (focusRename === null) return;
    renameButtons.current.get(focusRename)?.focus();
    setFocusRename(null);
  }, [focusRename, result]);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    const problem = checkName(name);
    setNotice('');
    if (problem) {
      setNameError(problem);
      nameRef.current?.focus();
      return;
    }
    setBusy(true);
    try {
      const tag = await api.post<Tag>('/tags', { name: name.trim() });
      setName('');
      setNameError('');
      setNotice(t('tags.created', { name: tag.name }));
      setReload((n) => n + 1);
    } catch (err) {
      setNameError(tagError(err));
      nameRef.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  const rename = async (e: FormEvent) => {
    e.preventDefault();
    if (!editing) return;
    const { id, original } = editing;
    const problem = checkName(editing.name);
    if (problem) return setEditing({ ...editing, error: problem });
    if (editing.name.trim() === original) {
      setEditing(null);
      setFocusRename(id);
      return;
    }
    try {
      const tag = await api.patch<Tag>(`/tags/${id}`, { name: editing.name.trim() });
      setResult((r) => (r ? { ...r, items: r.items.map((x) => (x.id === id ? tag : x)) } : r));
      setEditing(null);
      setNotice(t('tags.renamed', { name: tag.name }));
      setFocusRename(id);
    } catch (err) {
      setEditing((cur) => (cur && cur.id === id ? { ...cur, error: tagError(err) } : cur));
      if (err instanceof ApiError && err.status === 404) setReload((n) => n + 1);
    }
  };

  const cancel = () => {
    if (!editing) return;
    setFocusRename(editing.id);
    setEditing(null);
  };

  const pages = result ? Math.max(1, Math.ceil(result.total / PER_PAGE)) : 1;
  return (
    <section aria-labelledby="tags-title" className="tags">
      <h1 id="tags-title">{t('tags.title')}</h1>
      <form className="card inline-form" aria-labelledby="tag-new-title" noValidate onSubmit={(e) => void create(e)}>
        <h2 id="tag-new-title">{t('tags.create')}</h2>
        <label htmlFor="tag-new">{t('tags.name')}</label>{' '}
        <input
          ref={nameRef}
          id="tag-new"
          value={name}
          maxLength={MAX}
          aria-required="true"
          aria-invalid={nameError ? true : undefined}
          aria-describedby={nameError ? 'tag-new-error' : undefined}
          onChange={(e) => {
            setName(e.target.value);
            if (nameError) setNameError('');
          }}
        />{' '}
        <button type="submit" className="primary" disabled={busy}>
          {t('tags.create')}
        </button>
        {nameError && (
          <p id="tag-new-error" className="error">
            {nameError}
          </p>
        )}
      </form>
      <div role="status">{notice && <p>{notice}</p>}</div>
      <form
        className="filters"
        role="search"
        aria-label={t('tags.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(q.trim());
          setPage(1);
        }}
      >
        <label htmlFor="tag-search">{t('tags.search')}</label>
        <input id="tag-search" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
      </form>
      {loadError && (
        <p role="alert" className="error">
          {loadError}
        </p>
      )}
      {result && (
        <>
          <p className="muted" aria-live="polite">
            {t('tags.count', { total: result.total })}
          </p>
          {result.items.length === 0 ? (
            <p>{applied ? t('tags.noMatch', { q: applied }) : t('tags.empty')}</p>
          ) : (
            <div className="table-scroll">
              <table className="tag-list">
                <thead>
                  <tr>
                    <th scope="col">{t('tags.colName')}</th>
                    <th scope="col">{t('tags.colSlug')}</th>
                    <th scope="col">{t('tags.colActions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {result.items.map((tag) =>
                    editing?.id === tag.id ? (
                      <tr key={tag.id}>
                        <td colSpan={3}>
                          <form className="inline-form" noValidate onSubmit={(e) => void rename(e)} onKeyDown={(e) => e.key === 'Escape' && cancel()}>
                            <label htmlFor={`tag-${tag.id}-name`}>{t('tags.renameLabel', { name: tag.name })}</label>{' '}
                            <input
                              id={`tag-${tag.id}-name`}
                              autoFocus
                              value={editing.name}
                              maxLength={MAX}
                              aria-required="true"
                              aria-invalid={editing.error ? true : undefined}
                              aria-describedby={editing.error ? `tag-${tag.id}-error` : undefined}
                              onChange={(e) => setEditing({ ...editing, name: e.target.value, error: '' })}
                            />{' '}
                            <button type="submit" className="primary">
                              {t('common.save')}
                            </button>{' '}
                            <button type="button" onClick={cancel}>
                              {t('common.cancel')}
                            </button>
                            {editing.error && (
                              <p id={`tag-${tag.id}-error`} className="error">
                                {editing.error}
                              </p>
                            )}
                          </form>
                        </td>
                      </tr>
                    ) : (
                      <tr key={tag.id}>
                        <td>{tag.name}</td>
                        <td className="muted">{tag.slug}</td>
                        <td>
                          <button
                            type="button"
                            ref={(el) => {
                              if (el) renameButtons.current.set(tag.id, el);
                              else renameButtons.current.delete(tag.id);
                            }}
                            aria-label={t('tags.renameFor', { name: tag.name })}
                            onClick={() => {
                              setNotice('');
                              setEditing({ id: tag.id, original: tag.name, name: tag.name, error: '' });
                            }}
                          >
                            {t('tags.rename')}
                          </button>
                        </td>
                      </tr>
                    ),
                  )}
                </tbody>
              </table>
            </div>
          )}
          {pages > 1 && (
            <nav className="pager" aria-label={t('tags.paging')}>
              <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
                {t('queue.prev')}
              </button>{' '}
              <span className="muted">
                {page}/{pages}
              </span>{' '}
              <button type="button" disabled={page >= pages} onClick={() => setPage(page + 1)}>
                {t('queue.next')}
              </button>
            </nav>
          )}
        </>
      )}
    </section>
  );
}
