"""The topics every organisation starts with (bilingual; the org admin and directors change them
on the topic page). Keywords: Chinese ones match as substrings, English ones at a word start."""

from .analysis import TopicSpec


def _t(code, name_zh, name_en, zh, en, examples=()):
    return TopicSpec(code, name_zh, name_en, tuple(zh.split()), tuple(en.split("|")), tuple(examples))


TOPICS: list[TopicSpec] = [
    _t(
        "price",
        "价格",
        "Price",
        "价格 价钱 贵 便宜 实惠 划算 性价比 资费 套餐价格 收费不透明 手续费 年费 利率 涨价 "
        "降价 优惠 折扣 费用高 报价 续费价格",
        "price|pricing|priced|expensive|cheap|cheaper|affordable|overpriced|value for money|fee|fees|"
        "discount|bargain|rate is|loan rate|interest rate|deal|cost|costs|not expensive|not cheap|tariff",
        ("价格太贵了，比别家高出不少。", "Great value for money."),
    ),
    _t(
        "response_speed",
        "响应速度",
        "Response speed",
        "响应 回复 回电 回应 答复 处理速度 处理时间 效率 及时 等了 占线 没有下文 秒回 很快就 接通 工单 拖了",
        "respond|response|responsive|reply|replied|replies|call back|called back|calls back|get through|"
        "waited|wait|slow|prompt|quick|quickly|instantly|heard back|efficient|inefficient|ticket|"
        "took a week|processing|handling|hotline|same day|fixed",
        ("提交问题三天了还没人回复，太慢了。", "They called back within half an hour."),
    ),
    _t(
        "service_attitude",
        "服务态度",
        "Service attitude",
        "态度 耐心 热情 周到 礼貌 客气 冷淡 敷衍 不耐烦 爱答不理 恶劣 贴心 上心 诚恳 服务人员 服务很好 服务挺好 "
        "服务也 服务不错 服务确实 推销 尊重 招呼 帮助 守时 服务热情 感谢",
        "attitude|friendly|patient|impatient|rude|polite|courteous|warm|attentive|considerate|"
        "dismissive|hostile|curt|perfunctory|disrespectful|care|cared|kind|nice|sincere|punctual|"
        "greeted|pushing products|listen|service is|service was|the service|excellent service|thanks to|"
        "helped|agent",
        ("客户经理态度非常好。", "The staff at the branch were rude."),
    ),
    _t(
        "product_quality",
        "产品质量",
        "Product quality",
        "质量 稳定运行 故障 崩溃 坏了 坏 bug 死机 宕机 卡顿 可靠 耐用 功能齐全 性能 版本 读不出 没有声音 "
        "产品没有 产品很稳定 运行流畅 过硬",
        "quality|reliable|reliably|crash|crashes|bugs|buggy|broke|broken|durable|well built|"
        "failure rate|freezes|performance|release|version|feature complete|runs smoothly|hardware|"
        "product is|with the product|stopped|can't be read|goes down",
        ("软件经常崩溃。", "Poor quality, it broke after two months."),
    ),
    _t(
        "billing",
        "账单与计费",
        "Billing",
        "账单 发票 扣费 计费 多扣 多收 重复扣 退款 对账 缴费 收费了 乱收费 乱扣 费用计算 账单日 到账 费用名目",
        "bill|billed|billing|invoice|statement|charge|charged|charges|overcharged|refund|deduction|payment|paying",
        ("这个月的账单多扣了两百块。", "We were overcharged on this month's invoice."),
    ),
    _t(
        "delivery",
        "交付与配送",
        "Delivery",
        # Not "上门" nor a bare "上线": a visit ("上门拜访") or a project's go-live progress is not
        # a delivery complaint; only a late or missed go-live is.
        "交付 部署 实施 到货 发货 物流 快递 送到 寄到 配送 安装 开通 换货 发错 交付文档 包装 上门安装 "
        "推迟上线 延期上线 按时上线 还没上线 没有上线 上线晚",
        "deliver|delivered|delivery|go-live|launch|deploy|deployed|implementation|rollout|shipping|"
        "shipped|arrived|parcel|installer|activated|handover|packaging|exchange",
        ("说好月底上线，结果拖了两周才交付。", "The equipment arrived a week late."),
    ),
    _t(
        "network",
        "网络与信号",
        "Network and signal",
        "信号 网速 网络 宽带 光纤 掉线 断线 断网 5G 基站 覆盖 通话质量 通话 延迟",
        "signal|network|broadband|fibre|fiber|5g|coverage|tower|latency|connection|internet|"
        "disconnect|dropping|call quality|calls keep|outage|bars",
        ("办公室信号很差，电话经常断线。", "The 5G connection is really fast."),
    ),
    _t(
        "usability",
        "易用性（App与系统）",
        "Ease of use (app and systems)",
        "App 界面 操作 好用 难用 不会用 闪退 登录 验证码 手机银行 网银 小程序 自助终端 注册 "
        "流程 繁琐 加载 网页 功能很难 "
        "用起来 顺手 习惯 导出",
        "app|interface|user friendly|easy to use|intuitive|login|verification|kiosk|registration|"
        "website|online banking|mini program|cumbersome|cluttered|process|get used to|unusable|"
        "features are hard|export|transfers in the app",
        ("手机银行App操作太复杂。", "The new app is clean and easy to use."),
    ),
    _t(
        "expertise",
        "专业能力",
        "Expertise and advice",
        "专业 懂行 建议 方案 解答 讲解 解释 了解 熟悉 一问三不知 业务能力 政策解读 税务筹划 "
        "风控 专家 条款 错误的信息 推荐的",
        "professional|unprofessional|expert|knowledge|knowledgeable|knows|knew|advice|recommend|"
        "recommendation|explain|explained|suggestion|regulation|familiar|understands|planning|"
        "basic questions|information was wrong",
        ("经理很专业，给我们的理财方案很有针对性。", "Our account manager gave us excellent advice."),
    ),
]
