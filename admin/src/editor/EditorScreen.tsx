import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { EditorContent, useEditor, type Editor, type JSONContent } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import { TextSelection } from '@tiptap/pm/state';
import { api, ApiError, NetworkError, releaseOnUnload, request, WORKFLOW_ACTIONS, type ArticleView, type Category, type MediaItem } from '../api.ts';
import { labelOf, statusLabel, t, type MessageKey } from '../i18n/index.ts';
import { AutosaveQueue, type AutosaveStatus, type SaveOutcome } from '../lib/autosave.ts';
import { cleanPastedHtml, cleanPastedText } from '../lib/paste-clean.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { Library } from '../media/Library.tsx';
import { countWords, editorToDoc, type PMNode } from './doc-convert.ts';
import { Audio, Box, Embed, Figure, Gallery } from './extensions.ts';
import { rememberMediaItem } from './media-cache.ts';
import { History } from './History.tsx';
import { RelatedPicker, type RelatedItem } from './RelatedPicker.tsx';
import { CoverPreview } from '../media/MediaName.tsx';
import { ModalDialog } from '../lib/ModalDialog.tsx';
import { Toasts } from '../lib/Messages.tsx';
import { formatClock, formatDateTime } from '../lib/time.tsx';

/** Article types; their words are the catalogue's `type.*`. */
const TYPES = ['standard', 'photo', 'video', 'audio', 'infographic', 'emagazine'] as const;
const NOTE_REQUIRED = new Set(['return', 'unpublish']);
/**
 * While a correction is pending these act on it: they are offered in the correction notice, with words that say so,
 * and left out of the workflow panel ("return" stays there, by the note it needs).
 */
const CORRECTION_ACTIONS: Array<[string, MessageKey]> = [
  ['send_for_approval', 'editor.correctionSend'],
  ['approve', 'editor.correctionApprove'],
  ['publish', 'editor.correctionPublish'],
  ['discard_correction', 'editor.correctionDiscard'],
];

interface Fields {
  title: string;
  shortTitle: string;
  sapo: string;
  type: string;
  categoryId: number;
  tags: string;
  bylines: string;
  coverMediaId: number | null;
  seoTitle: string;
  seoDescription: string;
  /** The editor's "Tin liên quan", in order, with the titles to list them by. */
  related: RelatedItem[];
}
type Patch = Omit<Fields, 'tags' | 'bylines' | 'related'> & { body: { type: 'doc'; content: unknown[] }; tags: string[]; bylines: Array<{ personId: number } | { name: string }>; relatedIds: number[] };

/** Picks by id as the form lists them: a title this person may see, else the id alone. `known`: titles already listed. */
const relatedOf = (a: ArticleView, ids: number[] = a.relatedIds, known: RelatedItem[] = []): RelatedItem[] =>
  ids.map((rid) => known.find((r) => r.id === rid) ?? a.related.find((r) => r.id === rid) ?? { id: rid, title: t('editor.relatedHidden', { id: rid }) });

const splitList = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

function fieldsOf(a: ArticleView, people: Map<number, string>): Fields {
  return {
    title: a.title,
    shortTitle: a.shortTitle,
    sapo: a.sapo,
    type: a.type,
    categoryId: a.categoryId,
    tags: a.tags.join(', '),
    bylines: a.bylines.map((b) => ('name' in b ? b.name : (people.get(b.personId) ?? ''))).filter(Boolean).join(', '),
    coverMediaId: a.coverMediaId,
    seoTitle: a.seoTitle,
    seoDescription: a.seoDescription,
    related: relatedOf(a),
  };
}

const draftKey = (id: number, userId: number) => `toasoan:draft:${userId}:${id}`;

/**
 * Puts a stored body in the editor with the cursor at the start of its first text. Left to setContent, the old
 * selection maps to the end of the new document, which selects a photo that ends the story: a click into the text
 * is then read a moment later (ProseMirror syncs the DOM selection on the next selectionchange), and on a busy page
 * ProseMirror's focus handler could write that photo selection back first, so the first key typed replaced the photo.
 */
