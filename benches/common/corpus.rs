//! A deterministic corpus of Chinese buyer messages for benchmarks and examples.
//!
//! Every template, slot value and variation below was written for this crate;
//! nothing is copied from real chat logs. The generator uses a fixed-seed
//! SplitMix64, so the same `n` always yields the same messages, and
//! `messages(a)` is a prefix of `messages(b)` whenever `a <= b`.
//!
//! Include it with `#[path = "common/corpus.rs"] mod corpus;`.

use std::collections::HashSet;

/// Distinct buyer messages of our own writing, generated deterministically.
///
/// Returns exactly `n` messages, no two equal, each 4–60 characters long.
#[allow(dead_code)]
pub fn messages(n: usize) -> Vec<String> {
    let mut generator = Generator::new(SEED);
    let mut seen: HashSet<String> = HashSet::with_capacity(n);
    let mut out = Vec::with_capacity(n);
    let mut misses = 0_usize;
    let mut variation = 0_usize;
    while out.len() < n {
        let candidate = if misses < MAX_MISSES {
            generator.message()
        } else {
            // The combinations are running dry: add a numbered variation
            // instead of ever repeating a message.
            variation += 1;
            generator.numbered(variation)
        };
        if seen.insert(candidate.clone()) {
            out.push(candidate);
            misses = 0;
        } else {
            misses += 1;
        }
    }
    out
}

/// The same messages, each repeated `times` times joined with '，' — for the
/// "10× longer message" bench.
#[allow(dead_code)]
pub fn long_messages(n: usize, times: usize) -> Vec<String> {
    messages(n)
        .into_iter()
        .map(|m| {
            std::iter::repeat_n(m.as_str(), times)
                .collect::<Vec<_>>()
                .join("，")
        })
        .collect()
}

const SEED: u64 = 0x6B65_6675_2024_0618;
const MAX_MISSES: usize = 64;
const MIN_CHARS: usize = 4;
const MAX_CHARS: usize = 60;

// ---------------------------------------------------------------------------
// Templates, by intent. `{key}` marks a slot filled by `Generator::slot`.
// ---------------------------------------------------------------------------

const SIZE: &[&str] = &[
    "{hw}穿什么码",
    "身高{h}体重{w}，{p}选哪个码",
    "我{h}，{w}，穿{sz}合适吗",
    "{w}穿{sz}会不会小",
    "{h}的穿{spair}",
    "平时穿{fs}，这双{sh}要拍大一码吗",
    "{sh}偏大还是偏小",
    "脚背高，{sh}选{fs}行吗",
    "{p}是正码吗",
    "{p}尺码标准吗",
    "{s}码胸围多少",
    "{s}的衣长多少cm",
    "腰围{waist}穿几码的{p}",
    "{p}的{s}码裤长多少",
    "我老公{hw}，{p}要多大的",
    "给孩子买，{h}穿什么码",
    "{p}偏瘦吗，我{w}",
    "{w}能穿均码吗",
    "微胖{w}，{p}显胖吗",
    "{h}穿这条{p}会拖地吗",
    "肩宽{shoulder}穿{sz}够吗",
    "{fs}的脚穿这双合适吗",
    "{p}有尺码表吗",
    "宝贝偏大一码吗，{hw}",
    "{h}，{w}，平时穿{sz}",
    "{hw}，{c}的{p}拍{spair}",
    "帮我推荐下尺码，{hw}",
    "均码{w}能穿吗",
    "胯宽，{w}，{p}要大一码吗",
    "{p}的{s}码和{sh}的{fs}各要一件",
];

const PRICE: &[&str] = &[
    "能便宜点吗",
    "{yuan}能卖吗",
    "{p}最低多少钱",
    "买{q}能打折吗",
    "老顾客了，给个优惠呗",
    "怎么比昨天贵了{diff}块",
    "别家才{yuan}，你们能便宜吗",
    "拍下能改价吗",
    "刚拍的能少{diff}块吗",
    "这个价格含运费吗",
    "{q}{yuan}行不行",
    "能抹个零吗",
    "降价了能补差价吗",
    "学生党有优惠吗",
    "{p}怎么又涨价了",
];

