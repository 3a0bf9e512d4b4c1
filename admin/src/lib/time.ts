/**
 * Times as the newsroom reads them: on Vietnam's clock whatever the browser's time zone (a correspondent abroad, a
 * laptop left on another zone), as the scheduled-publish time and the audit log already are.
 */
export const NEWSROOM_TIME_ZONE = 'Asia/Ho_Chi_Minh';

const DATE_TIME = new Intl.DateTimeFormat('vi-VN', { timeZone: NEWSROOM_TIME_ZONE, dateStyle: 'short', timeStyle: 'short' });
const DATE = new Intl.DateTimeFormat('vi-VN', { timeZone: NEWSROOM_TIME_ZONE, day: '2-digit', month: '2-digit', year: 'numeric' });
const TIME = new Intl.DateTimeFormat('vi-VN', { timeZone: NEWSROOM_TIME_ZONE, timeStyle: 'medium' });

export const formatDateTime = (iso: string | number): string => DATE_TIME.format(new Date(iso));
export const formatDate = (iso: string | number): string => DATE.format(new Date(iso));
export const formatTime = (iso: string | number): string => TIME.format(new Date(iso));
