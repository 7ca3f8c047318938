"""Word lists for synthetic data: names, places and sentences in Arabic and
English, so that synthetic records look like curated ones (Arabic names,
partial dates, casualty ranges) without being taken for them.

Every pair is (Arabic, English).
"""

# code, Arabic, English
STATES = [
    ("IQ", "العراق", "Iraq"),
    ("SY", "سوريا", "Syria"),
    ("EG", "مصر", "Egypt"),
    ("SA", "السعودية", "Saudi Arabia"),
    ("JO", "الأردن", "Jordan"),
    ("LB", "لبنان", "Lebanon"),
    ("YE", "اليمن", "Yemen"),
    ("LY", "ليبيا", "Libya"),
    ("TN", "تونس", "Tunisia"),
    ("DZ", "الجزائر", "Algeria"),
    ("MA", "المغرب", "Morocco"),
    ("ML", "مالي", "Mali"),
    ("NE", "النيجر", "Niger"),
    ("BF", "بوركينا فاسو", "Burkina Faso"),
    ("NG", "نيجيريا", "Nigeria"),
    ("SO", "الصومال", "Somalia"),
    ("KE", "كينيا", "Kenya"),
    ("AF", "أفغانستان", "Afghanistan"),
    ("PK", "باكستان", "Pakistan"),
    ("IR", "إيران", "Iran"),
    ("TR", "تركيا", "Turkey"),
    ("RU", "روسيا", "Russia"),
    ("FR", "فرنسا", "France"),
    ("DE", "ألمانيا", "Germany"),
    ("GB", "المملكة المتحدة", "United Kingdom"),
    ("US", "الولايات المتحدة", "United States"),
    ("AE", "الإمارات", "United Arab Emirates"),
    ("QA", "قطر", "Qatar"),
    ("MR", "موريتانيا", "Mauritania"),
    ("TD", "تشاد", "Chad"),
]

# Arabic, English, country, latitude, longitude
PLACES = [
    ("الموصل", "Mosul", "IQ", 36.34, 43.13),
    ("بغداد", "Baghdad", "IQ", 33.31, 44.36),
    ("الرمادي", "Ramadi", "IQ", 33.42, 43.30),
    ("كركوك", "Kirkuk", "IQ", 35.47, 44.39),
    ("الرقة", "Raqqa", "SY", 35.95, 39.01),
    ("دير الزور", "Deir ez-Zor", "SY", 35.34, 40.14),
    ("إدلب", "Idlib", "SY", 35.93, 36.63),
    ("حلب", "Aleppo", "SY", 36.20, 37.13),
    ("العريش", "Arish", "EG", 31.13, 33.80),
    ("القاهرة", "Cairo", "EG", 30.04, 31.24),
    ("عدن", "Aden", "YE", 12.79, 45.03),
    ("مأرب", "Marib", "YE", 15.46, 45.32),
    ("سرت", "Sirte", "LY", 31.21, 16.59),
    ("بنغازي", "Benghazi", "LY", 32.12, 20.07),
    ("القصرين", "Kasserine", "TN", 35.17, 8.83),
    ("تمبكتو", "Timbuktu", "ML", 16.77, -3.01),
    ("غاو", "Gao", "ML", 16.27, -0.04),
    ("نيامي", "Niamey", "NE", 13.51, 2.11),
    ("واغادوغو", "Ouagadougou", "BF", 12.37, -1.52),
    ("مايدوغوري", "Maiduguri", "NG", 11.85, 13.16),
    ("مقديشو", "Mogadishu", "SO", 2.05, 45.32),
    ("غاريسا", "Garissa", "KE", -0.45, 39.65),
    ("كابل", "Kabul", "AF", 34.56, 69.21),
    ("جلال آباد", "Jalalabad", "AF", 34.43, 70.45),
    ("بيشاور", "Peshawar", "PK", 34.01, 71.58),
    ("كويتا", "Quetta", "PK", 30.18, 66.99),
    ("كرمان", "Kerman", "IR", 30.28, 57.08),
    ("إسطنبول", "Istanbul", "TR", 41.01, 28.98),
    ("موسكو", "Moscow", "RU", 55.76, 37.62),
    ("باريس", "Paris", "FR", 48.86, 2.35),
    ("برلين", "Berlin", "DE", 52.52, 13.40),
    ("لندن", "London", "GB", 51.51, -0.13),
    ("نجامينا", "N'Djamena", "TD", 12.13, 15.06),
]