const LOGISTICS: &[&str] = &[
    "什么时候发货",
    "今天能发吗",
    "发什么快递",
    "能发{k}吗",
    "到{city}要几天",
    "{city}能到吗",
    "我的快递到哪了",
    "物流{d}天没动了",
    "快递单号是多少",
    "怎么还没发货，都{d}天了",
    "{k}一直没更新物流",
    "显示签收了但我没收到",
    "可以指定{k}吗",
    "发{k}要加钱吗",
    "拍了{d}天了还没发",
    "下午{t}点前拍今天发吗",
    "快递放驿站了吗",
    "能送货上门吗",
    "订单{order}发了吗",
    "预售的{p}几号发",
    "从哪里发货，到{city}快吗",
    "急用，能加急吗",
    "{k}到{city}一般几天",
];

const AFTER_SALES: &[&str] = &[
    "{p}{defect}怎么办",
    "洗了一次就{defect}",
    "收到的{p}{defect}，能退吗",
    "我要退货",
    "怎么退款",
    "退款什么时候到账",
    "可以换个{sz}吗",
    "{c}和图片色差太大",
    "七天无理由能退吗",
    "退货运费谁出",
    "{p}穿着小，想换{sz}",
    "换货要寄回哪里",
    "退货地址发我下",
    "已经寄回了，走的{k}",
    "退款{d}天了还没到",
    "有运费险吗",
    "发错颜色了，我要的是{c}",
    "少发了一件{p}",
    "吊牌剪了还能退吗",
    "申请退款了麻烦同意下",
    "仅退款可以吗",
    "不想要了，能拒收吗",
    "衣服{defect}，给个说法",
    "{sh}穿了{d}天就开胶了",
    "订单{order}申请换货",
    "{p}{defect}，要求换新",
];

const STOCK: &[&str] = &[
    "{c}的{sz}有货吗",
    "{p}还有{sz}吗",
    "{c}什么时候补货",
    "{fs}的还有吗",
    "是不是断码了",
    "{p}还会上新吗",
    "有现货吗",
    "{c}{sz}没了吗",
    "这款还有库存吗",
    "{s}码缺货多久能到",
    "{c}的{sh}还有{fs}吗",
];

const PRODUCT: &[&str] = &[
    "{p}是什么面料",
    "是{m}的吗",
    "{m}含量多少",
    "{c}的会透吗",
    "{c}的显黑吗",
    "{p}适合{season}穿吗",
    "{p}能机洗吗",
    "怎么洗不缩水",
    "能手洗吗，会不会掉色",
    "有内衬吗",
    "{p}厚不厚",
    "{p}有弹力吗",
    "是{m}还是混纺的",
    "实物和图片一样吗",
    "{cpair}哪个好看",
    "{p}有口袋吗",
    "羽绒服含绒量多少",
    "{sh}是真皮的吗",
    "{sh}鞋底软吗",
    "{p}会缩水吗",
    "是{season}款吗",
    "{c}是不是偏{tone}",
    "{m}的{p}会起皱吗",
];

const PROMOTION: &[&str] = &[
    "有券吗",
    "{promo}有活动吗",
    "满{full}减{coupon}怎么用不了",
    "包邮吗",
    "{city}包邮吗",
    "有赠品吗",
    "{promo}会更便宜吗",
    "{coupon}元券在哪领",
    "买{q}送什么",
    "优惠券领不了",
    "会员有折扣吗",
    "{promo}价保吗",
    "叠加优惠怎么算",
    "赠品没收到",
    "第二件半价吗",
    "{promo}的满减还有吗",
];

const PAYMENT: &[&str] = &[
    "能用花呗吗",
    "花呗分期免息吗",
    "可以信用卡付款吗",
    "付款失败怎么回事",
    "付款了，尽快发",
    "能货到付款吗",
    "已经付了{yuan}",
    "怎么付定金",
    "尾款什么时候付",
    "花呗分{nn}期可以吗",
    "付不了款，显示异常",
    "拍了没付，价格还有效吗",
    "微信能付吗",
];

const ORDER_CHANGE: &[&str] = &[
    "地址写错了，帮我改一下",
    "改下地址，改成{city}{road}",
    "电话改成{phone}",
    "收件人改成{name}",
    "帮我取消订单",
    "订单{order}不要了",
    "拍错码了，改成{sz}",
    "颜色拍错了，要{c}",
    "能合并发货吗",
    "手机号填错了，是{phone}",
    "帮我备注一下，要{c}",
    "还没发的话改成{sz}",
    "订单{order}改地址",
    "收货人{name}，电话{phone}",
];

