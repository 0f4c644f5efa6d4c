"""200 problems as a city's on-site office (现场办公会) records them, across the 9 counties and
zones of the demo, for measuring batch resolution (supervision/method/similar.py).

Each row: (raising unit's code, category as the office writes it, topic, description). The
*topic* is the labelling, made by reading each description for what it means (what one
decision could solve): the algorithm never sees it. Two problems are *truly similar* when
they have the same topic; ``QUERIES`` are the 24 labelled query problems of the measurement
(21 of the 23 topics; tests/supervision/test_similar.py; the figures are in
docs/supervision.md, "On-site office").

Written as offices write: varied wording for one matter (园区内道路未打通 / 断头路 / 道路断头),
boilerplate (企业反映, 问题, 情况), place and unit names, full-width punctuation, and near
misses inside one category (停车难 vs 公交 in 城市管理; 审批慢 vs 消防验收 vs 环评 in 政务服务;
用工难 vs 融资难 vs 用地 in 要素保障).
"""

from __future__ import annotations

#: category → topics (for reading; the test checks every row's topic is listed)
CATEGORIES = {
    "基础设施": ("road", "water", "power", "gas", "drain", "signal", "repair"),
    "要素保障": ("labour", "finance", "land", "logistics"),
    "政务服务": ("approval", "certificate", "fire", "eia", "tax"),
    "营商环境": ("inspection", "arrears", "fees"),
    "城市管理": ("parking", "bus"),
    "民生保障": ("school", "housing"),
}

