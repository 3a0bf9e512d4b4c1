import { useEffect, useState } from 'react';
import { api, type ArticleView, type Category } from '../api.ts';
import { t } from '../i18n/index.ts';
import { useRouter } from '../router.tsx';
import { useSession } from '../session.tsx';

export default function NewStory() {
  const { session } = useSession();
  const { navigate } = useRouter();
  const [title, setTitle] = useState('');
  const [categories, setCategories] = useState<Category[]>([]);
  const [categoryId, setCategoryId] = useState('');
  const [error, setError] = useState('');
  useEffect(() => {
    api.get<{ items: Category[] }>('/categories').then((r) => {
      setCategories(r.items);
      const own = session.user.deskIds.find((d) => r.items.some((c) => c.id === d));
      setCategoryId(String(own ?? r.items[0]?.id ?? ''));
    }, () => undefined);
  }, [session]);
  return (
    <form
      className="card new-story"
      aria-labelledby="new-title"
      onSubmit={(e) => {
        e.preventDefault();
        setError('');
        api.post<ArticleView>('/articles', { title, categoryId: Number(categoryId) }).then(
          (a) => navigate(`/articles/${a.id}`, true),
          (err: Error) => setError(err.message),
        );
      }}
    >
      <h1 id="new-title">{t('new.title')}</h1>
      <label htmlFor="new-headline">{t('editor.title')}</label>
      <input id="new-headline" required value={title} onChange={(e) => setTitle(e.target.value)} autoFocus />
      <label htmlFor="new-category">{t('editor.category')}</label>
      <select id="new-category" required value={categoryId} onChange={(e) => setCategoryId(e.target.value)}>
        {categories.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
      {error && <p role="alert" className="error">{error}</p>}
      <button type="submit" className="primary">
        {t('new.create')}
      </button>
    </form>
  );
}