const INVOICE: &[&str] = &[
    "能开发票吗",
    "要开专票",
    "抬头写{company}",
    "税号{tax}",
    "发票开{company}，税号{tax}",
    "电子发票发我邮箱",
    "发票什么时候开",
    "能开增值税发票吗",
    "发票抬头写个人就行",
    "订单{order}开个发票",
];

const GREETING: &[&str] = &[
    "在吗",
    "亲",
    "你好",
    "谢谢",
    "好的谢谢",
    "老板在不在",
    "有人吗",
    "麻烦了",
    "收到了，谢谢亲",
    "好的",
    "早上好",
    "辛苦了",
    "嗯嗯",
];

const OTHER: &[&str] = &[
    "转人工",
    "人工客服",
    "我要投诉",
    "你们是机器人吗",
    "已经给好评了",
    "衣服挺好看的",
    "{p}收到了，很满意",
    "上次买的{p}很好穿",
    "回复太慢了",
    "不买了",
    "我再看看",
    "先收藏了",
    "有实体店吗",
    "{city}有店吗",
    "能加微信吗",
];

/// Intent groups with their relative weights.
const INTENTS: &[(u64, &[&str])] = &[
    (20, SIZE),
    (8, PRICE),
    (15, LOGISTICS),
    (14, AFTER_SALES),
    (7, STOCK),
    (10, PRODUCT),
    (7, PROMOTION),
    (5, PAYMENT),
    (6, ORDER_CHANGE),
    (3, INVOICE),
    (3, GREETING),
    (4, OTHER),
];

// ---------------------------------------------------------------------------
// Slot values.
// ---------------------------------------------------------------------------

