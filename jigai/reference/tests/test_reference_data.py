"""What the data migrations load: districts (GB/T 2260) and industries (GB/T 4754-2017), rules.md §4.

The expected tables are written out here again on purpose, not imported from jigai.reference.data,
so a wrong entry there cannot make its own test pass."""

from __future__ import annotations

import pytest

from jigai.reference.models import District, Industry

pytestmark = pytest.mark.django_db

DISTRICTS = {
    "310101": "黄浦区", "310104": "徐汇区", "310105": "长宁区", "310106": "静安区",
    "310107": "普陀区", "310109": "虹口区", "310110": "杨浦区", "310112": "闵行区",
    "310113": "宝山区", "310114": "嘉定区", "310115": "浦东新区", "310116": "金山区",
    "310117": "松江区", "310118": "青浦区", "310120": "奉贤区", "310151": "崇明区",
}  # fmt: skip

SECTIONS = {
    "A": "农、林、牧、渔业", "B": "采矿业", "C": "制造业", "D": "电力、热力、燃气及水生产和供应业",
    "E": "建筑业", "F": "批发和零售业", "G": "交通运输、仓储和邮政业", "H": "住宿和餐饮业",
    "I": "信息传输、软件和信息技术服务业", "J": "金融业", "K": "房地产业", "L": "租赁和商务服务业",
    "M": "科学研究和技术服务业", "N": "水利、环境和公共设施管理业", "O": "居民服务、修理和其他服务业",
    "P": "教育", "Q": "卫生和社会工作", "R": "文化、体育和娱乐业", "S": "公共管理、社会保障和社会组织",
    "T": "国际组织",
}  # fmt: skip

MANUFACTURING = {
    "13": "农副食品加工业", "14": "食品制造业", "15": "酒、饮料和精制茶制造业", "16": "烟草制品业",
    "17": "纺织业", "18": "纺织服装、服饰业", "19": "皮革、毛皮、羽毛及其制品和制鞋业",
    "20": "木材加工和木、竹、藤、棕、草制品业", "21": "家具制造业", "22": "造纸和纸制品业",
    "23": "印刷和记录媒介复制业", "24": "文教、工美、体育和娱乐用品制造业",
    "25": "石油、煤炭及其他燃料加工业",
    "26": "化学原料和化学制品制造业", "27": "医药制造业", "28": "化学纤维制造业", "29": "橡胶和塑料制品业",
    "30": "非金属矿物制品业", "31": "黑色金属冶炼和压延加工业", "32": "有色金属冶炼和压延加工业",
    "33": "金属制品业", "34": "通用设备制造业", "35": "专用设备制造业", "36": "汽车制造业",
    "37": "铁路、船舶、航空航天和其他运输设备制造业", "38": "电气机械和器材制造业",
    "39": "计算机、通信和其他电子设备制造业", "40": "仪器仪表制造业", "41": "其他制造业",
    "42": "废弃资源综合利用业", "43": "金属制品、机械和设备修理业",
}  # fmt: skip


def test_exactly_the_16_districts_with_their_codes_and_names():
    assert dict(District.objects.values_list("code", "name")) == DISTRICTS


def test_districts_are_in_code_order():
    assert list(District.objects.values_list("code", flat=True)) == sorted(DISTRICTS)


def test_exactly_the_20_sections():
    sections = Industry.objects.filter(level="section")
    assert dict(sections.values_list("code", "name")) == SECTIONS
    assert not sections.exclude(parent=None).exists()


def test_the_31_manufacturing_divisions_under_c():
    divisions = Industry.objects.filter(level="division", parent_id="C")
    assert dict(divisions.values_list("code", "name")) == MANUFACTURING
    assert Industry.objects.get(code="C").children.count() == 31


def test_only_b_c_d_and_their_divisions_are_industrial():
    industrial_sections = set(
        Industry.objects.filter(level="section", is_industrial=True).values_list("code", flat=True)
    )
    assert industrial_sections == {"B", "C", "D"}
    industrial = Industry.objects.filter(level="division", is_industrial=True)
    assert sorted(industrial.values_list("code", flat=True)) == [f"{n:02d}" for n in range(6, 47)]


def test_mining_and_utility_divisions_under_b_and_d():
    assert dict(Industry.objects.filter(parent_id="B").values_list("code", "name")) == {
        "06": "煤炭开采和洗选业",
        "07": "石油和天然气开采业",
        "08": "黑色金属矿采选业",
        "09": "有色金属矿采选业",
        "10": "非金属矿采选业",
        "11": "开采专业及辅助性活动",
        "12": "其他采矿业",
    }
    assert dict(Industry.objects.filter(parent_id="D").values_list("code", "name")) == {
        "44": "电力、热力生产和供应业",
        "45": "燃气生产和供应业",
        "46": "水的生产和供应业",
    }


# Divisions per section in GB/T 4754-2017: 97 in all, numbered 01–97 without gaps.
DIVISIONS_PER_SECTION = {
    "A": 5, "B": 7, "C": 31, "D": 3, "E": 4, "F": 2, "G": 8, "H": 2, "I": 3, "J": 4,
    "K": 1, "L": 2, "M": 3, "N": 4, "O": 3, "P": 1, "Q": 2, "R": 5, "S": 6, "T": 1,
}  # fmt: skip


def test_the_whole_classification_97_divisions_under_their_sections():
    divisions = Industry.objects.filter(level="division")
    assert sorted(divisions.values_list("code", flat=True)) == [f"{n:02d}" for n in range(1, 98)]
    for section, count in DIVISIONS_PER_SECTION.items():
        assert divisions.filter(parent_id=section).count() == count, section
    codes = list(divisions.order_by("code").values_list("parent_id", flat=True))
    assert codes == sorted(codes)  # a section's divisions are consecutive


def test_producer_services_divisions_are_there():
    names = dict(Industry.objects.filter(parent_id="I").values_list("code", "name"))
    assert names == {
        "63": "电信、广播电视和卫星传输服务",
        "64": "互联网和相关服务",
        "65": "软件和信息技术服务业",
    }
    names = dict(Industry.objects.filter(parent_id="M").values_list("code", "name"))
    assert names == {"73": "研究和试验发展", "74": "专业技术服务业", "75": "科技推广和应用服务业"}


def test_sections_and_divisions_have_english_names():
    assert not Industry.objects.filter(level__in=["section", "division"], name_en="").exists()
    assert Industry.objects.get(code="C").name_en == "Manufacturing"
    assert Industry.objects.get(code="65").name_en == "Software and Information Technology Services"


def test_districts_have_their_standard_english_names():
    names = dict(District.objects.values_list("code", "name_en"))
    assert names["310115"] == "Pudong New Area"
    assert names["310114"] == "Jiading District"
    assert all(n == "Pudong New Area" or n.endswith(" District") for n in names.values())


def test_display_names_follow_the_language():
    from django.utils import translation

    jiading, general = District.objects.get(code="310114"), Industry.objects.get(code="34")
    assert (str(jiading), str(general)) == ("嘉定区", "34 通用设备制造业")
    with translation.override("en"):
        assert (str(jiading), str(general)) == (
            "Jiading District",
            "34 Manufacture of General-purpose Machinery",
        )
