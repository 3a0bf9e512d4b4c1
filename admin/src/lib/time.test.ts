import { describe, expect, it } from 'vitest';
import { formatClock, formatDate, formatDateTime } from './time.tsx';

describe('newsroom times', () => {
  it('reads an instant on Vietnam time whatever the machine zone', () => {
    // 18:30 UTC on the 24th is 01:30 on the 25th in Hà Nội.
    const at = '2026-11-24T18:30:00.000Z';
    expect(formatDate(at)).toBe('25/11/2026');
    expect(formatDateTime(at)).toMatch(/01:30/);
    expect(formatDateTime(at)).toMatch(/25\/11\/(20)?26/);
    expect(formatClock(at)).toMatch(/^01:30:00$/);
  });
});
