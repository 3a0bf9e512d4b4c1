import { t } from '../i18n/index.ts';

/**
 * Previous/next with the page number, for the lists that page (queue, reads). The ends are aria-disabled rather than
 * disabled, so the button just pressed keeps keyboard focus when it reaches the first or last page.
 */
export function Pager({ page, pages, onPage }: { page: number; pages: number; onPage: (n: number) => void }) {
  const first = page <= 1;
  const last = page >= pages;
  return (
    <nav className="pager" aria-label={t('queue.pages')}>
      <button type="button" aria-disabled={first} onClick={() => !first && onPage(Math.min(page - 1, pages))}>
        {t('queue.prev')}
      </button>
      <span>{t('queue.pageOf', { page, pages })}</span>
      <button type="button" aria-disabled={last} onClick={() => !last && onPage(page + 1)}>
        {t('queue.next')}
      </button>
    </nav>
  );
}
