"""Word lists from which the demo generator builds plausible Shanghai manufacturers.

Names are invented: brand syllables are combined at random, so a generated name only resembles a
real company by chance. Place names (districts, towns) and the public bodies, universities and
research institutes are real, because officials expect to see them.
"""

from __future__ import annotations

# Relative number of manufacturers per district: the suburban industrial districts hold most of
# Shanghai's manufacturing; the central districts very little.
DISTRICT_WEIGHTS: dict[str, float] = {
    "310101": 0.5,  # 黄浦区
    "310104": 2,  # 徐汇区
    "310105": 1.5,  # 长宁区
    "310106": 2,  # 静安区
    "310107": 2,  # 普陀区
    "310109": 1,  # 虹口区
    "310110": 2,  # 杨浦区
    "310112": 11,  # 闵行区
    "310113": 8,  # 宝山区
    "310114": 12,  # 嘉定区
    "310115": 22,  # 浦东新区
    "310116": 6,  # 金山区
    "310117": 11,  # 松江区
    "310118": 8,  # 青浦区
    "310120": 8,  # 奉贤区
    "310151": 2,  # 崇明区
}

# Towns, sub-districts and industrial areas, used as the place part of some names.
DISTRICT_PLACES: dict[str, tuple[str, ...]] = {
    "310101": ("外滩", "豫园", "淮海"),
    "310104": ("漕河泾", "徐家汇", "华泾", "龙华"),
    "310105": ("虹桥", "新泾", "仙霞"),
    "310106": ("彭浦", "大宁", "市北"),
    "310107": ("真如", "桃浦", "长征"),
    "310109": ("江湾", "曲阳", "北外滩"),
    "310110": ("五角场", "江浦", "新江湾"),
    "310112": ("莘庄", "七宝", "马桥", "吴泾", "紫竹", "颛桥", "浦江"),
    "310113": ("罗店", "顾村", "月浦", "杨行", "大场", "罗泾"),
    "310114": ("安亭", "南翔", "江桥", "马陆", "外冈", "徐行", "华亭"),
    "310115": ("张江", "金桥", "外高桥", "川沙", "周浦", "康桥", "临港", "祝桥", "惠南", "航头"),
    "310116": ("枫泾", "朱泾", "亭林", "山阳", "漕泾", "张堰"),
    "310117": ("泗泾", "九亭", "洞泾", "新桥", "车墩", "叶榭", "佘山"),
    "310118": ("朱家角", "赵巷", "徐泾", "华新", "白鹤", "练塘", "重固"),
    "310120": ("南桥", "庄行", "柘林", "金汇", "青村", "奉城", "四团"),
    "310151": ("城桥", "堡镇", "陈家镇", "新河", "长兴", "横沙"),
}

# Characters for invented two-character brands (字号).
BRAND_CHARACTERS = (
    "华鑫恒达瑞泰宏盛昌隆兴远通嘉联中新申沪浦东海阳光明金宝凯德丰信诚汇创博锦天正佳安永力精誉"
    "航驰峰晨志鼎益顺协合和立元宇睿腾振星辉奥帆昊科晟铭卓越"
)

# Faker's zh_CN company prefixes mix brands with places and trades from other cities; the generator
# keeps the short, all-Chinese ones that contain none of these.
FAKER_PREFIX_EXCLUDE = (
    "电子",
    "计算机",
    "公司",
    "软件",
    "信息",
    "科技",
    "数字",
    "国际",
    "济南",
    "黄石",
    "襄樊",
    "开发区",
    "浙大",
    "中建",
    "联通",
    "方正",
    "立信",
    "四通",
    "太极",
    "七喜",
)

# Manufacturing divisions (GB/T 4754-2017 大类) with their share of demo enterprises: weighted toward
# the divisions Shanghai's technical-transformation programme sees most (34, 35, 36, 38, 39, 26, 27).
INDUSTRY_WEIGHTS: dict[str, float] = {
    "13": 1,
    "14": 2,
    "15": 1,
    "16": 0.1,
    "17": 1,
    "18": 1.5,
    "19": 0.5,
    "20": 0.5,
    "21": 1,
    "22": 1.5,
    "23": 1.5,
    "24": 1,
    "25": 0.3,
    "26": 8,
    "27": 7,
    "28": 0.5,
    "29": 3,
    "30": 2,
    "31": 1,
    "32": 1.5,
    "33": 4,
    "34": 14,
    "35": 13,
    "36": 11,
    "37": 2.5,
    "38": 10,
    "39": 12,
    "40": 3,
    "41": 0.5,
    "42": 0.5,
    "43": 1,
}

