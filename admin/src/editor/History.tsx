import { useEffect, useState, type ReactNode } from 'react';
import { api, request, type ApiResponse, type ArticleView } from '../api.ts';
import { labelOf, t } from '../i18n/index.ts';
import { fieldLabel } from '../lib/problem-text.ts';
import { MediaName } from '../media/MediaName.tsx';
import { ModalDialog } from '../lib/ModalDialog.tsx';
import { formatDateTime } from '../lib/time.tsx';

interface Revision {
  id: number;
  kind: string;
  userName: string | null;
  note: string;
  createdAt: string;
  title: string;
}
type Change = { field: string; before?: unknown; after?: unknown; lines?: Array<{ op: 'same' | 'add' | 'remove'; text: string }> };

interface Names {
  categories: Map<number, string>;
  people: Map<number, string>;
}

/** A changed value as words: category and author names, the image's caption or file name, the type's label. */
function ValueText({ field, value, names }: { field: string; value: unknown; names: Names }): ReactNode {
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && !value.length)) return t('editor.empty');
  if (field === 'coverMediaId' && typeof value === 'number') return <MediaName id={value} />;
  if (field === 'categoryId' && typeof value === 'number') return names.categories.get(value) ?? t('editor.empty');
  if (field === 'type' && typeof value === 'string') return labelOf('type', value);
  if (field === 'bylines' && Array.isArray(value)) return value.map((b: { name?: string; personId?: number }) => b.name ?? (b.personId !== undefined ? names.people.get(b.personId) : undefined) ?? '').filter(Boolean).join(', ');
  if (Array.isArray(value)) return value.map(String).join(', ');
  if (typeof value === 'string') return `“${value}”`;
  return String(value);
}

/** Revision history: list, diff against the previous revision, restore. */
/** `names`: the category and byline names the editor already loaded, for naming changed values. */
export function History({ id, etag, names, onClose, onRestored }: { id: number; etag: () => string | null; names: Names; onClose: () => void; onRestored: (r: ApiResponse<ArticleView>) => void }) {
  const [revisions, setRevisions] = useState<Revision[]>([]);
  const [selected, setSelected] = useState<number | null>(null);
  const [changes, setChanges] = useState<Change[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    api.get<{ items: Revision[] }>(`/articles/${id}/revisions`).then((r) => setRevisions(r.items), (e: Error) => setError(e.message));
  }, [id]);
  useEffect(() => {
    if (selected === null) return;
    setChanges(null);
    api.get<{ changes: Change[] }>(`/articles/${id}/revisions/${selected}/diff`).then((r) => setChanges(r.changes), (e: Error) => setError(e.message));
  }, [id, selected]);
  return (
    <ModalDialog labelledBy="history-title" onClose={onClose}>
      <div className="dialog-head">
        <h2 id="history-title">{t('editor.history')}</h2>
        <button type="button" onClick={onClose}>
          {t('editor.close')}
        </button>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      <div className="split">
        <ol className="revisions">
          {revisions.map((r) => (
            <li key={r.id}>
              <button type="button" aria-pressed={selected === r.id} onClick={() => setSelected(r.id)}>
                <time dateTime={r.createdAt}>{formatDateTime(r.createdAt)}</time>
                {r.userName ? ` · ${r.userName}` : ''} · <span data-kind={r.kind}>{labelOf('revision', r.kind)}</span>
                {r.note ? ` · ${r.note}` : ''}
              </button>
            </li>
          ))}
        </ol>
        {selected !== null && (
          <div className="diff">
            <h3>{t('editor.diff')}</h3>
            {changes?.length === 0 && <p className="muted">{t('editor.diffNone')}</p>}
            {changes?.map((c) =>
              c.lines ? (
                <div key={c.field}>
                  <strong>{fieldLabel(c.field)}</strong>
                  {c.lines.map((l, i) => (
                    <p key={i} className={`diff-${l.op}`}>
                      {l.op === 'add' ? <ins>{l.text}</ins> : l.op === 'remove' ? <del>{l.text}</del> : l.text}
                    </p>
                  ))}
                </div>
              ) : (
                <p key={c.field}>
                  <strong>{fieldLabel(c.field)}</strong>: <del><ValueText field={c.field} value={c.before} names={names} /></del> → <ins><ValueText field={c.field} value={c.after} names={names} /></ins>
                </p>
              ),
            )}
            <button
              type="button"
              className="primary"
              onClick={() => {
                const tag = etag();
                request<ArticleView>('POST', `/articles/${id}/revisions/${selected}/restore`, {}, tag ? { 'if-match': tag } : {}).then(onRestored, (e: Error) => setError(e.message));
              }}
            >
              {t('editor.restore')}
            </button>
          </div>
        )}
      </div>
    </ModalDialog>
  );
}
