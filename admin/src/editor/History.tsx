import { useEffect, useState } from 'react';
import { api, request, type ApiResponse, type ArticleView } from '../api.ts';
import { t } from '../i18n/index.ts';

interface Revision {
  id: number;
  kind: string;
  userName: string | null;
  note: string;
  createdAt: string;
  title: string;
}
type Change = { field: string; before?: unknown; after?: unknown; lines?: Array<{ op: 'same' | 'add' | 'remove'; text: string }> };

/** Revision history: list, diff against the previous revision, restore. */
export function History({ id, etag, onClose, onRestored }: { id: number; etag: () => string | null; onClose: () => void; onRestored: (r: ApiResponse<ArticleView>) => void }) {
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
    <div className="overlay" role="dialog" aria-modal="true" aria-labelledby="history-title" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="card dialog">
        <div className="dialog-head">
          <h2 id="history-title">{t('editor.history')}</h2>
          <button type="button" onClick={onClose} autoFocus>
            {t('editor.close')}
          </button>
        </div>
        {error && <p role="alert" className="error">{error}</p>}
        <div className="split">
          <ol className="revisions">
            {revisions.map((r) => (
              <li key={r.id}>
                <button type="button" aria-pressed={selected === r.id} onClick={() => setSelected(r.id)}>
                  <time dateTime={r.createdAt}>{new Date(r.createdAt).toLocaleString('vi-VN')}</time> · {r.userName ?? ''} · {r.kind}
                  {r.note ? ` · ${r.note}` : ''}
                </button>
              </li>
            ))}
          </ol>
          {selected !== null && (
            <div className="diff">
              <h3>{t('editor.diff')}</h3>
              {changes?.map((c) =>
                c.lines ? (
                  <div key={c.field}>
                    {c.lines.map((l, i) => (
                      <p key={i} className={`diff-${l.op}`}>
                        {l.op === 'add' ? <ins>{l.text}</ins> : l.op === 'remove' ? <del>{l.text}</del> : l.text}
                      </p>
                    ))}
                  </div>
                ) : (
                  <p key={c.field}>
                    <strong>{c.field}</strong>: <del>{JSON.stringify(c.before)}</del> → <ins>{JSON.stringify(c.after)}</ins>
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
      </div>
    </div>
  );
}