GROUP_HEADS = [
    ("كتائب", "Brigades of"),
    ("جبهة", "Front of"),
    ("جماعة", "Group of"),
    ("حركة", "Movement of"),
    ("جيش", "Army of"),
    ("أنصار", "Supporters of"),
    ("سرايا", "Companies of"),
    ("لواء", "Brigade of"),
    ("تنظيم", "Organisation of"),
]
GROUP_CORES = [
    ("الفتح", "the Conquest"),
    ("النصر", "Victory"),
    ("التوحيد", "Monotheism"),
    ("الفرقان", "al-Furqan"),
    ("الرايات السود", "the Black Banners"),
    ("الحق", "Truth"),
    ("الصحراء", "the Desert"),
    ("الشمال", "the North"),
    ("المرابطين", "the Murabitun"),
    ("الهجرة", "the Hijra"),
    ("البيان", "al-Bayan"),
    ("الصمود", "Steadfastness"),
]
REGIONS = [
    ("", ""),
    ("في بلاد الرافدين", "in Mesopotamia"),
    ("في الساحل", "in the Sahel"),
    ("في خراسان", "in Khorasan"),
    ("في سيناء", "in Sinai"),
    ("في الشام", "in the Levant"),
    ("في شرق أفريقيا", "in East Africa"),
    ("في المغرب الإسلامي", "in the Islamic Maghreb"),
]
AGENCY_KINDS = [
    ("جهاز المخابرات العامة في", "General Intelligence Directorate of"),
    ("وزارة الداخلية في", "Ministry of the Interior of"),
    ("جهاز مكافحة الإرهاب في", "Counter-Terrorism Service of"),
]
MEDIA_NAMES = [
    ("وكالة الأنباء", "News Agency"),
    ("صحيفة", "Daily"),
    ("قناة", "Channel"),
    ("موقع", "Online"),
]
MEDIA_CORES = [
    ("الفجر", "al-Fajr"),
    ("الشرق", "al-Sharq"),
    ("الحدث", "al-Hadath"),
    ("المرصد", "al-Marsad"),
    ("الأفق", "al-Ufuq"),
    ("الرصيف", "al-Rasif"),
]

FIRST_NAMES = [
    ("محمد", "Muhammad"),
    ("أحمد", "Ahmad"),
    ("عبد الله", "Abdullah"),
    ("عمر", "Umar"),
    ("خالد", "Khalid"),
    ("يوسف", "Yusuf"),
    ("إبراهيم", "Ibrahim"),
    ("حسن", "Hasan"),
    ("علي", "Ali"),
    ("مصطفى", "Mustafa"),
    ("سعيد", "Said"),
    ("طارق", "Tariq"),
    ("حمزة", "Hamza"),
    ("بلال", "Bilal"),
    ("سليمان", "Sulayman"),
    ("عثمان", "Uthman"),
    ("كريم", "Karim"),
    ("ناصر", "Nasir"),
    ("فيصل", "Faisal"),
    ("جمال", "Jamal"),
]
FAMILY_NAMES = [
    ("العراقي", "al-Iraqi"),
    ("المصري", "al-Masri"),
    ("الليبي", "al-Libi"),
    ("التونسي", "al-Tunisi"),
    ("الصومالي", "al-Somali"),
    ("الأنصاري", "al-Ansari"),
    ("الهاشمي", "al-Hashimi"),
    ("الزهراني", "al-Zahrani"),
    ("الشمري", "al-Shammari"),
    ("الدوري", "al-Douri"),
    ("القحطاني", "al-Qahtani"),
    ("البغدادي", "al-Baghdadi"),
    ("الحلبي", "al-Halabi"),
    ("الجزائري", "al-Jazairi"),
    ("السوداني", "al-Sudani"),
]
TITLES = [
    ("زعيم", "leader of"),
    ("المتحدث باسم", "spokesman of"),
    ("قائد عسكري في", "military commander of"),
    ("أمير", "emir of"),
    ("مسؤول في", "official of"),
    ("محلل شؤون", "analyst of"),
]

# Arabic, English, GTD attack type, GTD weapon type
ATTACK_TYPES = [
    ("تفجير", "Bombing of", "bombing_explosion", "explosives"),
    ("هجوم انتحاري على", "Suicide attack on", "bombing_explosion", "explosives"),
    ("هجوم مسلح على", "Armed assault on", "armed_assault", "firearms"),
    ("اغتيال قرب", "Assassination near", "assassination", "firearms"),
    ("اختطاف قرب", "Kidnapping near", "hostage_kidnapping", "firearms"),
    ("هجوم بطائرة مسيرة على", "Drone attack on", "bombing_explosion", "explosives"),
    ("إحراق", "Arson attack on", "facility_infrastructure", "incendiary"),
    ("هجوم دهس قرب", "Vehicle ramming near", "unarmed_assault", "vehicle"),
    ("احتجاز رهائن في", "Hostage taking at", "hostage_barricade", "firearms"),
]
# Arabic, English, GTD target type
TARGETS = [
    ("سوق", "a market", "private_citizens_property"),
    ("نقطة تفتيش", "a checkpoint", "police"),
    ("مسجد", "a mosque", "religious_figures_institutions"),
    ("كنيسة", "a church", "religious_figures_institutions"),
    ("فندق", "a hotel", "business"),
    ("قاعدة عسكرية", "a military base", "military"),
    ("مركز شرطة", "a police station", "police"),
    ("حافلة ركاب", "a passenger bus", "transportation"),
    ("مدرسة", "a school", "educational_institution"),
    ("مبنى حكومي", "a government building", "government_general"),
    ("سفارة", "an embassy", "government_diplomatic"),
    ("خط أنابيب", "a pipeline", "utilities"),
    ("قافلة عسكرية", "a military convoy", "military"),
    ("مقهى", "a café", "business"),
]