# What a company of each division calls its trade in its name.
INDUSTRY_TRADES: dict[str, tuple[str, ...]] = {
    "13": ("粮油", "农产品加工", "饲料", "肉类食品"),
    "14": ("食品", "乳业", "调味品", "烘焙食品"),
    "15": ("饮料", "酿酒", "茶业"),
    "16": ("烟草机械配套",),
    "17": ("纺织", "织造", "家纺"),
    "18": ("服饰", "制衣", "时装"),
    "19": ("皮革制品", "鞋业"),
    "20": ("木业", "竹木制品"),
    "21": ("家具", "办公家具"),
    "22": ("纸业", "包装材料", "纸制品"),
    "23": ("印务", "包装印刷", "彩印"),
    "24": ("文教用品", "体育用品", "工艺品"),
    "25": ("石化", "燃料"),
    "26": ("化工", "新材料", "精细化工", "涂料", "高分子材料", "化学品"),
    "27": ("医药", "生物医药", "制药", "生物制品", "药业"),
    "28": ("化纤", "纤维材料"),
    "29": ("塑料制品", "橡塑", "塑胶", "橡胶制品"),
    "30": ("建材", "玻璃", "陶瓷", "新型建材"),
    "31": ("特钢", "钢铁制品", "金属材料"),
    "32": ("铝业", "铜业", "有色金属"),
    "33": ("金属制品", "五金", "钢结构", "紧固件"),
    "34": ("精密机械", "机械", "机械设备", "泵业", "阀门", "轴承", "液压", "压缩机", "机床", "传动设备"),
    "35": ("智能装备", "自动化设备", "专用设备", "医疗器械", "环保设备", "工业机器人", "激光设备"),
    "36": ("汽车零部件", "汽车部件", "汽车电子", "车身系统", "汽车配件"),
    "37": ("船舶配套", "航空零部件", "轨道交通设备", "航天设备"),
    "38": ("电气", "电器", "电缆", "电机", "新能源", "光伏", "储能", "照明电器"),
    "39": ("电子", "微电子", "半导体", "通信设备", "光电", "集成电路", "电子元器件"),
    "40": ("仪器仪表", "精密仪器", "自动化仪表", "检测仪器"),
    "41": ("工业制品",),
    "42": ("再生资源", "资源再生"),
    "43": ("设备维修", "机电工程"),
}

# Legal forms with their share; the "科技" forms are not used after a trade that already reads as
# an activity (制药, 印务 …).
LEGAL_FORMS: tuple[tuple[str, float], ...] = (
    ("有限公司", 50),
    ("科技有限公司", 18),
    ("股份有限公司", 14),
    ("科技股份有限公司", 6),
    ("制造有限公司", 8),
    ("有限责任公司", 4),
)
NO_TECH_SUFFIX_AFTER = ("科技", "制药", "印务", "印刷", "彩印", "药业", "业")
NO_MAKE_SUFFIX_AFTER = ("制药", "印务", "彩印", "药业", "业", "新能源", "新材料", "食品")

# Universities and research institutes that employ review experts (real public bodies).
INSTITUTIONS: tuple[str, ...] = (
    "上海交通大学",
    "复旦大学",
    "同济大学",
    "华东理工大学",
    "上海大学",
    "东华大学",
    "上海理工大学",
    "上海工程技术大学",
    "中国科学院上海微系统与信息技术研究所",
    "中国科学院上海硅酸盐研究所",
    "上海工业自动化仪表研究院",
    "上海电器科学研究所",
)

# Third-party evaluation and audit firms (invented names).
EVALUATORS: tuple[str, ...] = (
    "上海申信会计师事务所有限公司",
    "上海浦诚会计师事务所有限公司",
    "上海沪正会计师事务所有限公司",
    "上海科联工程咨询评估有限公司",
)

MUNICIPAL_COMMISSION = "上海市经济和信息化委员会"
FINANCE_BUREAU = "上海市财政局"
NDRC = "上海市发展和改革委员会"

# District bureaus keep their real name where it is known; the others are "<区名>经济委员会".
DISTRICT_BUREAU_NAMES: dict[str, str] = {
    "310115": "浦东新区科技和经济委员会",
}
