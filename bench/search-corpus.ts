/**
 * Deterministic generator of Vietnamese-like news stories for the search benchmark.
 *
 * Text is a stream of words (one to three syllables) drawn with Zipf-like probabilities: the head is a
 * list of frequent Vietnamese words in their usual frequency order (function words first, then common
 * news vocabulary), the tail is synthesized syllables (onset + rhyme + tone, following Vietnamese
 * spelling) so the vocabulary has the long tail of rare terms a real archive has. Lengths follow
 * typical online news: 10–22 syllable titles, 25–55 syllable sapos, 250–900 syllable bodies.
 * Same seed, same corpus: every run and both engines see identical stories.
 */

import type { Kysely } from 'kysely';
import type { Database } from '../src/storage/schema.ts';
import { slugify } from '../src/domain/vietnamese.ts';

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Frequent words, most frequent first (function words, then news vocabulary). */
const HEAD = (
  'và|của|có|các|là|được|trong|cho|người|những|một|với|không|đã|này|năm|để|tại|về|cũng|khi|theo|đến|ra|sẽ|đang|như|nhiều|' +
  'hơn|lại|trên|sau|từ|thì|nhưng|vào|do|bị|còn|rất|nên|mà|hay|mới|nhất|ngày|tháng|đồng chí|tỉnh|thành phố|huyện|xã|việc|' +
  'phát triển|kinh tế|xã hội|nhân dân|Việt Nam|Hà Nội|Đảng|Nhà nước|Chính phủ|Quốc hội|chủ tịch|bí thư|ủy ban|hội nghị|đại hội|' +
  'đại biểu|hợp tác|hữu nghị|quốc tế|Trung Quốc|Lào Cai|Vân Nam|biên giới|du lịch|văn hóa|thể thao|giáo dục|y tế|bệnh viện|' +
  'học sinh|sinh viên|trường|nông nghiệp|nông dân|sản xuất|doanh nghiệp|đầu tư|dự án|công trình|giao thông|đường|cầu|' +
  'thời tiết|mưa|lũ|bão|nắng|nhiệt độ|khu vực|miền núi|đồng bằng|sông Hồng|Festival|lễ hội|truyền thống|dân tộc|' +
  'an ninh|trật tự|công an|quân đội|bộ đội|biên phòng|tội phạm|ma túy|tai nạn|cứu hộ|chính sách|pháp luật|nghị quyết|' +
  'chương trình|kế hoạch|mục tiêu|nhiệm vụ|kết quả|thành công|khó khăn|giải pháp|triển khai|thực hiện|tổ chức|tham dự|' +
  'diễn ra|khai mạc|bế mạc|trao tặng|giải thưởng|thi đấu|vô địch|bóng đá|cầu thủ|huấn luyện viên|thị trường|giá cả|' +
  'xuất khẩu|nhập khẩu|hàng hóa|thương mại|ngân hàng|tín dụng|lãi suất|chứng khoán|công nghệ|chuyển đổi số|điện thoại|' +
  'internet|mạng xã hội|dịch vụ|khách hàng|môi trường|rừng|nước sạch|điện|nhà ở|đất đai|quy hoạch|đô thị|nông thôn mới|' +
  'hòa bình|thủy điện|thủy lợi|khỏe mạnh|hoạt động|đoàn công tác|làm việc|trao đổi|ký kết|thỏa thuận|tuần|buổi|sáng|chiều|tối|' +
  'bán|bạn|bàn|bản|bắn|hoa|hóa|họa|hòa|ban|lao|lão|lào|cai|cái|cài|cải|hồng|hông|hông|song|sông|sống|tết|xuân|chợ|phiên'
).split('|');