PROBLEMS: list[tuple[str, str, str, str]] = [
    # --- 基础设施: 断头路 (road) ---
    ("gongyeyuan", "基础设施", "road", "园区内道路未打通，企业货车绕行"),
    ("hualong", "基础设施", "road", "华龙区昆吾路断头路影响企业通行"),
    ("kaifaqu", "基础设施", "road", "开发区纬三路东段断头，企业原料运输需绕行5公里"),
    ("qingfeng", "基础设施", "road", "清丰县产业集聚区北环路未贯通，断头路问题突出"),
    ("puyang", "基础设施", "road", "企业反映厂区门前道路断头，大型车辆无法进出"),
    ("nanle", "基础设施", "road", "南乐县食品产业园规划道路未打通，制约企业落地"),
    ("fanxian", "基础设施", "road", "范县新区两条断头路长期未打通，群众出行不便"),
    ("shifanqu", "基础设施", "road", "示范区疏港路与国道连接段未贯通，货车通行受阻"),
    ("taiqian", "基础设施", "road", "台前县产业园区道路断头，项目建设材料运不进来"),
    ("hualong", "基础设施", "road", "中原路至京开大道连接线断头，周边企业通行困难"),
    # --- 基础设施: 供水不稳 (water) ---
    ("kaifaqu", "基础设施", "water", "园区供水压力不足，企业生产用水时断时续"),
    ("gongyeyuan", "基础设施", "water", "工业园区供水不稳定，高峰时段企业停产"),
    ("qingfeng", "基础设施", "water", "企业反映自来水水压低，三楼以上用不上水"),
    ("nanle", "基础设施", "water", "南乐县城区东部供水管网老化，经常停水"),
    ("puyang", "基础设施", "water", "濮阳县产业集聚区工业用水供应不足，影响新项目投产"),
    ("fanxian", "基础设施", "water", "范县部分乡镇饮水水质不稳定、时常停水"),
    ("shifanqu", "基础设施", "water", "示范区新建小区未通市政供水，临时用水压力小"),
    ("taiqian", "基础设施", "water", "台前县城区供水能力不足，夏季用水高峰频繁断水"),
    ("hualong", "基础设施", "water", "华龙区老城区供水管道跑冒滴漏，停水情况较多"),
    # --- 基础设施: 电力增容 (power) ---
    ("kaifaqu", "基础设施", "power", "企业扩产需电力增容，报装等待时间长"),
    ("gongyeyuan", "基础设施", "power", "园区变电站容量不足，新上项目无法接电"),
    ("qingfeng", "基础设施", "power", "清丰县家具产业园用电负荷高，经常拉闸限电"),
    ("nanle", "基础设施", "power", "企业反映专用变压器增容审批慢、接电周期长"),
    ("puyang", "基础设施", "power", "濮阳县部分企业线路老化，电压不稳影响生产设备"),
    ("taiqian", "基础设施", "power", "台前县羽绒产业园供电能力不足，夏季频繁停电"),
    ("shifanqu", "基础设施", "power", "示范区110千伏变电站建设滞后，项目用电无法保障"),
    ("fanxian", "基础设施", "power", "范县企业双回路供电未落实，停电损失大"),
    # --- 基础设施: 燃气管网 (gas) ---
    ("kaifaqu", "基础设施", "gas", "园区天然气管网未接入，企业只能使用液化气"),
    ("gongyeyuan", "基础设施", "gas", "企业反映燃气管道未通到厂区，锅炉无法改造"),
    ("nanle", "基础设施", "gas", "南乐县新区天然气主管网未敷设，居民做饭靠罐装气"),
    ("qingfeng", "基础设施", "gas", "清丰县工业用气价格高、供气不稳定"),
    ("fanxian", "基础设施", "gas", "范县产业园燃气管网未覆盖，企业用气难"),
    ("hualong", "基础设施", "gas", "华龙区部分老旧小区未通天然气，冬季取暖困难"),
    ("taiqian", "基础设施", "gas", "台前县燃气管网建设滞后，新建厂区无法通气"),
    # --- 基础设施: 雨污管网 / 内涝 (drain) ---
    ("hualong", "基础设施", "drain", "华龙区胜利路雨天积水严重，排水管网不畅"),
    ("kaifaqu", "基础设施", "drain", "园区污水管网未接通，企业污水无处排放"),
    ("gongyeyuan", "基础设施", "drain", "工业园区雨污未分流，汛期厂区内涝"),
    ("puyang", "基础设施", "drain", "濮阳县城区低洼路段逢雨必涝，群众反映强烈"),
    ("shifanqu", "基础设施", "drain", "示范区污水处理厂配套管网不完善，污水直排"),
    ("nanle", "基础设施", "drain", "南乐县城排水设施老化，下雨后道路积水难退"),
    ("qingfeng", "基础设施", "drain", "企业反映园区排水沟淤堵，雨季厂房进水"),
    # --- 基础设施: 网络信号 (signal) ---
    ("kaifaqu", "基础设施", "signal", "园区5G信号覆盖不全，智能工厂建设受影响"),
    ("taiqian", "基础设施", "signal", "台前县山区村手机信号差，宽带未通"),
    ("fanxian", "基础设施", "signal", "企业反映厂区网络带宽不足、光纤未入园"),
    ("gongyeyuan", "基础设施", "signal", "工业园区通信基站少，车间内手机没有信号"),
    ("nanle", "基础设施", "signal", "南乐县部分乡镇4G信号弱，直播电商发展受限"),
    ("shifanqu", "基础设施", "signal", "示范区新建厂房光纤宽带接入难、费用高"),
    # --- 基础设施: 道路破损 (repair): near misses of 断头路 ---
    ("puyang", "基础设施", "repair", "园区主干道路面破损严重，重车通行颠簸"),
    ("qingfeng", "基础设施", "repair", "清丰县工业大道坑洼不平，多次反映未修复"),
    ("hualong", "基础设施", "repair", "华龙区建设路路面塌陷，影响企业车辆通行"),
    ("fanxian", "基础设施", "repair", "范县产业园道路年久失修，雨后泥泞难行"),
    # --- 要素保障: 用工难 (labour) ---
    ("qingfeng", "要素保障", "labour", "企业招工难，熟练技术工人短缺"),
    ("gongyeyuan", "要素保障", "labour", "园区企业普遍反映用工难，一线员工流失率高"),
    ("nanle", "要素保障", "labour", "南乐县食品企业季节性用工缺口大，招不到人"),
    ("kaifaqu", "要素保障", "labour", "化工企业专业技术人才引进难、留住难"),
    ("taiqian", "要素保障", "labour", "台前县羽绒企业缝纫工短缺，订单不敢接"),
    ("puyang", "要素保障", "labour", "企业反映缺少电工、焊工等技能型工人"),
    ("fanxian", "要素保障", "labour", "范县企业用工需求与本地劳动力技能不匹配"),
    ("hualong", "要素保障", "labour", "华龙区服务业企业招聘难，年轻人不愿来"),
    ("shifanqu", "要素保障", "labour", "示范区新投产企业急需500名操作工，招工困难"),
    ("qingfeng", "要素保障", "labour", "家具企业油漆工、木工严重短缺，用工成本上涨"),
    # --- 要素保障: 融资难 (finance) ---
    ("kaifaqu", "要素保障", "finance", "中小企业融资难、融资贵，银行抽贷压贷"),
    ("gongyeyuan", "要素保障", "finance", "企业反映贷款抵押物不足，银行不予放贷"),
    ("nanle", "要素保障", "finance", "南乐县农产品加工企业流动资金紧张，贷款难"),
    ("puyang", "要素保障", "finance", "濮阳县小微企业担保难，续贷需过桥资金"),
    ("taiqian", "要素保障", "finance", "台前县企业融资渠道单一，贷款利率偏高"),
    ("qingfeng", "要素保障", "finance", "企业技改资金缺口大，银行授信额度不足"),
    ("hualong", "要素保障", "finance", "华龙区科技型企业知识产权质押融资落地难"),
    ("fanxian", "要素保障", "finance", "范县企业应急转贷资金规模小，到期还款压力大"),
    ("shifanqu", "要素保障", "finance", "示范区新落地项目建设资金不到位，融资困难"),
    # --- 要素保障: 用地 (land) ---
    ("kaifaqu", "要素保障", "land", "项目用地指标不足，企业扩建无地可用"),
    ("gongyeyuan", "要素保障", "land", "园区土地征收进度慢，项目迟迟不能供地"),
    ("qingfeng", "要素保障", "land", "清丰县新签约项目土地未摘牌，无法开工"),
    ("nanle", "要素保障", "land", "南乐县工业用地报批周期长，企业等地"),
    ("puyang", "要素保障", "land", "企业反映厂房用地手续不全，无法办理抵押"),
    ("taiqian", "要素保障", "land", "台前县标准化厂房不足，招商项目落地缺用地"),
    ("shifanqu", "要素保障", "land", "示范区批而未供土地多，闲置低效用地盘活难"),
    ("fanxian", "要素保障", "land", "范县重点项目建设用地指标未下达"),
    # --- 要素保障: 物流成本高 (logistics) ---
    ("gongyeyuan", "要素保障", "logistics", "企业物流成本高，产品外运运费占比大"),
    ("kaifaqu", "要素保障", "logistics", "园区缺少物流集散中心，货物转运成本高"),
    ("nanle", "要素保障", "logistics", "南乐县冷链物流设施不足，生鲜运输损耗大"),
    ("taiqian", "要素保障", "logistics", "台前县离高速口远，企业运输费用高"),
    ("qingfeng", "要素保障", "logistics", "家具企业反映物流配送费用高、时效慢"),
    ("puyang", "要素保障", "logistics", "濮阳县没有铁路专用线，大宗货物运输成本高"),
    ("fanxian", "要素保障", "logistics", "范县快递进村难，农产品上行物流成本高"),
    ("hualong", "要素保障", "logistics", "华龙区电商企业快递发货价格比周边城市高"),
    ("shifanqu", "要素保障", "logistics", "示范区企业原材料运输依赖公路，物流费用居高不下"),
    # --- 政务服务: 审批慢 (approval) ---
    ("kaifaqu", "政务服务", "approval", "项目审批环节多、时间长，企业跑多次"),
    ("gongyeyuan", "政务服务", "approval", "施工许可审批慢，项目开工延误"),
    ("qingfeng", "政务服务", "approval", "企业反映项目立项到开工审批流程繁琐"),
    ("nanle", "政务服务", "approval", "南乐县工程建设项目审批时限超承诺时间"),
    ("puyang", "政务服务", "approval", "濮阳县规划许可、施工许可办理周期长"),
    ("hualong", "政务服务", "approval", "华龙区部分审批事项要求重复提交材料"),
    ("taiqian", "政务服务", "approval", "台前县并联审批落实不到位，部门之间互为前置"),
    ("shifanqu", "政务服务", "approval", "示范区投资项目审批权限下放不到位，仍需到市里办"),
    ("fanxian", "政务服务", "approval", "范县企业技改项目备案审批慢"),
    ("kaifaqu", "政务服务", "approval", "工程规划许可证审批时间过长，影响项目进度"),
    # --- 政务服务: 证照办理 (certificate) ---
    ("hualong", "政务服务", "certificate", "企业厂房不动产权证办理难，历史遗留问题多"),
    ("qingfeng", "政务服务", "certificate", "清丰县部分企业土地证、房产证至今未办下来"),
    ("gongyeyuan", "政务服务", "certificate", "园区企业反映不动产登记办证慢"),
    ("nanle", "政务服务", "certificate", "南乐县安置小区群众反映房产证迟迟办不了"),
    ("puyang", "政务服务", "certificate", "企业食品生产许可证办理时间长"),
    ("taiqian", "政务服务", "certificate", "台前县个体工商户营业执照变更需跑多个窗口"),
    ("kaifaqu", "政务服务", "certificate", "危险化学品经营许可证办理材料多、周期长"),
    ("fanxian", "政务服务", "certificate", "范县商品房小区业主办证难问题"),
    ("shifanqu", "政务服务", "certificate", "示范区企业排污许可证延续办理不顺畅"),
    # --- 政务服务: 消防验收 (fire) ---
    ("kaifaqu", "政务服务", "fire", "消防验收时间长，厂房建成后无法投用"),
    ("gongyeyuan", "政务服务", "fire", "企业反映消防设计审查标准不统一，反复整改"),
    ("qingfeng", "政务服务", "fire", "清丰县老厂房改造消防验收通不过"),
    ("hualong", "政务服务", "fire", "华龙区商业综合体消防验收备案办理慢"),
    ("nanle", "政务服务", "fire", "南乐县企业新建车间消防验收迟迟未组织"),
    ("taiqian", "政务服务", "fire", "台前县羽绒企业仓库消防审验难，影响生产"),
    # --- 政务服务: 环评 (eia) ---
    ("kaifaqu", "政务服务", "eia", "化工项目环评审批周期长，影响开工"),
    ("puyang", "政务服务", "eia", "企业反映环评手续办理难，排污总量指标不够"),
    ("gongyeyuan", "政务服务", "eia", "园区规划环评未批复，入园项目环评无法受理"),
    ("fanxian", "政务服务", "eia", "范县养殖项目环境影响评价迟迟批不下来"),
    ("qingfeng", "政务服务", "eia", "技改项目是否需要重新做环评，标准不明确"),
    ("shifanqu", "政务服务", "eia", "示范区新上项目环评、能评审批时间长"),
    # --- 政务服务: 退税 (tax) ---
    ("kaifaqu", "政务服务", "tax", "出口企业退税到账慢，资金周转困难"),
    ("hualong", "政务服务", "tax", "企业反映增值税留抵退税办理流程复杂"),
    ("nanle", "政务服务", "tax", "南乐县企业研发费用加计扣除政策享受难"),
    ("gongyeyuan", "政务服务", "tax", "园区企业出口退税审核周期长"),
    # --- 营商环境: 涉企检查多 (inspection) ---
    ("gongyeyuan", "营商环境", "inspection", "涉企检查多、频次高，企业疲于应付"),
    ("kaifaqu", "营商环境", "inspection", "多个部门重复到企业检查，影响正常生产"),
    ("qingfeng", "营商环境", "inspection", "企业反映环保、安监检查频繁，标准不一"),
    ("nanle", "营商环境", "inspection", "南乐县执法部门随意到企业检查，干扰经营"),
    ("puyang", "营商环境", "inspection", "一周内三个部门先后上门检查同一事项"),
    ("taiqian", "营商环境", "inspection", "台前县涉企执法检查未实行“综合查一次”"),
    ("hualong", "营商环境", "inspection", "华龙区餐饮企业反映检查过多过频"),
    ("shifanqu", "营商环境", "inspection", "示范区企业迎检负担重，检查结果互不认可"),
    # --- 营商环境: 拖欠账款 (arrears) ---
    ("kaifaqu", "营商环境", "arrears", "政府部门拖欠企业工程款，企业资金链紧张"),
    ("hualong", "营商环境", "arrears", "华龙区部分单位拖欠民营企业账款未清偿"),
    ("qingfeng", "营商环境", "arrears", "企业反映政府采购项目验收后货款迟迟不付"),
    ("puyang", "营商环境", "arrears", "濮阳县乡镇拖欠施工企业工程款多年"),
    ("fanxian", "营商环境", "arrears", "范县政府投资项目欠款未支付，企业讨要无果"),
    ("taiqian", "营商环境", "arrears", "台前县平台公司拖欠中小企业账款"),
    ("shifanqu", "营商环境", "arrears", "示范区代建项目结算滞后，工程尾款拖欠"),
    # --- 营商环境: 涉企收费 (fees) ---
    ("gongyeyuan", "营商环境", "fees", "企业反映中介服务收费高、评估费用重"),
    ("nanle", "营商环境", "fees", "南乐县部分部门违规向企业收取费用"),
    ("kaifaqu", "营商环境", "fees", "园区企业水电气接入收费项目多、标准高"),
    ("qingfeng", "营商环境", "fees", "协会商会强制企业入会并收取会费"),
    ("puyang", "营商环境", "fees", "濮阳县检验检测收费偏高，企业负担重"),
    # --- 城市管理: 停车难 (parking) ---
    ("hualong", "城市管理", "parking", "华龙区人民医院周边停车难，车辆乱停乱放"),
    ("kaifaqu", "城市管理", "parking", "园区企业员工停车位不足，车辆停放在道路两侧"),
    ("hualong", "城市管理", "parking", "老旧小区停车位严重不足，居民停车难问题突出"),
    ("qingfeng", "城市管理", "parking", "清丰县城中心商圈停车难、停车贵"),
    ("nanle", "城市管理", "parking", "南乐县学校门口上下学时段停车难、交通拥堵"),
    ("puyang", "城市管理", "parking", "濮阳县政务服务中心停车场太小，办事群众无处停车"),
    ("shifanqu", "城市管理", "parking", "示范区公共停车场建设滞后，停车泊位缺口大"),
    ("gongyeyuan", "城市管理", "parking", "物流企业大货车无处停放，占道停车现象多"),
    ("fanxian", "城市管理", "parking", "范县城区农贸市场周边车辆乱停，停车难"),
    ("taiqian", "城市管理", "parking", "台前县新建商业街未配套停车场"),
    ("hualong", "城市管理", "parking", "华龙区火车站周边停车秩序混乱、车位紧张"),
    # --- 城市管理: 公交通勤 (bus) ---
    ("gongyeyuan", "城市管理", "bus", "园区无公交线路，员工上下班通勤不便"),
    ("kaifaqu", "城市管理", "bus", "开发区企业反映公交班次少，职工通勤难"),
    ("shifanqu", "城市管理", "bus", "示范区至市区公交线路未开通，群众出行难"),
    ("qingfeng", "城市管理", "bus", "清丰县城乡公交覆盖不全，偏远村庄不通公交"),
    ("nanle", "城市管理", "bus", "南乐县产业园区职工通勤车辆不足"),
    ("puyang", "城市管理", "bus", "濮阳县公交站点设置不合理，企业员工乘车不便"),
    # --- 民生保障: 子女入学 (school) ---
    ("kaifaqu", "民生保障", "school", "企业引进人才子女入学难，优质学位不足"),
    ("gongyeyuan", "民生保障", "school", "园区外来务工人员子女就近入学难"),
    ("hualong", "民生保障", "school", "华龙区新建小区配套学校未建成，孩子上学远"),
    ("qingfeng", "民生保障", "school", "清丰县城区学校大班额问题突出，学位紧张"),
    ("shifanqu", "民生保障", "school", "示范区企业高管子女转学手续办理难"),
    ("nanle", "民生保障", "school", "南乐县随迁子女入学材料要求多、门槛高"),
    ("puyang", "民生保障", "school", "濮阳县产业集聚区周边无幼儿园，职工孩子入园难"),
    # --- 民生保障: 人才住房 (housing) ---
    ("kaifaqu", "民生保障", "housing", "园区缺少人才公寓，引进人才住房难"),
    ("gongyeyuan", "民生保障", "housing", "企业员工宿舍不足，外地职工租房贵"),
    ("hualong", "民生保障", "housing", "华龙区人才安居住房申请条件高，落实难"),
    ("taiqian", "民生保障", "housing", "台前县青年人才租房补贴未兑现"),
    ("qingfeng", "民生保障", "housing", "清丰县企业技术骨干住房保障政策不落地"),
    ("shifanqu", "民生保障", "housing", "示范区保障性租赁住房配套不足，职工住得远"),
    ("nanle", "民生保障", "housing", "南乐县引进博士、硕士的住房承诺未落实"),
    # --- more of each matter, worded again as another county would ---
    ("nanle", "基础设施", "road", "南乐县城东工业区道路断头，企业进出需借道村路"),
    ("puyang", "基础设施", "road", "濮阳县产业集聚区规划路尚未打通，企业货运车辆绕行严重"),
    ("qingfeng", "基础设施", "water", "清丰县产业集聚区供水管网未覆盖，企业自打井取水"),
    ("kaifaqu", "基础设施", "power", "开发区企业用电报装流程长，接电难"),
    ("fanxian", "基础设施", "drain", "范县城区雨后积水，排水管网不畅"),
    ("taiqian", "要素保障", "labour", "台前县企业季节性招工难，工人流动性大"),
    ("kaifaqu", "要素保障", "finance", "开发区企业反映银行贷款审批慢、门槛高，融资难"),
    ("hualong", "要素保障", "land", "华龙区城市更新项目土地收储推进慢，项目无地可落"),
    ("taiqian", "要素保障", "logistics", "台前县企业反映货物运输成本高，物流不便"),
    ("hualong", "政务服务", "approval", "华龙区项目审批时间长，企业多次往返"),
    ("shifanqu", "政务服务", "certificate", "示范区回迁安置房不动产证办理滞后"),
    ("puyang", "政务服务", "fire", "濮阳县企业反映消防验收难、时间长"),
    ("nanle", "政务服务", "eia", "南乐县项目环评批复慢，影响开工建设"),
    ("fanxian", "营商环境", "inspection", "范县企业反映各部门检查多，重复检查"),
    ("nanle", "营商环境", "arrears", "南乐县政府工程拖欠企业款项"),
    ("taiqian", "营商环境", "fees", "台前县涉企收费不透明，企业反映负担重"),
    ("puyang", "城市管理", "parking", "濮阳县城区停车难，车辆乱停乱放现象突出"),
    ("fanxian", "城市管理", "bus", "范县工业园区不通公交，职工上下班难"),
    ("fanxian", "民生保障", "school", "范县城区学位不足，外来务工人员子女入学难"),
    ("puyang", "民生保障", "housing", "濮阳县企业人才公寓建设滞后，住房难"),
    ("fanxian", "政务服务", "tax", "范县企业出口退税办理慢"),
    ("taiqian", "基础设施", "gas", "台前县产业园区天然气管网未接通，企业用气难"),
    ("hualong", "基础设施", "signal", "华龙区城中村网络信号差，宽带覆盖不足"),
    ("kaifaqu", "城市管理", "parking", "开发区商务中心周边停车位紧张，停车难"),
    ("gongyeyuan", "要素保障", "labour", "工业园区企业技术工人招不到、留不住"),
    ("shifanqu", "基础设施", "water", "示范区企业反映供水不稳，经常停水"),
    ("qingfeng", "营商环境", "arrears", "清丰县拖欠企业账款清欠进度慢"),
]

#: the labelled query problems (indices into PROBLEMS): one or more per topic, the truly
#: similar ones being the other problems of the same topic
QUERIES: tuple[int, ...] = (
    0,
    1,
    10,
    19,
    27,
    34,
    41,
    52,
    62,
    71,
    79,
    88,
    98,
    107,
    113,
    123,
    131,
    138,
    143,
    154,
    160,
    166,
    173,
    57,
)


def truly_similar(index: int) -> set[int]:
    """The problems labelled similar to ``PROBLEMS[index]`` (the same topic, not itself)."""
    topic = PROBLEMS[index][2]
    return {i for i, row in enumerate(PROBLEMS) if row[2] == topic and i != index}
