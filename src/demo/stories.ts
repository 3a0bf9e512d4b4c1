import type { ArticleType } from '../domain/article.ts';
import type { SiteSettings } from '../domain/settings.ts';

/**
 * Demo newsroom content. Every word here is original writing for the demo: an imaginary
 * provincial paper, "Báo Miền Núi", in an imaginary province. No sentence comes from a real paper.
 */

export interface DemoCategory {
  slug: string;
  name: string;
  description: string;
  children?: Array<{ slug: string; name: string; description: string }>;
}

export interface DemoStory {
  category: string;
  title: string;
  shortTitle: string;
  sapo: string;
  paragraphs: string[];
  caption: string;
  tags: string[];
  byline: string;
  hue: number;
  hoursAgo: number;
  type?: ArticleType;
}

export const DEMO_SETTINGS: Partial<SiteSettings> = {
  name: 'Báo Miền Núi',
  tagline: 'Tin tức vùng cao, nhanh và tin cậy',
  governingBody: 'Ủy ban Nhân dân tỉnh Miền Núi (dữ liệu mẫu)',
  licence: 'Giấy phép hoạt động báo điện tử số 000/GP-BTTTT (dữ liệu mẫu)',
  editorInChief: 'Nguyễn Văn Mẫu',
  address: 'Số 1 đường Ví Dụ, phường Trung Tâm, tỉnh Miền Núi',
  phone: '0200 000 000',
  email: 'toasoan@example.vn',
  social: { facebook: 'https://www.facebook.com/example', youtube: 'https://www.youtube.com/@example', zalo: 'https://zalo.me/example', x: 'https://x.com/example' },
};

export const DEMO_CATEGORIES: DemoCategory[] = [
  { slug: 'thoi-su', name: 'Thời sự', description: 'Tin thời sự trong tỉnh và cả nước.' },
  { slug: 'chinh-tri', name: 'Chính trị', description: 'Hoạt động của các cơ quan Đảng, chính quyền và đoàn thể.' },
  { slug: 'kinh-te', name: 'Kinh tế', description: 'Sản xuất, kinh doanh, đầu tư và hạ tầng.', children: [{ slug: 'nong-nghiep', name: 'Nông nghiệp', description: 'Trồng trọt, chăn nuôi và kinh tế nông thôn.' }] },
  { slug: 'xa-hoi', name: 'Xã hội', description: 'Đời sống, giáo dục, y tế.', children: [{ slug: 'giao-duc', name: 'Giáo dục', description: 'Trường lớp, thầy và trò.' }, { slug: 'y-te', name: 'Y tế', description: 'Sức khỏe cộng đồng.' }] },
  { slug: 'van-hoa', name: 'Văn hóa', description: 'Di sản, lễ hội, văn học nghệ thuật.' },
  { slug: 'the-thao', name: 'Thể thao', description: 'Phong trào và thành tích thể thao.' },
  { slug: 'du-lich', name: 'Du lịch', description: 'Điểm đến, trải nghiệm và dịch vụ du lịch.' },
  { slug: 'quoc-te', name: 'Quốc tế', description: 'Tin thế giới và hợp tác quốc tế.' },
  { slug: 'phap-luat', name: 'Pháp luật', description: 'An ninh trật tự và đời sống pháp luật.' },
];

export const DEMO_STORIES: DemoStory[] = [
  {
    category: 'nong-nghiep',
    title: 'Nông dân xã Suối Mây thu hoạch vụ chè xuân sớm hơn mọi năm',
    shortTitle: 'Chè xuân về sớm',
    sapo: 'Nhờ thời tiết ấm và cách chăm sóc mới, những đồi chè ở xã Suối Mây cho lứa búp đầu tiên sớm hơn gần hai tuần, giá bán tại vườn nhích lên so với năm trước.',
    paragraphs: [
      'Từ tờ mờ sáng, các tổ hái chè của hợp tác xã đã có mặt trên đồi. Bà Lò Thị Hoa, tổ trưởng, cho biết mỗi người hái được khoảng ba mươi cân búp tươi trong buổi sáng, nhiều hơn hẳn những vụ trước.',
      'Năm nay hợp tác xã chuyển sang bón phân hữu cơ ủ từ phụ phẩm nông nghiệp và tưới nhỏ giọt ở những nương dốc. Cán bộ khuyến nông xã đánh giá cách làm này giúp cây chè bật búp đều, ít sâu bệnh.',
      'Theo kế hoạch, xã sẽ mở thêm một lớp tập huấn về chế biến chè xanh cho các hộ trẻ, hướng tới xây dựng nhãn hiệu chung cho sản phẩm của địa phương.',
    ],
    caption: 'Những nương chè xanh mướt trong buổi sáng đầu vụ (ảnh minh họa).',
    tags: ['Nông nghiệp', 'Chè', 'Suối Mây'],
    byline: 'Hà Minh',
    hue: 110,
    hoursAgo: 2,
  },
];