const ONSETS = ['', 'b', 'c', 'ch', 'd', 'đ', 'g', 'gh', 'gi', 'h', 'k', 'kh', 'l', 'm', 'n', 'ng', 'ngh', 'nh', 'p', 'ph', 'qu', 'r', 's', 't', 'th', 'tr', 'v', 'x'];
const RHYMES = ['a', 'ai', 'am', 'an', 'ang', 'anh', 'ao', 'au', 'ay', 'ăm', 'ăn', 'ăng', 'âm', 'ân', 'âng', 'âu', 'ây', 'e', 'em', 'en', 'eng', 'eo', 'ê', 'êm', 'ên', 'ênh', 'êu', 'i', 'ia', 'im', 'in', 'inh', 'iu', 'iêm', 'iên', 'iêng', 'iêu', 'o', 'oa', 'oai', 'oan', 'oang', 'oanh', 'oe', 'oi', 'om', 'on', 'ong', 'ô', 'ôi', 'ôm', 'ôn', 'ông', 'ơ', 'ơi', 'ơm', 'ơn', 'u', 'ua', 'ui', 'um', 'un', 'ung', 'uy', 'uyên', 'uân', 'uôi', 'uôn', 'uông', 'ư', 'ưa', 'ưi', 'ưng', 'ươi', 'ươn', 'ương', 'ưu'];
const TONES = ['', '\u0300', '\u0301', '\u0309', '\u0303', '\u0323'];

function withTone(rhyme: string, tone: string): string {
  if (!tone) return rhyme;
  // Tone on the main vowel: the marked vowel (â ê ô ơ ư ă) if any, else the second of two vowels before a final consonant, else the first.
  const chars = [...rhyme];
  let at = chars.findIndex((c) => 'âêôơưă'.includes(c));
  if (at < 0) {
    const vowels = chars.map((c, i) => ('aeiouy'.includes(c) ? i : -1)).filter((i) => i >= 0);
    at = vowels.length > 1 && vowels[vowels.length - 1]! < chars.length - 1 ? vowels[vowels.length - 1]! : vowels[0]!;
  }
  chars[at] = (chars[at]! + tone).normalize('NFC');
  return chars.join('');
}

function synthesizedSyllables(count: number, random: () => number): string[] {
  const out = new Set<string>();
  while (out.size < count) {
    const onset = ONSETS[Math.floor(random() * ONSETS.length)]!;
    const rhyme = RHYMES[Math.floor(random() * RHYMES.length)]!;
    out.add(onset + withTone(rhyme, TONES[Math.floor(random() * TONES.length)]!));
  }
  return [...out];
}

export interface CorpusStory {
  title: string;
  sapo: string;
  paragraphs: string[];
  tags: string[];
  categoryIndex: number;
  publishedAt: string;
}

export class Corpus {
  readonly words: string[];
  private readonly cumulative: Float64Array;
  private readonly random: () => number;
  readonly tagPool: string[];

  constructor(seed = 20241118, tail = 6000) {
    this.random = rng(seed);
    const synth = synthesizedSyllables(tail, rng(seed ^ 0x5eed));
    // Head words, then single synthesized syllables and some two-syllable synthesized words (rare terms).
    this.words = [...HEAD, ...synth.slice(0, tail - 1500), ...Array.from({ length: 1500 }, (_, i) => `${synth[tail - 1500 + i]} ${synth[(i * 7) % 3000]}`)];
    // Zipf with exponent 1.0 over word rank, as in natural-language word frequencies.
    this.cumulative = new Float64Array(this.words.length);
    let sum = 0;
    for (let i = 0; i < this.words.length; i++) this.cumulative[i] = sum += 1 / (i + 1.5);
    for (let i = 0; i < this.words.length; i++) this.cumulative[i]! /= sum;
    this.tagPool = HEAD.slice(56, 200);
  }

  word(): string {
    const x = this.random();
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return this.words[lo]!;
  }

