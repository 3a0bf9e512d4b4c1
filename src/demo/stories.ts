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
      'Theo kế hoạch, xã sẽ mở thêm một lớp tập huấn về chế biến chè xanh cho các hộ trẻ, hướng tới xây dựng nhãn hiệu chung cho sản phẩm của địa phương. Những lô chè đạt chuẩn sẽ được giới thiệu tới các doanh nghiệp thu mua ngay trong vụ này.',
    ],
    caption: 'Những nương chè xanh mướt trong buổi sáng đầu vụ (ảnh minh họa).',
    tags: ['Nông nghiệp', 'Chè', 'Suối Mây'],
    byline: 'Hà Minh',
    hue: 110,
    hoursAgo: 2,
  },
  {
    category: 'thoi-su',
    title: 'Khẩn trương khắc phục điểm sạt lở trên tỉnh lộ 8 đoạn qua xã Nậm Khê sau trận mưa lớn kéo dài, phấn đấu thông xe trong 48 giờ và di dời an toàn mười hai hộ dân khỏi vùng nguy hiểm',
    shortTitle: 'Khắc phục sạt lở tỉnh lộ 8',
    sapo: 'Trận mưa lớn kéo dài từ đêm qua khiến hàng nghìn mét khối đất đá đổ xuống tỉnh lộ 8, chia cắt giao thông giữa xã Nậm Khê và trung tâm tỉnh. Chính quyền địa phương đã huy động máy móc, đồng thời di dời các hộ dân sống sát taluy.',
    paragraphs: [
      'Khoảng 3 giờ sáng, sau nhiều giờ mưa như trút, một mảng đồi dài gần bảy mươi mét phía trên tỉnh lộ 8 bất ngờ sạt xuống, vùi lấp toàn bộ mặt đường tại cây số 42. Rất may vào thời điểm đó không có phương tiện lưu thông qua khu vực nên không có thiệt hại về người.',
      'Ngay trong buổi sáng, Ban Chỉ huy phòng, chống thiên tai xã Nậm Khê đã cắm biển cảnh báo, bố trí người trực ở hai đầu điểm sạt và hướng dẫn phương tiện đi vòng qua đường liên xã. Đơn vị quản lý tuyến đường điều ba máy xúc cùng hai xe tải tới hiện trường, làm việc xuyên trưa để dọn đất đá.',
      'Ông Sùng Văn Páo, Chủ tịch UBND xã Nậm Khê, cho biết mười hai hộ dân sống dưới chân taluy đã được đưa tới nhà văn hóa thôn và nhà người thân ở nơi an toàn. Xã chuẩn bị sẵn gạo, nước uống, chăn màn và cử cán bộ ở lại cùng bà con cho đến khi mưa dứt.',
      'Theo Đài Khí tượng thủy văn tỉnh, mưa vừa đến mưa to có thể còn kéo dài trong hai ngày tới, nguy cơ sạt lở đất và lũ quét ở các xã vùng cao vẫn ở mức cao. Người dân được khuyến cáo không đi qua ngầm tràn khi nước lớn và theo dõi sát các vết nứt trên sườn đồi gần nhà.',
    ],
    caption: 'Máy xúc dọn đất đá tại điểm sạt lở trên tỉnh lộ 8 (ảnh minh họa).',
    tags: ['Sạt lở', 'Thiên tai', 'Nậm Khê'],
    byline: 'Lò Văn Tuấn',
    hue: 20,
    hoursAgo: 1,
  },
  {
    category: 'quoc-te',
    title: 'Hội chợ thương mại quốc tế cửa khẩu Đá Trắng thu hút hơn 300 gian hàng',
    shortTitle: 'Hội chợ cửa khẩu Đá Trắng',
    sapo: 'Hội chợ thương mại quốc tế lần thứ năm tại cửa khẩu Đá Trắng quy tụ doanh nghiệp từ hai bên biên giới, mở ra cơ hội tiêu thụ nông sản và kết nối chuỗi logistics xuyên biên giới.',
    paragraphs: [
      'Hội chợ kéo dài năm ngày tại khu thương mại sát cửa khẩu, với các khu trưng bày nông sản, hàng thủ công, máy nông nghiệp và dịch vụ vận tải. Gian hàng chè, mận sấy và tinh dầu quế của các hợp tác xã trong tỉnh luôn đông khách đến nếm thử, hỏi giá và xin danh thiếp.',
      'Bên lề hội chợ, hai bên tổ chức diễn đàn về thông quan và logistics, trong đó cơ quan hải quan giới thiệu bãi kiểm hóa tập trung mới đưa vào vận hành. Nhiều doanh nghiệp nước bạn cho biết thời gian chờ xe ngắn hơn giúp họ mạnh dạn ký hợp đồng nhập hàng tươi với số lượng lớn.',
      'Đã có hơn bốn mươi biên bản ghi nhớ hợp tác được ký kết, chủ yếu về thu mua nông sản, cung ứng vật tư nông nghiệp và vận chuyển hàng hóa. Ban tổ chức đánh giá đây là kỳ hội chợ có nhiều giao dịch thực chất nhất từ trước đến nay, vượt xa kỳ vọng ban đầu.',
      'Đại diện Sở Công Thương cho biết tỉnh sẽ duy trì hội chợ hằng năm và nghiên cứu mở thêm phiên chợ nông sản định kỳ mỗi quý tại cửa khẩu, giúp doanh nghiệp nhỏ và hộ sản xuất có nơi gặp gỡ trực tiếp khách hàng nước ngoài.',
    ],
    caption: 'Khách tham quan các gian hàng nông sản tại hội chợ cửa khẩu Đá Trắng (ảnh minh họa).',
    tags: ['Cửa khẩu Đá Trắng', 'Xuất khẩu', 'Hội chợ', 'Hợp tác quốc tế'],
    byline: 'Trần Quốc Bảo',
    hue: 130,
    hoursAgo: 8,
  },
  {
    category: 'phap-luat',
    title: 'Triệt phá nhóm lừa đảo giả làm thương lái mua nông sản qua mạng',
    shortTitle: 'Bắt nhóm giả danh thương lái',
    sapo: 'Công an tỉnh vừa bắt giữ bốn đối tượng lập nhiều tài khoản mạng xã hội giả danh doanh nghiệp thu mua nông sản để chiếm đoạt tiền đặt cọc của các nhà vườn.',
    paragraphs: [
      'Theo cơ quan điều tra, từ đầu năm, nhóm này liên tục đăng tin cần mua số lượng lớn chè, mận, quế với giá cao hơn thị trường. Khi nhà vườn liên hệ, chúng yêu cầu chuyển trước một khoản gọi là phí kiểm định chất lượng hoặc phí giữ hợp đồng, nhận tiền xong thì chặn mọi liên lạc.',
      'Nhận được đơn trình báo của nhiều hộ dân ở Suối Mây và Khe Rì, lực lượng an ninh mạng phối hợp với công an các xã xác minh, truy vết dòng tiền qua hàng chục tài khoản ngân hàng. Bước đầu xác định nhóm đã lừa hơn sáu mươi người, chiếm đoạt khoảng 1,4 tỷ đồng.',
      'Tại cơ quan công an, các đối tượng đã khai nhận hành vi của mình. Vụ án đang được tiếp tục mở rộng điều tra để làm rõ vai trò của từng người, xác định những ai đã cho thuê, bán tài khoản ngân hàng, đồng thời thu hồi tài sản trả lại cho người bị hại.',
      'Công an tỉnh khuyến cáo người dân chỉ giao dịch với doanh nghiệp có địa chỉ rõ ràng, kiểm tra thông tin qua chính quyền địa phương hoặc hợp tác xã, tuyệt đối không chuyển tiền đặt cọc cho người lạ chỉ quen qua mạng. Khi nghi ngờ bị lừa, cần báo ngay cho công an xã nơi gần nhất.',
    ],
    caption: 'Cán bộ công an hướng dẫn nhà vườn nhận diện tin nhắn lừa đảo (ảnh minh họa).',
    tags: ['Lừa đảo qua mạng', 'An ninh trật tự', 'Nông sản'],
    byline: 'Lò Văn Tuấn',
    hue: 305,
    hoursAgo: 14,
  },
  {
    category: 'kinh-te',
    title: 'Cửa khẩu Đá Trắng đưa vào vận hành bãi kiểm hóa tập trung, rút ngắn thời gian thông quan',
    shortTitle: 'Đá Trắng có bãi kiểm hóa mới',
    sapo: 'Bãi kiểm hóa tập trung rộng hơn ba héc-ta tại cửa khẩu Đá Trắng chính thức hoạt động, giúp xe chở nông sản xuất khẩu không còn phải xếp hàng dài trên quốc lộ trong mùa cao điểm.',
    paragraphs: [
      'Trước đây, vào mùa thu hoạch mận và chuối, hàng trăm xe container thường phải đỗ dọc hai bên đường dẫn vào cửa khẩu, có lúc chờ tới hai ngày mới được kiểm hóa. Bãi mới có sức chứa khoảng 250 xe, được chia làn riêng cho hàng tươi sống để ưu tiên làm thủ tục trước.',
      'Ông Vũ Đình Khải, Trưởng Ban Quản lý khu kinh tế cửa khẩu, cho biết hải quan, kiểm dịch thực vật và biên phòng nay làm việc trong cùng một khu nhà, doanh nghiệp chỉ cần nộp hồ sơ điện tử một lần. Thời gian thông quan trung bình một xe hàng giảm từ gần bốn giờ xuống còn khoảng một giờ rưỡi.',
      'Chủ một doanh nghiệp vận tải ở phường Trung Tâm chia sẻ, mỗi chuyến xe chờ ngắn đi nửa ngày là tiết kiệm được tiền dầu, tiền công lái xe và quan trọng hơn là giữ được độ tươi của hàng. Nhiều đối tác bên kia biên giới đã đặt thêm đơn hàng cho vụ tới.',
      'Trong giai đoạn tiếp theo, tỉnh kêu gọi đầu tư kho lạnh và trung tâm phân loại, đóng gói ngay cạnh cửa khẩu. Khi hoàn thành, chuỗi logistics này được kỳ vọng giúp nông sản của tỉnh giảm hao hụt sau thu hoạch và nâng cao giá trị xuất khẩu.',
    ],
    caption: 'Xe chở nông sản làm thủ tục tại bãi kiểm hóa cửa khẩu Đá Trắng (ảnh minh họa).',
    tags: ['Cửa khẩu Đá Trắng', 'Xuất khẩu', 'Logistics'],
    byline: 'Nguyễn Thu Trang',
    hue: 200,
    hoursAgo: 20,
  },
  {
    category: 'chinh-tri',
    title: 'HĐND tỉnh thông qua nghị quyết hỗ trợ nhà ở cho hộ nghèo vùng cao',
    shortTitle: 'Nghị quyết hỗ trợ nhà ở',
    sapo: 'Tại kỳ họp chuyên đề, đại biểu Hội đồng nhân dân tỉnh Miền Núi đã biểu quyết thông qua nghị quyết hỗ trợ xây mới và sửa chữa nhà ở cho hơn 1.200 hộ nghèo, hộ cận nghèo trong hai năm tới.',
    paragraphs: [
      'Kỳ họp diễn ra trong một ngày với ba nội dung chính, trong đó nghị quyết về nhà ở cho hộ khó khăn nhận được nhiều ý kiến thảo luận nhất. Theo tờ trình, mỗi hộ xây mới được hỗ trợ tối đa 60 triệu đồng, hộ sửa chữa được hỗ trợ 30 triệu đồng từ ngân sách tỉnh và nguồn xã hội hóa.',
      'Nhiều đại biểu đề nghị ưu tiên các hộ đang ở trong vùng có nguy cơ sạt lở, đồng thời cho phép người dân tận dụng vật liệu địa phương để giảm chi phí. Đại biểu Giàng Thị Súa, đơn vị xã Lũng Mây, cho rằng cần có tổ hỗ trợ kỹ thuật để những ngôi nhà mới vừa chắc chắn vừa giữ được kiến trúc truyền thống.',
      'Phát biểu bế mạc kỳ họp, bà Trịnh Thu Hằng, Chủ tịch HĐND tỉnh, yêu cầu các sở, ngành sớm ban hành hướng dẫn, công khai danh sách hộ được hỗ trợ tại từng thôn, bản để người dân cùng giám sát. Việc giải ngân phải bảo đảm đúng đối tượng, không để xảy ra tình trạng trục lợi chính sách.',
      'Cũng tại kỳ họp, các đại biểu đã thông qua việc điều chỉnh kế hoạch đầu tư công năm nay, bổ sung vốn cho một số tuyến đường liên xã đang thi công dở dang và hai công trình thủy lợi nhỏ ở các xã vùng biên.',
    ],
    caption: 'Đại biểu biểu quyết thông qua nghị quyết tại kỳ họp chuyên đề (ảnh minh họa).',
    tags: ['HĐND tỉnh', 'Giảm nghèo', 'Nhà ở'],
    byline: 'Trần Quốc Bảo',
    hue: 355,
    hoursAgo: 30,
  },
  {
    category: 'giao-duc',
    title: 'Bữa trưa ấm ở điểm trường bán trú Phiêng Sa',
    shortTitle: 'Bữa trưa bán trú Phiêng Sa',
    sapo: 'Với sự góp sức của phụ huynh và các nhà hảo tâm, gần 200 học sinh bán trú ở Trường Tiểu học Phiêng Sa nay có bữa ăn đủ chất và chỗ ngủ trưa sạch sẽ, yên tâm theo học.',
    paragraphs: [
      'Đúng mười một giờ, tiếng trống tan tiết vang lên, các em học sinh xếp hàng rửa tay rồi vào nhà ăn. Khay cơm hôm nay có thịt kho trứng, rau cải luộc và canh bí. Cô Lường Thị Thanh, hiệu trưởng nhà trường, cho biết thực đơn được thay đổi mỗi ngày và dán công khai ở bảng tin.',
      'Ngoài khoản hỗ trợ tiền ăn theo chính sách, phụ huynh mỗi tháng góp thêm rau xanh, măng và củi đun. Nhà trường tận dụng khoảnh đất sau lớp học làm vườn rau, giao cho từng lớp chăm sóc. Các em vừa học cách trồng cây, vừa có thêm thực phẩm sạch cho bếp ăn.',
      'Năm học này, nhờ nguồn tài trợ của một nhóm thiện nguyện, trường đã thay mới toàn bộ giường tầng, chăn và màn cho khu nội trú. Các thầy cô thay nhau ở lại trực buổi trưa và buổi tối, kèm thêm cho những học sinh còn chậm tiếng Việt.',
      'Theo Sở Giáo dục và Đào tạo, tỷ lệ học sinh đi học chuyên cần ở Phiêng Sa đã tăng rõ rệt so với những năm trước, gần như không còn tình trạng các em bỏ học giữa chừng vào mùa nương rẫy. Mô hình đang được nhân rộng ra các điểm trường lẻ khác trong tỉnh.',
    ],
    caption: 'Học sinh bán trú Phiêng Sa trong giờ ăn trưa (ảnh minh họa).',
    tags: ['Giáo dục vùng cao', 'Bán trú', 'Phiêng Sa'],
    byline: 'Nguyễn Thu Trang',
    hue: 320,
    hoursAgo: 45,
  },
  {
    category: 'du-lich',
    type: 'photo',
    title: 'Cao nguyên Ngàn Thông rực sắc hoa cải trắng đầu đông',
    shortTitle: 'Ngàn Thông mùa hoa cải',
    sapo: 'Những ngày này, các triền đồi trên cao nguyên Ngàn Thông phủ một màu trắng của hoa cải, trở thành điểm hẹn của người yêu nhiếp ảnh và du khách thích khám phá vùng cao.',
    paragraphs: [
      'Hoa cải ở Ngàn Thông vốn được người dân gieo sau vụ ngô để lấy rau ăn và làm thức ăn chăn nuôi. Khi thời tiết chuyển lạnh, hoa nở đồng loạt, trắng muốt trên nền đá xám và những mái nhà trình tường, tạo nên khung cảnh khiến nhiều du khách phải dừng xe ngắm nhìn.',
      'Nắm bắt nhu cầu, nhiều hộ gia đình đã chủ động gieo hoa theo từng đợt để kéo dài mùa ngắm, dựng thêm chòi gỗ, lối đi nhỏ và thu phí vào vườn ở mức vừa phải. Mỗi dịp cuối tuần, cao nguyên đón vài nghìn lượt khách, phần lớn là người trẻ từ các tỉnh miền xuôi.',
      'Thời điểm đẹp nhất để chụp ảnh là sáng sớm khi sương còn vương trên cánh hoa hoặc cuối chiều khi nắng xiên qua sườn núi. Du khách nên mang theo áo ấm, giày đế bám tốt và hỏi ý kiến chủ vườn trước khi bước vào ruộng để tránh làm dập hoa.',
      'Chính quyền xã Ngàn Thông khuyến cáo du khách không bẻ hoa, không xả rác và đỗ xe đúng nơi quy định. Xã cũng đang phối hợp với các homestay xây dựng tour đi bộ kết hợp thưởng thức ẩm thực địa phương, để du khách ở lại lâu hơn thay vì chỉ ghé qua chụp ảnh.',
    ],
    caption: 'Triền đồi phủ trắng hoa cải trên cao nguyên Ngàn Thông (ảnh minh họa).',
    tags: ['Du lịch cộng đồng', 'Mùa hoa', 'Ngàn Thông'],
    byline: 'Hà Minh',
    hue: 290,
    hoursAgo: 55,
  },
  {
    category: 'xa-hoi',
    title: 'Nước sạch về bản Pù Lao sau nhiều năm chờ đợi',
    shortTitle: 'Nước sạch về Pù Lao',
    sapo: 'Công trình cấp nước tự chảy vừa hoàn thành giúp hơn 140 hộ ở bản Pù Lao, xã Tà Sáng không còn phải gùi nước từ khe suối cách nhà vài cây số.',
    paragraphs: [
      'Buổi chiều khánh thành, chị Mùa Thị Dế mở vòi nước đặt ngay trước hiên nhà rồi bật cười. Nhiều năm nay, cứ đến mùa khô, phụ nữ trong bản phải dậy từ bốn giờ sáng, mang can nhựa xuống khe suối xếp hàng lấy nước cho cả nhà dùng trong ngày.',
      'Công trình gồm một đập đầu mối ở đầu nguồn, bể lọc và hơn chín cây số đường ống dẫn về các cụm dân cư. Kinh phí được lấy từ chương trình mục tiêu quốc gia, người dân đóng góp hàng nghìn ngày công đào rãnh, vận chuyển ống lên những đoạn dốc mà xe không vào được.',
      'Để công trình bền lâu, bản Pù Lao đã lập tổ quản lý nước gồm năm thành viên, mỗi hộ góp một khoản nhỏ hằng tháng để sửa chữa khi cần. Tổ trưởng Mùa A Chứ cho biết các thành viên đã được hướng dẫn cách súc rửa bể lọc và kiểm tra đường ống sau mỗi trận mưa lớn.',
      'Theo UBND xã Tà Sáng, trong xã còn ba bản thường xuyên thiếu nước vào mùa khô. Xã đã đề xuất tỉnh bố trí vốn làm tiếp các công trình tương tự trong năm tới, ưu tiên những nơi có đông trẻ em và người cao tuổi.',
    ],
    caption: 'Người dân bản Pù Lao dùng nước từ công trình tự chảy mới (ảnh minh họa).',
    tags: ['Nước sạch', 'Giảm nghèo', 'Tà Sáng'],
    byline: 'Hoàng Mai Anh',
    hue: 185,
    hoursAgo: 60,
  },
  {
    category: 'y-te',
    title: 'Bác sĩ tuyến tỉnh về khám, cấp thuốc miễn phí cho đồng bào vùng biên',
    shortTitle: 'Khám bệnh miễn phí vùng biên',
    sapo: 'Trong ba ngày, đoàn y bác sĩ của Bệnh viện Đa khoa tỉnh đã khám, tư vấn sức khỏe và cấp thuốc cho hơn 900 người dân ở hai xã biên giới Lũng Mây và Đá Trắng.',
    paragraphs: [
      'Từ sáng sớm, sân trạm y tế xã Lũng Mây đã kín người. Nhiều cụ già được con cháu đưa đi từ các bản xa, có người đi bộ gần hai tiếng. Đoàn chia thành các bàn khám nội, nhi, mắt, răng hàm mặt và siêu âm, bàn nào cũng có cán bộ y tế xã hỗ trợ phiên dịch tiếng dân tộc.',
      'Bác sĩ Phạm Hữu Lộc, trưởng đoàn, cho biết các bệnh thường gặp là tăng huyết áp, viêm khớp, bệnh dạ dày và các bệnh về mắt ở người cao tuổi. Một số trường hợp nghi mắc bệnh nặng đã được hướng dẫn lên tuyến tỉnh làm xét nghiệm chuyên sâu, chi phí đi lại do quỹ hỗ trợ người bệnh chi trả.',
      'Bên cạnh khám bệnh, đoàn còn mở buổi tập huấn cho nhân viên y tế thôn, bản về sơ cứu chấn thương, theo dõi phụ nữ mang thai và chăm sóc trẻ sơ sinh tại nhà. Những kiến thức này đặc biệt cần thiết ở nơi đường sá xa xôi, mùa mưa thường xuyên bị chia cắt.',
      'Sở Y tế cho biết hoạt động khám lưu động sẽ được duy trì hằng quý, luân phiên ở các xã vùng sâu, vùng xa. Ngành y tế cũng đang thử nghiệm tư vấn khám bệnh từ xa, kết nối trạm y tế xã với các bác sĩ chuyên khoa ở bệnh viện tỉnh.',
    ],
    caption: 'Bác sĩ khám bệnh cho người cao tuổi tại trạm y tế xã Lũng Mây (ảnh minh họa).',
    tags: ['Y tế cơ sở', 'Vùng biên', 'Lũng Mây'],
    byline: 'Hoàng Mai Anh',
    hue: 150,
    hoursAgo: 75,
  },
  {
    category: 'the-thao',
    type: 'video',
    title: 'Sôi nổi giải đua thuyền độc mộc trên hồ Sương',
    shortTitle: 'Đua thuyền độc mộc hồ Sương',
    sapo: 'Hai mươi bốn đội đua đến từ các xã ven hồ đã tranh tài trong giải đua thuyền độc mộc truyền thống, thu hút hàng nghìn người dân và du khách đến cổ vũ.',
    paragraphs: [
      'Ngay khi tiếng còi xuất phát vang lên, những chiếc thuyền làm từ thân cây khoét rỗng lao vun vút trên mặt hồ. Mỗi thuyền có năm tay chèo, phối hợp theo nhịp hô của người đứng mũi. Trên bờ, tiếng trống và tiếng reo hò của cổ động viên vang khắp một khúc hồ.',
      'Giải năm nay chia thành nội dung nam và nữ, thi đấu theo thể thức loại trực tiếp trên cự ly 800 mét. Ban tổ chức bố trí xuồng cứu hộ và yêu cầu mọi vận động viên mặc áo phao, điều mà nhiều đội lúc đầu chưa quen nhưng đã nhanh chóng chấp hành.',
      'Ở nội dung nam, đội xã Hồ Sương giành chiến thắng sau trận chung kết chỉ hơn đối thủ chưa đầy một thân thuyền. Đội nữ thôn Bản Đông gây bất ngờ khi lần đầu tham dự đã về nhất, nhờ hơn một tháng tập luyện mỗi chiều sau giờ làm nương.',
      'Theo Sở Văn hóa, Thể thao và Du lịch, đua thuyền độc mộc sẽ được đưa vào chương trình đại hội thể dục thể thao của tỉnh, đồng thời gắn với các tour du lịch hồ Sương để du khách có thể tận mắt xem và tự mình trải nghiệm môn thể thao dân gian này.',
    ],
    caption: 'Các đội đua thuyền độc mộc tăng tốc về đích trên hồ Sương (ảnh minh họa).',
    tags: ['Thể thao dân tộc', 'Lễ hội', 'Hồ Sương'],
    byline: 'Lò Văn Tuấn',
    hue: 260,
    hoursAgo: 90,
  },
  {
    category: 'kinh-te',
    type: 'infographic',
    title: 'Bức tranh xuất khẩu nông sản của tỉnh sau chín tháng',
    shortTitle: 'Xuất khẩu nông sản chín tháng',
    sapo: 'Chín tháng đầu năm, kim ngạch xuất khẩu nông sản của tỉnh đạt khoảng 86 triệu USD, tăng 14% so với cùng kỳ; chè, mận và quế là ba mặt hàng dẫn đầu.',
    paragraphs: [
      'Chè tiếp tục là mặt hàng chủ lực với gần 9.500 tấn chè búp khô, chiếm khoảng 38% giá trị xuất khẩu nông sản. Phần lớn sản lượng đến từ các vùng nguyên liệu tập trung ở Suối Mây và các xã lân cận, nơi đã có hơn 1.100 héc-ta chè được cấp mã số vùng trồng.',
      'Mận hậu đứng thứ hai với khoảng 21.000 tấn quả tươi, tăng mạnh nhờ bãi kiểm hóa mới ở cửa khẩu Đá Trắng giúp rút ngắn thời gian thông quan. Quế vỏ và tinh dầu quế xếp thứ ba, giá bán ổn định nhờ các hợp đồng bao tiêu dài hạn với doanh nghiệp chế biến.',
      'Về thị trường, các nước láng giềng vẫn chiếm hơn một nửa giá trị, nhưng tỷ trọng hàng đi các thị trường xa đang tăng dần. Số doanh nghiệp, hợp tác xã có chứng nhận sản xuất hữu cơ hoặc thực hành nông nghiệp tốt tăng từ 17 lên 29 đơn vị.',
      'Sở Công Thương dự báo ba tháng cuối năm là mùa cao điểm của chè đông và quế, kim ngạch cả năm có thể vượt 115 triệu USD nếu thời tiết thuận lợi và hoạt động thông quan qua cửa khẩu được duy trì thông suốt.',
    ],
    caption: 'Cơ cấu xuất khẩu nông sản chín tháng theo mặt hàng (đồ họa minh họa).',
    tags: ['Xuất khẩu', 'Nông sản', 'Cửa khẩu Đá Trắng', 'Chè'],
    byline: 'Đặng Phương Linh',
    hue: 45,
    hoursAgo: 100,
  },
  {
    category: 'van-hoa',
    type: 'emagazine',
    title: 'Những người giữ lửa khung cửi thổ cẩm ở bản Nà Hin',
    shortTitle: 'Giữ lửa khung cửi Nà Hin',
    sapo: 'Giữa lúc vải công nghiệp tràn về tận chợ phiên, một nhóm phụ nữ ở bản Nà Hin vẫn kiên nhẫn trồng lanh, nhuộm chàm và dệt từng tấm thổ cẩm theo cách ông bà để lại, rồi đưa chúng đến với du khách.',
    paragraphs: [
      'Căn nhà sàn của bà Hà Thị Pèng lúc nào cũng vang tiếng thoi đưa lách cách. Đã ngoài bảy mươi tuổi, bà vẫn ngồi bên khung cửi mỗi sáng. Bà bảo, một ngày tay không chạm sợi là thấy thiếu, như người quen uống chè mà bỏ mất một bữa.',
      'Để có một tấm vải, người Nà Hin mất gần trọn một mùa. Lanh gieo từ tháng Ba, đến khi cây cao ngang ngực thì cắt về phơi, tước vỏ, se sợi. Sợi lanh được luộc với tro bếp cho mềm rồi ngâm chàm nhiều lượt, mỗi lượt lại đem phơi, đến khi màu xanh thẫm gần như đen.',
      'Hoa văn trên vải không chép theo mẫu giấy mà nằm trong trí nhớ người dệt. Hình móc câu, hình quả trám, hình cánh chim, mỗi họa tiết gắn với một câu chuyện về núi rừng, mùa màng. Bà Pèng nói, nhìn cách ghép hoa văn là biết cô gái ấy khéo tay và kiên nhẫn đến đâu.',
      'Có một thời, những khung cửi trong bản lần lượt bị cất lên gác. Con gái đi làm ở khu công nghiệp, quần áo may sẵn vừa rẻ vừa tiện. Chỉ còn vài bà cụ dệt để dành cho con cháu khi cưới hỏi, lễ tết, và nghề tưởng như sẽ mai một theo những người già.',
      'Bước ngoặt đến khi chị Hà Thị Nguyệt, cháu gái bà Pèng, trở về bản sau nhiều năm làm hướng dẫn viên du lịch. Chị lập nhóm dệt gồm mười hai phụ nữ, nhận đặt hàng khăn, túi, tấm trải bàn từ các homestay, đồng thời mở lớp để du khách ngồi thử khung cửi, tự tay nhúng sợi vào chum chàm.',
      'Thu nhập từ nghề dệt chưa nhiều, nhưng đủ để chị em thấy công sức của mình được trân trọng. Điều làm bà Pèng vui nhất là mấy đứa cháu gái học cấp hai đã biết luồn sợi, đếm go. Tiếng thoi đưa, bà bảo, sẽ còn vang ở Nà Hin lâu nữa.',
    ],
    caption: 'Khung cửi dệt thổ cẩm trong một ngôi nhà sàn ở bản Nà Hin (ảnh minh họa).',
    tags: ['Thổ cẩm', 'Di sản', 'Nà Hin'],
    byline: 'Đặng Phương Linh',
    hue: 235,
    hoursAgo: 130,
  },
  {
    category: 'nong-nghiep',
    title: 'Trồng quế theo hướng hữu cơ, nhiều hộ ở xã Khe Rì có thu nhập ổn định',
    shortTitle: 'Quế hữu cơ ở Khe Rì',
    sapo: 'Từ chỗ trồng quế tự phát, bán vỏ tươi cho thương lái, người dân xã Khe Rì đã liên kết thành hợp tác xã, chăm cây theo quy trình hữu cơ và bán sản phẩm với giá cao hơn.',
    paragraphs: [
      'Trên con dốc dẫn vào thôn Nà Khoang, những cánh rừng quế tám, chín năm tuổi phủ kín sườn đồi. Anh Triệu Văn Lìn, một trong những thành viên đầu tiên của hợp tác xã, kể rằng trước kia gia đình chỉ bóc vỏ khi cần tiền, giá cả hoàn toàn phụ thuộc vào người thu mua.',
      'Ba năm nay, các hộ thống nhất không dùng thuốc diệt cỏ, không phun thuốc hóa học và ghi nhật ký chăm sóc cho từng lô rừng. Một doanh nghiệp chế biến tinh dầu đã ký hợp đồng bao tiêu toàn bộ vỏ và lá quế đạt chuẩn, trả giá cao hơn thị trường khoảng 15%.',
      'Không chỉ bán vỏ, hợp tác xã còn đầu tư lò chưng cất nhỏ để tận dụng cành, lá sau khai thác. Nhờ vậy, mỗi héc-ta quế cho thu nhập bình quân hơn 80 triệu đồng sau chu kỳ khai thác, trong khi phụ phẩm trước đây thường bị bỏ đi hoặc đốt ngay trên nương.',
      'Cán bộ nông nghiệp xã cho biết, mục tiêu tới đây là mở rộng diện tích quế hữu cơ lên 600 héc-ta và đề nghị cấp chứng nhận cho toàn vùng, tạo điều kiện đưa sản phẩm qua cửa khẩu tới những thị trường có yêu cầu khắt khe hơn.',
    ],
    caption: 'Thành viên hợp tác xã bóc vỏ quế trên nương ở xã Khe Rì (ảnh minh họa).',
    tags: ['Nông nghiệp', 'Nông sản', 'Quế', 'Khe Rì'],
    byline: 'Hà Minh',
    hue: 75,
    hoursAgo: 150,
  },
  {
    category: 'du-lich',
    title: 'Bản Nà Hin làm du lịch cộng đồng: khách ở nhà sàn, học dệt thổ cẩm',
    shortTitle: 'Du lịch cộng đồng ở Nà Hin',
    sapo: 'Mười bốn ngôi nhà sàn ở bản Nà Hin đã được cải tạo thành homestay, mở ra sinh kế mới cho người dân mà vẫn giữ được nếp sống và cảnh quan của bản.',
    paragraphs: [
      'Khác với nhiều nơi, homestay ở Nà Hin không xây mới bằng bê tông mà giữ nguyên khung nhà sàn gỗ, chỉ cải tạo khu vệ sinh, bổ sung chăn đệm sạch và mở thêm cửa sổ. Mỗi nhà đón tối đa mười lăm khách để chủ nhà đủ sức phục vụ chu đáo.',
      'Ban quản lý du lịch của bản thống nhất một bảng giá chung cho chỗ ngủ, bữa ăn và các hoạt động trải nghiệm. Tiền thu được trích một phần vào quỹ chung để sửa đường, thu gom rác và hỗ trợ những hộ chưa làm homestay nhưng tham gia nấu ăn, biểu diễn văn nghệ.',
      'Hoạt động được khách ưa thích nhất là học dệt thổ cẩm cùng nhóm phụ nữ trong bản, tiếp đến là theo người dân lên nương, đánh cá trên suối và nấu cơm lam. Buổi tối, các đội văn nghệ biểu diễn hát then, múa xòe quanh đống lửa ở sân nhà văn hóa.',
      'Năm ngoái, Nà Hin đón khoảng 6.000 lượt khách, trong đó có nhiều khách nước ngoài. Để phát triển bền vững, bản đặt quy ước không bán đất cho người ngoài xây khách sạn, không mở loa công suất lớn sau mười giờ đêm và hạn chế đồ nhựa dùng một lần.',
    ],
    caption: 'Du khách nghỉ tại một homestay nhà sàn ở bản Nà Hin (ảnh minh họa).',
    tags: ['Du lịch cộng đồng', 'Thổ cẩm', 'Homestay', 'Nà Hin'],
    byline: 'Nguyễn Thu Trang',
    hue: 60,
    hoursAgo: 170,
  },
  {
    category: 'quoc-te',
    title: 'Chuyên gia quốc tế cùng bàn giải pháp bảo tồn giống lúa nương bản địa',
    shortTitle: 'Bảo tồn giống lúa nương',
    sapo: 'Hội thảo khoa học với sự tham gia của các nhà nghiên cứu đến từ sáu quốc gia châu Á đã đề xuất xây dựng ngân hàng hạt giống cộng đồng để gìn giữ những giống lúa nương quý của tỉnh.',
    paragraphs: [
      'Theo khảo sát ban đầu, tỉnh hiện còn ít nhất 27 giống lúa nương đang được đồng bào canh tác, trong đó nhiều giống chỉ còn vài hộ lưu giữ. Các giống này chịu hạn tốt, thơm dẻo và thích nghi với đất dốc, nhưng năng suất thấp nên diện tích gieo trồng thu hẹp dần qua từng năm.',
      'Các chuyên gia chia sẻ kinh nghiệm từ những vùng cao ở nhiều nước trong khu vực, nơi người dân tự quản lý kho hạt giống, trao đổi giống giữa các bản và được hỗ trợ để bán gạo đặc sản với giá cao. Theo họ, bảo tồn chỉ bền vững khi người giữ giống có thu nhập từ chính giống lúa đó.',
      'Viện nghiên cứu nông nghiệp của tỉnh và một tổ chức phi chính phủ quốc tế sẽ phối hợp thử nghiệm mô hình ngân hàng hạt giống cộng đồng tại hai xã Khe Rì và Lũng Mây. Người dân được tập huấn cách chọn, phơi, bảo quản hạt và ghi chép đặc điểm của từng giống.',
      'Kết thúc hội thảo, các đại biểu đã đi thực địa tại những nương lúa đang vào mùa gặt, trò chuyện với các nông dân cao tuổi về kinh nghiệm chọn giống được truyền qua nhiều thế hệ, và cùng người dân nếm thử cơm lam nấu từ gạo mới.',
    ],
    caption: 'Các nhà nghiên cứu tham quan nương lúa bản địa vào mùa gặt (ảnh minh họa).',
    tags: ['Hợp tác quốc tế', 'Nông nghiệp', 'Lúa nương', 'Khe Rì'],
    byline: 'Đặng Phương Linh',
    hue: 90,
    hoursAgo: 232,
  },
];