AGREEMENT_KINDS = {
    "intelligence_sharing": ("اتفاق لتبادل المعلومات الاستخبارية بين", "Intelligence-sharing agreement between"),
    "joint_operations": ("عمليات مشتركة بين", "Joint operations between"),
    "treaty": ("معاهدة لمكافحة الإرهاب بين", "Counter-terrorism treaty between"),
    "warning": ("تحذير أمني من", "Security warning from"),
    "pledge": ("تعهد بتمويل مقدم من", "Funding pledge by"),
    "dialogue": ("محادثات أمنية بين", "Security talks between"),
    "proposal": ("مقترح قيادة مشتركة بين", "Proposed joint command between"),
}
PARTY_ROLES = {
    "party": ("طرف", "a party"),
    "sender": ("مرسل", "sender"),
    "recipient": ("متلق", "recipient"),
    "funder": ("ممول", "funder"),
    "host": ("مضيف", "host"),
    "proposer": ("صاحب المقترح", "proposer"),
    "member": ("عضو", "a member"),
}

# Sentences citing each kind of fact; {name} placeholders are filled in the
# article's language. The citation quotes the sentence without its full stop.
SENTENCES = {
    "organisation": ("وتنشط {name} في {place}.", "{name} is active in {place}."),
    "state": ("وأكدت {name} عزمها على مواصلة مكافحة الإرهاب.", "{name} said it would keep fighting terrorism."),
    "media": ("ونقلت {name} تفاصيل الهجمات عن مصادر محلية.", "{name} reported the attacks, citing local sources."),
    "agency": ("وأعلن {name} اعتقال عدد من المشتبه بهم.", "The {name} announced the arrest of several suspects."),
    "branch_of": ("ويعد {subject} فرعاً من {object}.", "{subject} is a branch of {object}."),
    "affiliate_of": ("ويرتبط {subject} بـ{object}.", "{subject} is affiliated with {object}."),
    "splinter_of": ("وانشق {subject} عن {object}.", "{subject} split from {object}."),
    "rival": ("ويتنافس {subject} مع {object}.", "{subject} is a rival of {object}."),
    "ally": ("وتحالف {subject} مع {object}.", "{subject} allied with {object}."),
    "actor": ("وقال {name} إن الوضع الأمني ما زال هشاً.", "{name} said the security situation remained fragile."),
    "affiliation": ("ويعمل {name} {title} {organisation}.", "{name} is {title} {organisation}."),
    "agreement": ("وأعلن عن {name} في {date}.", "The {name} was announced in {date}."),
    "party": (
        "وشاركت {organisation} في {agreement} بصفة {role}.",
        "{organisation} took part in the {agreement} as {role}.",
    ),
    "agreement_target": ("ويستهدف {agreement} {organisation}.", "The {agreement} targets {organisation}."),
    "campaign": ("واستمرت {name} منذ {date}.", "The {name} has gone on since {date}."),
    "attack": (
        "ووقع {name} في {date}، وأسفر عن {casualties}.",
        "The {name} took place in {date}, leaving {casualties}.",
    ),
    "claimed": (
        "وأعلن {organisation} مسؤوليته عن {attack}.",
        "{organisation} claimed responsibility for the {attack}.",
    ),
    "suspected": ("ويشتبه في أن {organisation} يقف وراء {attack}.", "{organisation} is suspected of the {attack}."),
    "accused": (
        "واتهمت {accuser} {organisation} بالوقوف وراء {attack}.",
        "{accuser} accused {organisation} of the {attack}.",
    ),
    "denied": ("ونفى {organisation} أي صلة له بـ{attack}.", "{organisation} denied any role in the {attack}."),
    "same_event": (
        "وجاء {attack} ضمن سلسلة هجمات منسقة شملت {other}.",
        "The {attack} was coordinated with the {other}.",
    ),
    "related": ("ويرتبط {attack} بـ{other}.", "The {attack} is related to the {other}."),
    "retaliation_for": ("ونفذ {attack} رداً على {other}.", "The {attack} was retaliation for the {other}."),
    "followed": ("وتلا {attack} {other}.", "The {attack} followed the {other}."),
}

CASUALTIES = {
    "exact": ("مقتل {low} أشخاص", "{low} people killed"),
    "at_least": ("مقتل {low} أشخاص على الأقل", "at least {low} people killed"),
    "range": ("مقتل ما بين {low} و{high} أشخاص", "between {low} and {high} people killed"),
    "unknown": ("سقوط عدد غير معروف من الضحايا", "an unknown number of casualties"),
}
