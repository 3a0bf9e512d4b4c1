import { createContext, useContext, useEffect, useState, type MouseEvent, type ReactNode } from 'react';

/** A small History-API router for paths under /admin. */
export const BASE = '/admin';

const RouterContext = createContext<{ path: string; navigate: (to: string, replace?: boolean) => void }>({ path: '/', navigate: () => undefined });

function currentPath(): string {
  const p = window.location.pathname;
  const rest = p.startsWith(BASE) ? p.slice(BASE.length) : p;
  return (rest || '/') + window.location.search;
}

export function Router({ children }: { children: ReactNode }) {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const onPop = () => setPath(currentPath());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const navigate = (to: string, replace = false) => {
    const url = BASE + (to.startsWith('/') ? to : `/${to}`);
    if (replace) window.history.replaceState(null, '', url);
    else window.history.pushState(null, '', url);
    setPath(currentPath());
    window.scrollTo(0, 0);
  };
  return <RouterContext.Provider value={{ path, navigate }}>{children}</RouterContext.Provider>;
}

export function useRouter() {
  return useContext(RouterContext);
}

/** Path without the query string, and the query parameters. */
export function useLocation(): { pathname: string; query: URLSearchParams } {
  const { path } = useRouter();
  const [pathname, search = ''] = path.split('?');
  return { pathname: pathname ?? '/', query: new URLSearchParams(search) };
}

/**
 * `path` with `query` changed: an empty value removes the parameter, and any change but the page's goes back to page 1
 * (a new filter shows its first page). For screens that keep their filters in the address.
 */
export function withParams(path: string, query: URLSearchParams, changes: Record<string, string>): string {
  const q = new URLSearchParams(query);
  for (const [k, v] of Object.entries(changes)) {
    if (v) q.set(k, v);
    else q.delete(k);
  }
  if (!('page' in changes)) q.delete('page');
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export function Link({ to, children, className, ...rest }: { to: string; children: ReactNode; className?: string; 'aria-current'?: 'page' | undefined }) {
  const { navigate } = useRouter();
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={BASE + to} onClick={onClick} className={className} {...rest}>
      {children}
    </a>
  );
}
