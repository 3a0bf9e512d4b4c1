/**
 * Times as the newsroom reads them: on Vietnam's clock whatever the browser's time zone (a correspondent abroad, a
 * laptop left on another zone), day first.
 */
export const NEWSROOM_TIME_ZONE = 'Asia/Ho_Chi_Minh';

const DATE_TIME = new Intl.DateTimeFormat('vi-VN', { timeZone: NEWSROOM_TIME_ZONE, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });
const DATE = new Intl.DateTimeFormat('vi-VN', { timeZone: NEWSROOM_TIME_ZONE, day: '2-digit', month: '2-digit', year: 'numeric' });
const CLOCK = new Intl.DateTimeFormat('vi-VN', { timeZone: NEWSROOM_TIME_ZONE, timeStyle: 'medium' });

export const formatDateTime = (iso: string | number): string => DATE_TIME.format(new Date(iso));
export const formatDate = (iso: string | number): string => DATE.format(new Date(iso));
/** The time of day only (a draft recovered a moment ago). */
export const formatClock = (iso: string | number): string => CLOCK.format(new Date(iso));

/** A moment in a table cell: a <time> element with the date and time. */
export function Time({ iso }: { iso: string }) {
  return <time dateTime={iso}>{formatDateTime(iso)}</time>;
}