const PRODUCTS: &[&str] = &[
    "连衣裙",
    "T恤",
    "牛仔裤",
    "羽绒服",
    "衬衫",
    "卫衣",
    "毛衣",
    "风衣",
    "半身裙",
    "阔腿裤",
    "打底衫",
    "针织开衫",
    "西装外套",
    "棉服",
    "休闲裤",
    "运动裤",
    "短裤",
    "吊带",
    "背心",
    "睡衣",
    "大衣",
    "马甲",
    "polo衫",
    "冲锋衣",
    "旗袍",
    "背带裤",
    "工装裤",
    "防晒衣",
    "羊毛衫",
    "夹克",
    "加绒卫衣",
    "套装",
    "这款",
    "这个",
    "这件",
];
const SHOES: &[&str] = &[
    "运动鞋",
    "帆布鞋",
    "小白鞋",
    "老爹鞋",
    "马丁靴",
    "雪地靴",
    "凉鞋",
    "拖鞋",
    "板鞋",
    "乐福鞋",
    "高跟鞋",
    "跑鞋",
    "鞋子",
    "这双鞋",
];
const COLOURS: &[&str] = &[
    "黑色",
    "白色",
    "米白",
    "杏色",
    "卡其色",
    "藏青",
    "雾霾蓝",
    "浅灰",
    "深灰",
    "酒红",
    "焦糖色",
    "牛油果绿",
    "奶茶色",
    "粉色",
    "红色",
    "军绿",
    "天蓝",
    "姜黄",
    "燕麦色",
    "咖啡色",
    "紫色",
    "黑白条纹",
];
const SIZES: &[&str] = &[
    "S", "M", "L", "XL", "XXL", "M", "L", "XL", "2XL", "s", "m", "l", "xl",
];
const SIZE_PAIRS: &[&str] = &[
    "S还是M",
    "M还是L",
    "L还是XL",
    "XL还是XXL",
    "M码还是L码",
    "L码还是XL码",
    "S码还是均码",
    "160还是165",
    "165还是170",
    "170还是175",
];
const COURIERS: &[&str] = &[
    "顺丰", "中通", "圆通", "韵达", "申通", "EMS", "京东", "邮政", "极兔",
];
const CITIES: &[&str] = &[
    "北京",
    "上海",
    "广州",
    "深圳",
    "杭州",
    "成都",
    "重庆",
    "武汉",
    "西安",
    "南京",
    "长沙",
    "郑州",
    "沈阳",
    "哈尔滨",
    "乌鲁木齐",
    "拉萨",
    "昆明",
    "厦门",
    "青岛",
    "苏州",
    "天津",
    "南宁",
    "海口",
    "呼和浩特",
    "兰州",
    "合肥",
    "福州",
    "济南",
    "石家庄",
    "贵阳",
    "新疆",
    "西藏",
    "内蒙古",
    "海南",
];
const QUANTITIES: &[&str] = &[
    "两件", "2件", "三件", "3件", "两条", "几件", "4件", "一套", "5件",
];
const MATERIALS: &[&str] = &[
    "纯棉",
    "涤纶",
    "真丝",
    "棉麻",
    "亚麻",
    "羊毛",
    "羊绒",
    "雪纺",
    "莫代尔",
    "冰丝",
    "锦纶",
    "灯芯绒",
    "醋酸",
    "全棉",
];
const SEASONS: &[&str] = &[
    "春天", "夏天", "秋天", "冬天", "春秋", "初秋", "冬季", "夏季", "换季", "早春",
];
const DEFECTS: &[&str] = &[
    "起球",
    "掉色",
    "开线",
    "色差",
    "线头多",
    "有污渍",
    "破了个洞",
    "拉链坏了",
    "掉扣子",
    "有异味",
    "缩水",
    "起皱",
    "串色",
    "开线了",
];
const PROMOS: &[&str] = &[
    "618",
    "双十一",
    "双11",
    "双十二",
    "年货节",
    "38女王节",
    "开学季",
    "99大促",
    "周年庆",
    "黑五",
];
const TONES: &[&str] = &["黄", "粉", "灰", "绿", "紫", "红"];
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙",
];
const GIVEN: &[&str] = &[
    "先生", "女士", "小姐", "丽", "芳", "敏", "静", "伟", "强", "磊", "婷婷", "晓雯", "子涵",
    "浩然",
];
const ROADS: &[&str] = &[
    "人民路",
    "解放路",
    "中山路",
    "建设路",
    "长江路",
    "文化路",
    "和平街",
    "新华路",
    "学院路",
    "朝阳路",
];
const COMPANY_NAMES: &[&str] = &[
    "星禾", "远帆", "青木", "华晟", "蓝鲸", "嘉禾", "和光", "云杉", "北辰", "安澜",
];
const COMPANY_KINDS: &[&str] = &["贸易", "科技", "服饰", "文化传媒", "电子商务", "餐饮管理"];
const CN_DIGITS: &[&str] = &["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
const TAX_CHARS: &[char] = &[
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J',
    'K', 'L', 'M', 'N', 'P', 'Q', 'R', 'T', 'U', 'W', 'X', 'Y',
];

// ---------------------------------------------------------------------------
// Variation.
// ---------------------------------------------------------------------------

const PREFIXES: &[&str] = &[
    "亲，",
    "亲 ",
    "亲亲，",
    "老板，",
    "在吗，",
    "在吗？",
    "你好，",
    "您好，",
    "掌柜的，",
    "客服，",
    "店家，",
    "美女，",
    "hi，",
    "你好 ",
];
/// Suffixes that fit any clause.
const SUFFIXES: &[&str] = &[
    "~", "～～", "[微笑]", "[可爱]", "😊", "🙏", "。", "！", "[抱拳]", "...", "🤔", "[流泪]",
];
/// Suffixes for questions only.
const QUESTION_SUFFIXES: &[&str] = &["？", "?", "？？", "??", "[疑问]"];
/// Sentence particles, only after a clause not already ending in one.
const PARTICLES: &[&str] = &["哈", "呢", "呀", "啊"];
const PARTICLE_ENDINGS: &[char] = &['吗', '呢', '吧', '呀', '啊', '哈', '了', '呗', '亲', '嗯'];
const QUESTION_MARKERS: &[&str] = &[
    "吗",
    "呢",
    "什么",
    "多少",
    "几",
    "哪",
    "怎么",
    "能",
    "可以",
    "会不会",
    "是不是",
    "还是",
    "多大",
];
const JOINERS: &[&str] = &["，", "，", "，", " ", "。", "！"];

/// Simplified → traditional for common characters (a small, lossy map).
const TRADITIONAL: &[(char, char)] = &[
    ('这', '這'),
    ('么', '麼'),
    ('吗', '嗎'),
    ('发', '發'),
    ('货', '貨'),
    ('码', '碼'),
    ('号', '號'),
    ('们', '們'),
    ('个', '個'),
    ('时', '時'),
    ('间', '間'),
    ('说', '說'),
    ('买', '買'),
    ('卖', '賣'),
    ('钱', '錢'),
    ('运', '運'),
    ('费', '費'),
    ('换', '換'),
    ('价', '價'),
    ('优', '優'),
    ('点', '點'),
    ('单', '單'),
    ('还', '還'),
    ('没', '沒'),
    ('质', '質'),
    ('问', '問'),
    ('题', '題'),
    ('颜', '顏'),
    ('给', '給'),
    ('长', '長'),
    ('会', '會'),
    ('东', '東'),
    ('车', '車'),
    ('线', '線'),
    ('红', '紅'),
    ('绿', '綠'),
    ('蓝', '藍'),
    ('黄', '黃'),
    ('种', '種'),
    ('衬', '襯'),
    ('裤', '褲'),
    ('围', '圍'),
    ('宽', '寬'),
    ('订', '訂'),
    ('递', '遞'),
    ('邮', '郵'),
    ('丰', '豐'),
    ('韵', '韻'),
    ('圆', '圓'),
    ('达', '達'),
    ('图', '圖'),
    ('实', '實'),
    ('样', '樣'),
    ('后', '後'),
    ('双', '雙'),
    ('过', '過'),
    ('现', '現'),
    ('开', '開'),
    ('无', '無'),
    ('应', '應'),
    ('该', '該'),
    ('谢', '謝'),
    ('请', '請'),
    ('烦', '煩'),
    ('帮', '幫'),
    ('话', '話'),
    ('电', '電'),
    ('转', '轉'),
    ('专', '專'),
    ('税', '稅'),
    ('级', '級'),
    ('从', '從'),
    ('远', '遠'),
    ('试', '試'),
    ('体', '體'),
    ('显', '顯'),
    ('够', '夠'),
    ('紧', '緊'),
    ('对', '對'),
    ('错', '錯'),
    ('两', '兩'),
    ('宝', '寶'),
    ('贝', '貝'),
    ('亲', '親'),
    ('链', '鏈'),
    ('缩', '縮'),
    ('机', '機'),
    ('纯', '純'),
    ('绒', '絨'),
    ('丝', '絲'),
    ('涤', '滌'),
    ('纶', '綸'),
    ('织', '織'),
    ('针', '針'),
    ('装', '裝'),
    ('领', '領'),
    ('适', '適'),
    ('尽', '盡'),
    ('动', '動'),
    ('广', '廣'),
    ('庆', '慶'),
    ('阳', '陽'),
    ('乌', '烏'),
    ('鲁', '魯'),
    ('门', '門'),
    ('苏', '蘇'),
    ('厦', '廈'),
    ('岛', '島'),
    ('宁', '寧'),
    ('尔', '爾'),
    ('滨', '濱'),
    ('兰', '蘭'),
    ('赠', '贈'),
    ('满', '滿'),
    ('减', '減'),
    ('节', '節'),
    ('员', '員'),
    ('叠', '疊'),
    ('计', '計'),
    ('呗', '唄'),
    ('写', '寫'),
    ('库', '庫'),
    ('补', '補'),
    ('断', '斷'),
    ('几', '幾'),
    ('块', '塊'),
    ('贵', '貴'),
    ('觉', '覺'),
    ('复', '復'),
    ('刚', '剛'),
    ('带', '帶'),
    ('头', '頭'),
    ('标', '標'),
    ('准', '準'),
    ('连', '連'),
    ('卫', '衛'),
    ('风', '風'),
    ('条', '條'),
    ('弹', '彈'),
    ('内', '內'),
    ('软', '軟'),
    ('险', '險'),
    ('处', '處'),
    ('饰', '飾'),
    ('贸', '貿'),
    ('传', '傳'),
    ('务', '務'),
    ('饮', '飲'),
    ('将', '將'),
    ('驿', '驛'),
    ('签', '簽'),
    ('额', '額'),
    ('灯', '燈'),
    ('罗', '羅'),
    ('户', '戶'),
    ('账', '賬'),
    ('异', '異'),
    ('败', '敗'),
    ('诉', '訴'),
    ('评', '評'),
    ('视', '視'),
    ('见', '見'),
    ('认', '認'),
    ('识', '識'),
    ('脚', '腳'),
    ('荐', '薦'),
    ('别', '別'),
    ('顾', '顧'),
    ('惯', '慣'),
];

// ---------------------------------------------------------------------------
// Generator.
// ---------------------------------------------------------------------------

/// SplitMix64 plus the slot-filling and variation logic.
struct Generator {
    state: u64,
}

impl Generator {
    fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform-enough value in `0..bound` (`bound` > 0).
    fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound.max(1)
    }

    /// Value in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn index(&mut self, len: usize) -> usize {
        usize::try_from(self.below(len as u64)).unwrap_or(0)
    }

    fn pick<T: Copy + Default>(&mut self, items: &[T]) -> T {
        let i = self.index(items.len());
        items.get(i).copied().unwrap_or_default()
    }

    fn intent(&mut self) -> usize {
        let total: u64 = INTENTS.iter().map(|(w, _)| w).sum();
        let mut roll = self.below(total);
        for (i, (weight, _)) in INTENTS.iter().enumerate() {
            if roll < *weight {
                return i;
            }
            roll -= weight;
        }
        0
    }

    fn intent_other_than(&mut self, used: &[usize]) -> usize {
        for _ in 0..16 {
            let i = self.intent();
            if !used.contains(&i) {
                return i;
            }
        }
        (0..INTENTS.len()).find(|i| !used.contains(i)).unwrap_or(0)
    }

    /// One filled-in template of the given intent, without prefix or suffix.
    fn clause(&mut self, intent: usize) -> String {
        let templates = INTENTS.get(intent).map_or(SIZE, |(_, t)| *t);
        let template = self.pick(templates);
        let mut out = String::with_capacity(template.len() + 16);
        let mut key = String::new();
        let mut in_key = false;
        for ch in template.chars() {
            match (in_key, ch) {
                (false, '{') => {
                    in_key = true;
                    key.clear();
                }
                (true, '}') => {
                    in_key = false;
                    self.slot(&key, &mut out);
                }
                (true, c) => key.push(c),
                (false, c) => out.push(c),
            }
        }
        out
    }

    fn slot(&mut self, key: &str, out: &mut String) {
        match key {
            "p" => out.push_str(self.pick(PRODUCTS)),
            "sh" => out.push_str(self.pick(SHOES)),
            "c" => out.push_str(self.pick(COLOURS)),
            "cpair" => {
                let a = self.pick(COLOURS);
                let mut b = self.pick(COLOURS);
                if a == b {
                    b = "白色";
                }
                if a == b {
                    b = "黑色";
                }
                out.push_str(a);
                out.push_str(if self.chance(50) { "和" } else { "跟" });
                out.push_str(b);
            }
            "s" => out.push_str(self.pick(SIZES)),
            "sz" => {
                if self.chance(12) {
                    out.push_str("均码");
                } else {
                    out.push_str(self.pick(SIZES));
                    if self.chance(40) {
                        out.push('码');
                    }
                }
            }
            "spair" => out.push_str(self.pick(SIZE_PAIRS)),
            "h" => self.height(out),
            "hw" => {
                let mut height = String::new();
                self.height(&mut height);
                // "1米71" + "115斤" would read as one number: separate them.
                let separator = if height.ends_with(|c: char| c.is_ascii_digit()) {
                    self.pick(&[" ", " ", "，", "/", "、"])
                } else {
                    self.pick(&["", "", " ", "，", "/"])
                };
                out.push_str(&height);
                out.push_str(separator);
                self.weight(out);
            }
            "w" => self.weight(out),
            "fs" => {
                let size = self.range(35, 46);
                let form = match self.below(10) {
                    0..=5 => format!("{size}码"),
                    6 | 7 => format!("{size}"),
                    8 => format!("{size}号"),
                    _ if size < 46 => format!("{size}.5"),
                    _ => format!("{size}码"),
                };
                out.push_str(&form);
            }
            "waist" => {
                let form = if self.chance(40) {
                    let inches = self.range(0, 6);
                    if inches == 0 {
                        "2尺".to_owned()
                    } else {
                        format!("2尺{inches}")
                    }
                } else {
                    let cm = self.range(60, 90);
                    if self.chance(50) {
                        format!("{cm}cm")
                    } else {
                        format!("{cm}")
                    }
                };
                out.push_str(&form);
            }
            "shoulder" => {
                let cm = self.range(36, 48);
                out.push_str(&format!("{cm}cm"));
            }
            "k" => out.push_str(self.pick(COURIERS)),
            "city" => out.push_str(self.pick(CITIES)),
            "q" => out.push_str(self.pick(QUANTITIES)),
            "yuan" => {
                let yuan = self.range(1, 60) * 10 + if self.chance(70) { 9 } else { 0 };
                let form = match self.below(4) {
                    0 => format!("{yuan}元"),
                    1 => format!("{yuan}块"),
                    _ => format!("{yuan}"),
                };
                out.push_str(&form);
            }
            "diff" => {
                let diff = self.range(3, 50);
                out.push_str(&diff.to_string());
            }
            "d" => {
                let days = self.range(2, 10);
                if days <= 9 && self.chance(50) {
                    out.push_str(CN_DIGITS.get(days as usize).copied().unwrap_or("三"));
                } else {
                    out.push_str(&days.to_string());
                }
            }
            "t" => {
                let hour = self.range(3, 6);
                out.push_str(&hour.to_string());
            }
            "nn" => out.push_str(self.pick(&["3", "6", "12", "三", "六", "十二"])),
            "order" => {
                let len = self.range(16, 18);
                self.digits(out, len);
            }
            "phone" => self.phone(out),
            "m" => out.push_str(self.pick(MATERIALS)),
            "season" => out.push_str(self.pick(SEASONS)),
            "defect" => out.push_str(self.pick(DEFECTS)),
            "promo" => out.push_str(self.pick(PROMOS)),
            "coupon" => {
                let coupon = self.pick(&[5_u64, 10, 15, 20, 30, 40, 50, 100]);
                out.push_str(&coupon.to_string());
            }
            "full" => {
                let full = self.pick(&[99_u64, 149, 199, 299, 300, 399, 499, 599]);
                out.push_str(&full.to_string());
            }
            "tone" => out.push_str(self.pick(TONES)),
            "name" => {
                out.push_str(self.pick(SURNAMES));
                out.push_str(self.pick(GIVEN));
            }
            "road" => {
                out.push_str(self.pick(ROADS));
                let number = self.range(1, 399);
                out.push_str(&format!("{number}号"));
            }
            "company" => {
                if self.chance(30) {
                    out.push_str(self.pick(CITIES));
                }
                out.push_str(self.pick(COMPANY_NAMES));
                out.push_str(self.pick(COMPANY_KINDS));
                out.push_str("有限公司");
            }
            "tax" => {
                out.push_str("91");
                for _ in 0..16 {
                    out.push(self.pick(TAX_CHARS));
                }
            }
            other => out.push_str(other),
        }
    }

    fn height(&mut self, out: &mut String) {
        let cm = self.range(150, 190);
        let tail = cm % 100;
        let (tens, ones) = (tail / 10, tail % 10);
        let cn = |d: u64| CN_DIGITS.get(d as usize).copied().unwrap_or("");
        let form = match self.below(11) {
            0 | 1 => format!("{cm}cm"),
            2 => format!("{cm}CM"),
            3 => format!("{cm}公分"),
            4 | 5 if ones == 0 => format!("1米{tens}"),
            4 | 5 => format!("1米{tail}"),
            6 | 7 if ones == 0 => format!("一米{}", cn(tens)),
            6 | 7 => format!("一米{}{}", cn(tens), cn(ones)),
            8 if ones == 0 => format!("1.{tens}米"),
            8 => format!("1.{tail}米"),
            9 => format!("{cm}"),
            _ => format!("{cm}厘米"),
        };
        out.push_str(&form);
    }

    fn weight(&mut self, out: &mut String) {
        let form = match self.below(9) {
            0..=2 => format!("{}斤", self.range(90, 180)),
            3 => {
                let tens = self.range(9, 18);
                let cn = |d: u64| CN_DIGITS.get(d as usize).copied().unwrap_or("");
                match tens {
                    9 => "九十斤".to_owned(),
                    10 => "一百斤".to_owned(),
                    t if self.chance(50) => format!("一百{}十斤", cn(t - 10)),
                    t => format!("一百{}", cn(t - 10)),
                }
            }
            4 | 5 => format!("{}kg", self.range(45, 90)),
            6 => format!("{}KG", self.range(45, 90)),
            7 => format!("{}公斤", self.range(45, 90)),
            _ => format!("{}斤左右", self.range(90, 180)),
        };
        out.push_str(&form);
    }

    fn digits(&mut self, out: &mut String, len: u64) {
        out.push(digit(self.range(1, 9)));
        for _ in 1..len {
            out.push(digit(self.below(10)));
        }
    }

    fn phone(&mut self, out: &mut String) {
        let mut number = String::with_capacity(11);
        number.push('1');
        number.push(self.pick(&['3', '5', '7', '8', '9']));
        for _ in 0..9 {
            number.push(digit(self.below(10)));
        }
        let separator = match self.below(10) {
            0 => Some(' '),
            1 => Some('-'),
            _ => None,
        };
        for (i, ch) in number.chars().enumerate() {
            if i == 3 || i == 7 {
                out.extend(separator);
            }
            out.push(ch);
        }
    }

    fn ending(&mut self, clause: &mut String) {
        let is_question = QUESTION_MARKERS.iter().any(|m| clause.contains(m));
        let last = clause.chars().last().unwrap_or(' ');
        match self.below(100) {
            0..=29 if is_question => clause.push_str(self.pick(QUESTION_SUFFIXES)),
            30..=39 if !PARTICLE_ENDINGS.contains(&last) => clause.push_str(self.pick(PARTICLES)),
            40..=59 => clause.push_str(self.pick(SUFFIXES)),
            _ => {}
        }
    }

    /// One candidate message (not yet checked for uniqueness).
    fn message(&mut self) -> String {
        loop {
            let candidate = self.attempt();
            let chars = candidate.chars().count();
            if (MIN_CHARS..=MAX_CHARS).contains(&chars) {
                return candidate;
            }
        }
    }

    fn attempt(&mut self) -> String {
        let first = self.intent();
        let mut used = vec![first];
        let mut text = String::new();
        // By value: two uses of a `const` need not share an address, and whether they do
        // differs between debug and release builds.
        let greeting = INTENTS.get(first).is_some_and(|(_, t)| *t == GREETING);
        if !greeting && self.chance(28) {
            text.push_str(self.pick(PREFIXES));
        }
        text.push_str(&self.clause(first));

        let extra = if self.chance(2) {
            self.range(2, 4)
        } else if self.chance(20) {
            1
        } else {
            0
        };
        for _ in 0..extra {
            let next = self.intent_other_than(&used);
            used.push(next);
            let clause = self.clause(next);
            if text.chars().count() + clause.chars().count() + 1 > MAX_CHARS - 2 {
                break;
            }
            text.push_str(self.pick(JOINERS));
            text.push_str(&clause);
        }
        self.ending(&mut text);

        if self.chance(8) {
            text = to_traditional(&text);
        }
        // About half the messages contain ASCII digits or letters at all, so
        // converting 16% of those gives roughly 8% of all messages.
        if text.chars().any(|c| c.is_ascii_alphanumeric()) && self.chance(16) {
            text = to_full_width(&text);
        }
        text
    }

    /// A numbered variation, used only once plain combinations run dry.
    fn numbered(&mut self, variation: usize) -> String {
        loop {
            let base = self.message();
            if base.chars().count() <= MAX_CHARS - 16 {
                return format!("{base}（尾号{variation:04}那单）");
            }
        }
    }
}

fn digit(d: u64) -> char {
    char::from_digit(u32::try_from(d % 10).unwrap_or(0), 10).unwrap_or('0')
}

fn to_traditional(text: &str) -> String {
    text.chars()
        .map(|c| {
            TRADITIONAL
                .iter()
                .find(|(s, _)| *s == c)
                .map_or(c, |(_, t)| *t)
        })
        .collect()
}

fn to_full_width(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                char::from_u32(u32::from(c) + 0xFEE0).unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}