function putBody(editor: Editor, body: ArticleView['body']): void {
  editor.commands.setContent((body.content.length ? body : { type: 'doc', content: [{ type: 'paragraph' }] }) as JSONContent, { emitUpdate: false });
  const start = TextSelection.findFrom(editor.state.doc.resolve(0), 1, true);
  if (start) editor.view.dispatch(editor.state.tr.setSelection(start));
}

export default function EditorScreen({ id }: { id: number }) {
  const { session, onRelogin } = useSession();
  const [article, setArticle] = useState<ArticleView | null>(null);
  const [fields, setFields] = useState<Fields | null>(null);
  const [categories, setCategories] = useState<Category[]>([]);
  const [people, setPeople] = useState<Map<number, string>>(new Map());
  const [status, setStatus] = useState<AutosaveStatus>('saved');
  const [statusMessage, setStatusMessage] = useState('');
  const [notice, setNotice] = useState('');
  const [error, setError] = useState('');
  const [lockedBy, setLockedBy] = useState<string | null>(null);
  /** A failure to take or keep the edit lock, shown to the writer; typing goes on. */
  const [lockIssue, setLockIssue] = useState('');
  const holdsLock = useRef(false);
  const [note, setNote] = useState('');
  const [scheduleAt, setScheduleAt] = useState('');
  const [picker, setPicker] = useState<null | 'figure' | 'gallery' | 'cover' | 'audio'>(null);
  const [showHistory, setShowHistory] = useState(false);
  const [words, setWords] = useState(0);
  const etag = useRef<string | null>(null);
  const fieldsRef = useRef<Fields | null>(null);
  const lastSaved = useRef<string>('');
  const peopleRef = useRef(people);
  peopleRef.current = people;

  const buildPatch = useCallback((editor: Editor | null): Patch | null => {
    const f = fieldsRef.current;
    if (!f || !editor) return null;
    const byName = new Map([...peopleRef.current].map(([pid, name]) => [name.toLowerCase(), pid]));
    const { related, ...rest } = f;
    return {
      ...rest,
      body: editorToDoc(editor.getJSON() as PMNode),
      tags: splitList(f.tags),
      bylines: splitList(f.bylines).map((name) => (byName.has(name.toLowerCase()) ? { personId: byName.get(name.toLowerCase())! } : { name })),
      relatedIds: related.map((r) => r.id),
    };
  }, []);

  /** Sends a full copy of the story; on 412 caused only by a workflow step (same content), retries on the new version. */
  const save = useCallback(async (patch: Patch): Promise<SaveOutcome> => {
    const body = { ...patch, autosave: true };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const r = await request<ArticleView>('PATCH', `/articles/${id}`, body, etag.current ? { 'if-match': etag.current } : {});
        etag.current = r.etag;
        lastSaved.current = JSON.stringify(patch);
        setArticle((a) => (a ? { ...r.data } : r.data));
        return { ok: true };
      } catch (err) {
        if (err instanceof NetworkError) return { ok: false, retry: true, reason: 'offline' };
        if (!(err instanceof ApiError)) return { ok: false, retry: true, reason: 'server' };
        if (err.status === 401) return { ok: false, retry: false, reason: 'unauthenticated' };
        if (err.status === 412) {
          const fresh = await request<ArticleView>('GET', `/articles/${id}`).catch(() => null);
          if (!fresh) return { ok: false, retry: true, reason: 'server' };
          const serverContent = { title: fresh.data.title, body: fresh.data.body };
          const ours = lastSaved.current ? (JSON.parse(lastSaved.current) as Patch) : null;
          if (ours && JSON.stringify(serverContent) === JSON.stringify({ title: ours.title, body: ours.body })) {
            etag.current = fresh.etag;
            continue;
          }
          return { ok: false, retry: false, reason: 'conflict' };
        }
        if (err.status >= 500 || err.status === 429) return { ok: false, retry: true, reason: 'server' };
        return { ok: false, retry: false, reason: 'rejected', message: err.message };
      }
    }
    return { ok: false, retry: false, reason: 'conflict' };
  }, [id]);

  const queue = useMemo(() => new AutosaveQueue<Patch>({ key: draftKey(id, session.user.id), storage: window.localStorage, save, debounceMs: 800, maxWaitMs: 3000 }), [id, session.user.id, save]);
  useEffect(() => {
    const off = queue.onStatus((s) => {
      setStatus(s);
      setStatusMessage(queue.message);
    });
    const offLogin = onRelogin(() => queue.resume());
    const online = () => queue.retryNow();
    window.addEventListener('online', online);
    const beforeUnload = (e: BeforeUnloadEvent) => {
      if (queue.dirty) e.preventDefault();
    };
    window.addEventListener('beforeunload', beforeUnload);
    return () => {
      off();
      offLogin();
      window.removeEventListener('online', online);
      window.removeEventListener('beforeunload', beforeUnload);
      void queue.flush();
      queue.dispose();
    };
  }, [queue, onRelogin]);

  const changed = useCallback(() => {
    const p = buildPatch(editorRef.current);
    if (!p || !canEditRef.current) return;
    queue.update(p, etag.current ?? undefined);
  }, [buildPatch, queue]);

  const editorRef = useRef<Editor | null>(null);
  const canEditRef = useRef(false);
  const editor = useEditor({
    extensions: [
      StarterKit.configure({
        heading: { levels: [2, 3, 4] },
        codeBlock: false,
        link: { openOnClick: false, autolink: true, defaultProtocol: 'https', HTMLAttributes: { rel: 'noopener noreferrer nofollow', target: null } },
      }),
      Figure,
      Gallery,
      Audio,
      Embed,
      Box,
    ],
    injectCSS: false,
    editable: false,
    content: { type: 'doc', content: [{ type: 'paragraph' }] },
    editorProps: {
      attributes: { class: 'story-body', 'aria-label': t('editor.body'), 'aria-multiline': 'true', role: 'textbox', id: 'story-body' },
      transformPastedHTML(html) {
        // Copy and paste inside the editor keeps its own blocks; everything else is cleaned.
        if (html.includes('data-pm-slice')) return html;
        const r = cleanPastedHtml(html);
        if (r.converted) setNotice(t('editor.pasteConverted', { encoding: r.converted === 'tcvn3' ? 'TCVN3 (ABC)' : 'VNI' }));
        return r.html;
      },
      transformPastedText(text) {
        const r = cleanPastedText(text);
        if (r.converted) setNotice(t('editor.pasteConverted', { encoding: r.converted === 'tcvn3' ? 'TCVN3 (ABC)' : 'VNI' }));
        return r.text;
      },
    },
    onUpdate: ({ editor: e }) => {
      setWords(countWords(e.getJSON() as { content: unknown[] }));
      changed();
    },
  });
  editorRef.current = editor;

  // Load the story, its categories and people; recover typing the server never received.
  useEffect(() => {
    let live = true;
    Promise.all([request<ArticleView>('GET', `/articles/${id}`), api.get<{ items: Category[] }>('/categories'), api.get<{ items: Array<{ id: number; name: string }> }>('/people').catch(() => ({ items: [] }))]).then(
      ([r, cats, ppl]) => {
        if (!live) return;
        const pmap = new Map(ppl.items.map((p) => [p.id, p.name]));
        setPeople(pmap);
        peopleRef.current = pmap;
        setCategories(cats.items);
        etag.current = r.etag;
        setArticle(r.data);
        let f = fieldsOf(r.data, pmap);
        let body = r.data.body;
        const recovered = AutosaveQueue.recover<Patch>(window.localStorage, draftKey(id, session.user.id));
        if (recovered) {
          // The recovered typing is sent against the version it was typed on: if someone saved since, the server
          // answers 412 and the writer gets the conflict notice instead of silently overwriting their changes.
          if (recovered.base) etag.current = recovered.base;
          f = { ...f, ...recovered.value, tags: recovered.value.tags.join(', '), bylines: recovered.value.bylines.map((b) => ('name' in b ? b.name : (pmap.get(b.personId) ?? ''))).join(', ') };
          // Typing kept from before the field existed has no picks: those of the story stay.
          if (recovered.value.relatedIds) f.related = relatedOf(r.data, recovered.value.relatedIds, f.related);
          body = recovered.value.body;
          setNotice(t('editor.recovered', { time: formatClock(recovered.savedAt) }));
        }
        fieldsRef.current = f;
        // The editor view mounts with the form below; the body is put in once it is there.
        pendingBody.current = { body, recovered: recovered?.value ?? null };
        setFields(f);
        setWords(countWords(body));
      },
      (err: Error) => live && setError(err.message),
    );
    return () => {
      live = false;
    };
  }, [id, editor]);

  const pendingBody = useRef<{ body: ArticleView['body']; recovered: Patch | null } | null>(null);
  useEffect(() => {
    const pending = pendingBody.current;
    if (!editor || !fields || !pending) return;
    pendingBody.current = null;
    putBody(editor, pending.body);
    lastSaved.current = pending.recovered ? '' : JSON.stringify(buildPatch(editor));
    if (pending.recovered) queue.update(pending.recovered);
  }, [editor, fields, buildPatch, queue]);

  // Edit lock: take it, keep it alive, give it back.
  const canEdit = !!article && article.allowedActions.includes('edit') && !lockedBy;
  canEditRef.current = canEdit;
  useEffect(() => {
    editor?.setEditable(canEdit, false);
  }, [editor, canEdit]);
  const takeLock = useCallback(
    async (takeover = false) => {
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          await api.post(`/articles/${id}/lock`, takeover ? { takeover: true } : {});
          setLockedBy(null);
          setLockIssue('');
          holdsLock.current = true;
          return;
        } catch (err) {
          holdsLock.current = false;
          if (!(err instanceof ApiError && err.status === 409)) {
            // Offline, refused or a server error: say so. The heartbeat tries again (its 409 comes back here).
            const message = err instanceof ApiError ? err.message : t('error.network');
            setLockIssue(t(takeover ? 'editor.lockTakeoverFailed' : 'editor.lockTakeFailed', { message }));
            return;
          }
          setLockIssue('');
          const holder = (err.body as { lock?: { userName?: string }; current?: { userName?: string } } | null)?.lock?.userName;
          const current = await api.get<{ lock: { userName: string; userId: number } | null }>(`/articles/${id}/lock`).catch(() => null);
          // Given back in the meantime (the last editor's release, sent as they left, arrived after our request): take it.
          if (current && !current.lock && attempt === 0) continue;
          if (current?.lock) setLockedBy(current.lock.userId === session.user.id ? null : current.lock.userName);
          else setLockedBy(holder ?? null);
          return;
        }
      }
    },
    [id, session.user.id],
  );
  const mayEdit = !!article?.allowedActions.includes('edit');
  useEffect(() => {
    if (!mayEdit) return;
    void takeLock();
    const beat = setInterval(() => {
      api.put(`/articles/${id}/lock`).then(
        () => setLockIssue(''),
        (err: unknown) => {
          if (err instanceof ApiError && err.status === 409) void takeLock();
          else setLockIssue(t(holdsLock.current ? 'editor.lockKeepFailed' : 'editor.lockTakeFailed', { message: err instanceof ApiError ? err.message : t('error.network') }));
        },
      );
    }, 30_000);
    // Closing the tab or leaving the app gives the story back at once, not when the lease runs out.
    const release = () => releaseOnUnload(`/articles/${id}/lock`);
    window.addEventListener('pagehide', release);
    return () => {
      window.removeEventListener('pagehide', release);
      clearInterval(beat);
      // Leaving the story: nobody is left to tell, and the lease runs out by itself within 90 s.
      void api.del(`/articles/${id}/lock`).catch(() => undefined);
    };
  }, [id, mayEdit, takeLock]);

  const setField = <K extends keyof Fields>(key: K, value: Fields[K]) => {
    const next = { ...fieldsRef.current!, [key]: value };
    fieldsRef.current = next;
    setFields(next);
    changed();
  };

  const saveNow = useCallback(async () => {
    await queue.flush();
  }, [queue]);

  /** Puts a version the server answered into the form and the editor, as the last saved state. */
  const showVersion = (r: { data: ArticleView; etag: string | null }) => {
    etag.current = r.etag;
    setArticle(r.data);
    const f = fieldsOf(r.data, people);
    fieldsRef.current = f;
    setFields(f);
    if (editor) {
      putBody(editor, r.data.body);
      lastSaved.current = JSON.stringify(buildPatch(editor));
    }
  };

  const runAction = async (action: string, label = t(`action.${action}` as MessageKey)) => {
    setError('');
    setNotice('');
    if (NOTE_REQUIRED.has(action) && !note.trim()) return setError(t('action.noteRequired'));
    if (action === 'schedule' && !scheduleAt) return setError(t('action.atRequired'));
    // Say why the latest text is not saved: offline, refused, or someone else's newer version (not always a conflict).
    if (canEdit && !(await queue.flush())) return setError(queue.status === 'offline' ? t('editor.offline') : queue.status === 'rejected' ? t('editor.rejected', { message: queue.message }) : queue.status === 'unauthenticated' ? t('editor.unauthenticated') : t('editor.conflict'));
    try {
      const body: Record<string, unknown> = { action };
      if (note.trim()) body.note = note.trim();
      if (action === 'schedule') body.at = new Date(scheduleAt).toISOString();
      const r = await request<ArticleView>('POST', `/articles/${id}/transitions`, body, etag.current ? { 'if-match': etag.current } : {});
      // A discarded correction's text must leave the form too: left there, the next key typed made it a correction again.
      if (action === 'discard_correction') showVersion(r);
      else {
        etag.current = r.etag;
        setArticle(r.data);
      }
      setNote('');
      setNotice(t('editor.done', { action: label }));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    const mod = e.ctrlKey || e.metaKey;
    if (mod && e.key.toLowerCase() === 's') {
      e.preventDefault();
      void saveNow();
    } else if (mod && e.altKey && e.key.toLowerCase() === 'm' && canEdit) {
      e.preventDefault();
      openPicker('figure');
    } else if (mod && e.key.toLowerCase() === 'k' && canEdit && editor) {
      e.preventDefault();
      promptLink(editor);
    }
  };

  /** Set when the image dialog put images in the story: the cursor then goes back to the story, after them. */
  const insertedImages = useRef(false);
  const openPicker = (kind: 'figure' | 'gallery' | 'cover' | 'audio') => {
    insertedImages.current = false;
    setPicker(kind);
  };
  /**
   * Where focus goes when the image dialog closes: the story after an insertion or when it was opened from the
   * story (Ctrl+Alt+M), otherwise the button that opened it.
   */
  const pickerReturnFocus = (opener: HTMLElement | null) => {
    const inStory = !!opener && !!editor && editor.view.dom.contains(opener);
    if (insertedImages.current || inStory || !opener?.isConnected) editor?.commands.focus();
    else opener.focus();
  };

  const choose = (items: MediaItem[]) => {
    if (!editor) return;
    for (const m of items) rememberMediaItem(m);
    const attrs = (m: MediaItem) => ({ mediaId: m.id, fileName: m.fileName, width: m.width, height: m.height, alt: m.alt, caption: m.caption, credit: m.credit });
    if (picker === 'cover') setField('coverMediaId', items[0]?.id ?? null);
    else if (picker === 'audio') {
      // The library's caption and credit start the block's; the title is the writer's to give.
      const m = items[0];
      if (m) insertedImages.current = editor.chain().insertAudio({ mediaId: m.id, title: '', caption: m.caption, credit: m.credit }).run();
    } else if (picker === 'gallery') insertedImages.current = editor.chain().insertGallery(items.map(attrs)).run();
    else if (items[0]) insertedImages.current = editor.chain().insertFigure(attrs(items[0])).run();
    setPicker(null);
  };

  if (error && !article) return <p role="alert" className="error">{error}</p>;
  if (!article || !fields) return <p className="loading">{t('app.loading')}</p>;
  const correction = article.correction && (article.status === 'published' || article.status === 'unpublished') ? (article.correction.state === 'draft' ? 'draft' : 'awaiting_approval') : null;
  const correctionActions = correction ? CORRECTION_ACTIONS.filter(([a]) => article.allowedActions.includes(a) && !(a === 'publish' && article.allowedActions.includes('approve'))) : [];
  const actions = article.allowedActions.filter((a) => WORKFLOW_ACTIONS.includes(a) && !(correction && CORRECTION_ACTIONS.some(([c]) => c === a)));
  const statusKey = `editor.${status}` as MessageKey;
  const saveState = (
    <span className={`save-state save-${status}`} role="status" aria-live="polite" data-testid="save-state">
      {status === 'rejected' ? t('editor.rejected', { message: statusMessage }) : t(statusKey)}
    </span>
  );
  const editingBar = canEdit && !!editor;

  return (
    <div className="editor-screen" onKeyDown={onKeyDown}>
      <div className="editor-head">
        <Link to="/">← {t('editor.back')}</Link>
        <span className={`badge status-${article.status}`} data-testid="story-status">
          {statusLabel(article.status)}
        </span>
        {article.status === 'scheduled' && article.scheduledAt && (
          <span className="muted" data-testid="scheduled-at">
            {t('editor.scheduledAt', { time: formatDateTime(article.scheduledAt) })}
          </span>
        )}
        {/* While editing, the save state rides with the toolbar, in view however far down the story is. */}
        {!editingBar && saveState}
        <span className="muted">{t('editor.words', { count: words })}</span>
        {lockedBy && (
          <span className="lock" role="status">
            🔒 {t('editor.lockedBy', { name: lockedBy })}{' '}
            <button type="button" onClick={() => void takeLock(true)}>
              {t('editor.lockTake')}
            </button>
          </span>
        )}
        {lockIssue && (
          <span className="lock-issue" role="status" data-testid="lock-issue">
            {lockIssue}
          </span>
        )}
        <span className="spacer" />
        {canEdit && (
          <button type="button" onClick={() => void saveNow()} aria-keyshortcuts="Control+S">
            {t('editor.saveNow')}
          </button>
        )}
        <a className="button" href={`/api/v1/articles/${id}/preview`} target="_blank" rel="noreferrer" onClick={() => canEdit && void saveNow()}>
          {t('editor.preview')}
        </a>
        {article.status === 'published' && (
          <a className="button" href={article.url} target="_blank" rel="noreferrer">
            {t('editor.viewLive')}
          </a>
        )}
        <button type="button" onClick={() => setShowHistory(true)}>
          {t('editor.history')}
        </button>
      </div>
      {correction && (
        <section className="correction-pending" aria-labelledby="correction-title" data-testid="correction-pending">
          <h2 id="correction-title">{t(`editor.correctionTitle.${correction}`)}</h2>
          <p>{t(`editor.correction.${article.status === 'unpublished' ? 'unpublished' : 'published'}.${correction}`)}</p>
          {article.correction?.note && <p>{t('editor.correctionNote', { note: article.correction.note })}</p>}
          {correctionActions.length > 0 && (
            <div className="actions">
              {correctionActions.map(([a, key]) => (
                <button key={a} type="button" className={a === 'discard_correction' ? '' : 'primary'} onClick={() => void runAction(a, t(key))}>
                  {t(key)}
                </button>
              ))}
            </div>
          )}
        </section>
      )}
      {article.returnNote && ['draft', 'editing', 'submitted'].includes(article.status) && (
        <p className="return-note" role="note" data-testid="return-note">
          {t('editor.returnNote', { note: article.returnNote })}
        </p>
      )}
      {status === 'conflict' && (
        <div className="conflict" role="alert">
          {t('editor.conflict')}{' '}
          <button type="button" onClick={() => (window.localStorage.removeItem(draftKey(id, session.user.id)), window.location.reload())}>
            {t('editor.conflictReload')}
          </button>{' '}
          <button
            type="button"
            onClick={async () => {
              const fresh = await request<ArticleView>('GET', `/articles/${id}`);
              etag.current = fresh.etag;
              queue.resume();
            }}
          >
            {t('editor.conflictOverwrite')}
          </button>
        </div>
      )}
      {!canEdit && !lockedBy && <p className="muted">{t('editor.readOnly')}</p>}
      <div className="editor-grid">
        <div className="editor-main">
          <label htmlFor="f-title" className="visually-hidden">
            {t('editor.title')}
          </label>
          <textarea id="f-title" className="title-input" rows={2} placeholder={t('editor.title')} value={fields.title} readOnly={!canEdit} onChange={(e) => setField('title', e.target.value)} />
          <label htmlFor="f-sapo">{t('editor.sapo')}</label>
          <textarea id="f-sapo" className="sapo-input" rows={3} value={fields.sapo} readOnly={!canEdit} onChange={(e) => setField('sapo', e.target.value)} />
          {editingBar && (
            <div className="editor-sticky">
              <Toolbar editor={editor} onImage={() => openPicker('figure')} onGallery={() => openPicker('gallery')} onAudio={() => openPicker('audio')} />
              {saveState}
            </div>
          )}
          <EditorContent editor={editor} />
          <p className="muted small">{t('editor.shortcuts')}</p>
        </div>
        <aside className="editor-side" aria-label={t('editor.meta')}>
          {actions.length > 0 && (
            <section className="card workflow" aria-labelledby="wf-title">
              <h2 id="wf-title">{t('editor.actions')}</h2>
              <label htmlFor="f-note">{t('editor.note')}</label>
              <textarea id="f-note" rows={3} value={note} onChange={(e) => setNote(e.target.value)} />
              {actions.includes('schedule') && (
                <>
                  <label htmlFor="f-at">{t('editor.schedule')}</label>
                  <input id="f-at" type="datetime-local" value={scheduleAt} onChange={(e) => setScheduleAt(e.target.value)} />
                </>
              )}
              <div className="actions">
                {actions.map((a) => (
                  <button key={a} type="button" className={['publish', 'approve', 'submit', 'send_for_approval'].includes(a) ? 'primary' : ''} onClick={() => void runAction(a)}>
                    {t(`action.${a}` as MessageKey)}
                  </button>
                ))}
              </div>
            </section>
          )}
          <section className="card" aria-labelledby="meta-title">
            <h2 id="meta-title">{t('editor.meta')}</h2>
            <label htmlFor="f-short">{t('editor.shortTitle')}</label>
            <input id="f-short" value={fields.shortTitle} readOnly={!canEdit} onChange={(e) => setField('shortTitle', e.target.value)} />
            <label htmlFor="f-type">{t('editor.type')}</label>
            <select id="f-type" value={fields.type} disabled={!canEdit} onChange={(e) => setField('type', e.target.value)}>
              {(TYPES.some((v) => v === fields.type) ? TYPES : [...TYPES, fields.type]).map((v) => (
                <option key={v} value={v}>
                  {labelOf('type', v)}
                </option>
              ))}
            </select>
            <label htmlFor="f-cat">{t('editor.category')}</label>
            <select id="f-cat" value={fields.categoryId} disabled={!canEdit} onChange={(e) => setField('categoryId', Number(e.target.value))}>
              {categories.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
            <label htmlFor="f-tags">{t('editor.tags')}</label>
            <input id="f-tags" value={fields.tags} readOnly={!canEdit} onChange={(e) => setField('tags', e.target.value)} />
            <label htmlFor="f-bylines">{t('editor.bylines')}</label>
            <input id="f-bylines" value={fields.bylines} readOnly={!canEdit} onChange={(e) => setField('bylines', e.target.value)} list="people-list" />
            <datalist id="people-list">
              {[...people.values()].map((n) => (
                <option key={n} value={n} />
              ))}
            </datalist>
            <RelatedPicker storyId={id} value={fields.related} disabled={!canEdit} onChange={(next) => setField('related', next)} />
            <p className="label">{t('editor.cover')}</p>
            {fields.coverMediaId ? <CoverPreview id={fields.coverMediaId} /> : <p className="muted">{t('editor.coverNone')}</p>}
            {canEdit && (
              <button type="button" onClick={() => openPicker('cover')}>
                {t('editor.coverPick')}
              </button>
            )}
            <label htmlFor="f-seo-title">{t('editor.seoTitle')}</label>
            <input id="f-seo-title" value={fields.seoTitle} readOnly={!canEdit} onChange={(e) => setField('seoTitle', e.target.value)} />
            <label htmlFor="f-seo-desc">{t('editor.seoDescription')}</label>
            <textarea id="f-seo-desc" rows={3} value={fields.seoDescription} readOnly={!canEdit} onChange={(e) => setField('seoDescription', e.target.value)} />
          </section>
        </aside>
      </div>
      {picker && (
        <ModalDialog labelledBy="picker-title" onClose={() => setPicker(null)} returnFocus={pickerReturnFocus}>
          <div className="dialog-head">
            <h2 id="picker-title">{t(picker === 'audio' ? 'media.pickAudio' : 'media.pick')}</h2>
            <button type="button" onClick={() => setPicker(null)}>
              {t('editor.close')}
            </button>
          </div>
          <Library key={picker === 'audio' ? 'audio' : 'image'} onChoose={choose} multiple={picker === 'gallery'} kind={picker === 'audio' ? 'audio' : 'image'} />
        </ModalDialog>
      )}
      {showHistory && (
        <History
          id={id}
          etag={() => etag.current}
          names={{ categories: new Map(categories.map((c) => [c.id, c.name])), people }}
          onClose={() => setShowHistory(false)}
          onRestored={(r) => {
            showVersion(r);
            setShowHistory(false);
          }}
        />
      )}
      <Toasts notice={notice} error={error} onDismissNotice={() => setNotice('')} onDismissError={() => setError('')} />
    </div>
  );
}

function promptLink(editor: Editor) {
  const previous = (editor.getAttributes('link').href as string | undefined) ?? 'https://';
  const href = window.prompt(t('editor.linkPrompt'), previous);
  if (href === null) return;
  if (!href.trim() || href.trim() === 'https://') editor.chain().focus().unsetLink().run();
  else editor.chain().focus().extendMarkRange('link').setLink({ href: href.trim() }).run();
}

function Toolbar({ editor, onImage, onGallery, onAudio }: { editor: Editor; onImage: () => void; onGallery: () => void; onAudio: () => void }) {
  const [, force] = useState(0);
  useEffect(() => {
    const update = () => force((n) => n + 1);
    editor.on('selectionUpdate', update);
    editor.on('transaction', update);
    return () => {
      editor.off('selectionUpdate', update);
      editor.off('transaction', update);
    };
  }, [editor]);
  const b = (label: MessageKey, active: boolean, run: () => void, keys?: string) => (
    <button type="button" aria-pressed={active} onClick={run} aria-keyshortcuts={keys} title={t(label)}>
      {t(label)}
    </button>
  );
  return (
    // On a phone the toolbar is a row that scrolls sideways: bring the focused button into it (Tab left some out of view).
    <div role="toolbar" aria-label={t('editor.toolbar')} aria-controls="story-body" className="toolbar" onFocus={(e) => e.target.scrollIntoView({ block: 'nearest', inline: 'nearest' })}>
      {b('editor.bold', editor.isActive('bold'), () => editor.chain().focus().toggleBold().run(), 'Control+B')}
      {b('editor.italic', editor.isActive('italic'), () => editor.chain().focus().toggleItalic().run(), 'Control+I')}
      {b('editor.link', editor.isActive('link'), () => promptLink(editor), 'Control+K')}
      {b('editor.h2', editor.isActive('heading', { level: 2 }), () => editor.chain().focus().toggleHeading({ level: 2 }).run())}
      {b('editor.h3', editor.isActive('heading', { level: 3 }), () => editor.chain().focus().toggleHeading({ level: 3 }).run())}
      {b('editor.bulletList', editor.isActive('bulletList'), () => editor.chain().focus().toggleBulletList().run())}
      {b('editor.orderedList', editor.isActive('orderedList'), () => editor.chain().focus().toggleOrderedList().run())}
      {b('editor.quote', editor.isActive('blockquote'), () => editor.chain().focus().toggleBlockquote().run())}
      {b('editor.box', editor.isActive('box'), () => editor.chain().focus().toggleBox().run(), 'Control+Alt+B')}
      {b('editor.figure', false, onImage, 'Control+Alt+M')}
      {b('editor.gallery', false, onGallery)}
      {b('editor.audio', false, onAudio)}
      {b('editor.embed', false, () => {
        const url = window.prompt(t('editor.embedPrompt'), 'https://');
        if (url && !editor.chain().focus().insertEmbed(url).run()) window.alert(t('editor.embedInvalid'));
      })}
    </div>
  );
}