  /** About `syllables` syllables of text, in sentences. */
  text(syllables: number): string {
    const sentences: string[] = [];
    let count = 0;
    let sentence: string[] = [];
    while (count < syllables) {
      const w = this.word();
      sentence.push(w);
      count += w.split(' ').length;
      if (sentence.length >= 8 + Math.floor(this.random() * 14)) {
        const s = sentence.join(' ');
        sentences.push(s[0]!.toUpperCase() + s.slice(1) + '.');
        sentence = [];
      }
    }
    if (sentence.length) sentences.push(sentence.join(' ') + '.');
    return sentences.join(' ');
  }

  between(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  story(index: number, total: number, categories: number): CorpusStory {
    const title = this.text(this.between(10, 22)).replace(/\.$/, '');
    const sapo = this.text(this.between(25, 55));
    // Body length skews toward 400–600 syllables with a long tail, like news stories.
    const bodyLength = Math.round(250 + 650 * Math.pow(this.random(), 1.6));
    const paragraphs: string[] = [];
    for (let left = bodyLength; left > 0; ) {
      const n = Math.min(left, this.between(40, 120));
      paragraphs.push(this.text(n));
      left -= n;
    }
    const tags = Array.from({ length: this.between(1, 4) }, () => this.tagPool[Math.floor(this.random() * this.tagPool.length)]!);
    // Spread over three years, oldest first, so ids and dates both grow.
    const publishedAt = new Date(Date.UTC(2022, 0, 1) + Math.floor((index / total) * 3 * 365 * 86_400_000)).toISOString();
    return { title, sapo, paragraphs, tags, categoryIndex: Math.floor(this.random() * categories), publishedAt };
  }
}

/** The fixed query set: accented, unaccented, phrase, prefix, common and rare terms. */
export function benchQueries(corpus: Corpus): Array<{ kind: string; q: string }> {
  const rare1 = corpus.words[corpus.words.length - 2000]!;
  const rare2 = corpus.words[corpus.words.length - 3500]!;
  return [
    { kind: 'accented', q: 'Lào Cai' },
    { kind: 'accented', q: 'hợp tác quốc tế' },
    { kind: 'unaccented', q: 'lao cai' },
    { kind: 'unaccented', q: 'doan cong tac' },
    { kind: 'unaccented', q: 'phat trien kinh te' },
    { kind: 'phrase', q: '"festival sông hồng"' },
    { kind: 'phrase', q: '"nong thon moi"' },
    { kind: 'prefix', q: 'chuyển đổi s*' },
    { kind: 'prefix', q: 'thuy die*' },
    { kind: 'common', q: 'người' },
    { kind: 'common', q: 'và của' },
    { kind: 'rare', q: rare1 },
    { kind: 'rare', q: `${rare2} ${rare1}` },
    { kind: 'mixed', q: 'hoà bình biên giới' },
  ];
}

/**
 * Inserts generated stories as published articles with their tags, in one multi-row insert each, and returns
 * their ids in order. Both benchmarks build their databases with it.
 */
export async function insertCorpusStories(trx: Kysely<Database>, stories: CorpusStory[], categoryIds: number[], tagIds: Map<string, number>): Promise<number[]> {
  const now = new Date().toISOString();
  const rows = await trx
    .insertInto('articles')
    .values(
      stories.map((s) => ({
        slug: slugify(s.title, 80),
        title: s.title,
        short_title: '',
        sapo: s.sapo,
        body: JSON.stringify({ type: 'doc', content: s.paragraphs.map((p) => ({ type: 'paragraph', content: [{ type: 'text', text: p }] })) }),
        type: 'standard',
        category_id: categoryIds[s.categoryIndex]!,
        cover_media_id: null,
        status: 'published',
        seo_title: '',
        seo_description: '',
        published_at: s.publishedAt,
        updated_at: now,
        created_at: now,
      })),
    )
    .returning('id')
    .execute();
  const links = rows.flatMap((r, i) => [...new Set(stories[i]!.tags.map((t) => tagIds.get(t)!))].map((tag_id, position) => ({ article_id: r.id, tag_id, position })));
  if (links.length) await trx.insertInto('article_tags').values(links).execute();
  return rows.map((r) => r.id);
}
