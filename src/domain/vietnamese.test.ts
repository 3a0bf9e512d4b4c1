import { describe, expect, it } from 'vitest';
import { formatDateTimeVi, nfc, slugify } from './vietnamese.ts';

describe('slugify', () => {
  it('folds Vietnamese to lowercase ASCII words', () => {
    expect(slugify('Đoàn công tác tỉnh Lào Cai')).toBe('doan-cong-tac-tinh-lao-cai');
    expect(slugify('ĐẮK LẮK – mùa cà phê')).toBe('dak-lak-mua-ca-phe');
    expect(slugify('Thuỷ điện'.normalize('NFD'))).toBe('thuy-dien');
  });

  it('unfolds compatibility forms: full-width letters from CJK keyboards, ligatures', () => {
    expect(slugify('Ｈà Nội')).toBe('ha-noi');
    expect(slugify('ﬁnance')).toBe('finance');
  });

  it('is empty when nothing Latin is left, and cuts at a word boundary', () => {
    expect(slugify('中国代表团')).toBe('');
    expect(slugify('—')).toBe('');
    expect(slugify('một hai ba bốn', 10)).toBe('mot-hai-ba');
  });
});

describe('formatDateTimeVi', () => {
  it('prints Vietnam time (UTC+7) with the weekday', () => {
    expect(formatDateTimeVi('2024-12-31T17:30:00Z')).toBe('Thứ Tư, 01/01/2025 - 00:30');
  });
});

describe('nfc', () => {
  it('composes, and removes the control characters no page may carry', () => {
    expect(nfc('Lào Cai'.normalize('NFD'))).toBe('Lào Cai'.normalize('NFC'));
    expect(nfc('Tiêu đề\u000bbài\u0001\u001f\ufffe')).toBe('Tiêu đề bài');
    expect(nfc('dòng một\ndòng\thai')).toBe('dòng một\ndòng\thai');
  });
});
