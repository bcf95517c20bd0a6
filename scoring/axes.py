"""The registries every presenter iterates: the four axes, the risk levels, the two scales."""

from __future__ import annotations

from dataclasses import dataclass

from questions.model import Text


@dataclass(frozen=True)
class Axis:
    key: str
    label: Text
    description: Text


AXES: tuple[Axis, ...] = (
    Axis(
        "civil",
        Text(en="Civil", zh="民事"),
        Text(
            en="Claims by users or public-interest plaintiffs for damages, deletion or apology.",
            zh="用户或公益诉讼起诉人提出的赔偿、删除或赔礼道歉等请求。",
        ),
    ),
    Axis(
        "criminal",
        Text(en="Criminal", zh="刑事"),
        Text(
            en="Prosecution of the company as a unit and of the people responsible.",
            zh="对公司（单位犯罪）及直接责任人员的刑事追诉。",
        ),
    ),
    Axis(
        "administrative",
        Text(en="Administrative", zh="行政"),
        Text(
            en="Orders, fines, suspension and licence measures imposed by regulators.",
            zh="监管部门作出的责令改正、罚款、暂停业务及吊销许可等措施。",
        ),
    ),
    Axis(
        "reputational",
        Text(en="Reputational", zh="声誉"),
        Text(
            en="Loss of users' and partners' trust when a practice or a leak becomes public. A judgement, not a legal liability.",
            zh="做法或泄露事件公开后用户和合作方信任的流失。这是判断，而非法律责任。",
        ),
    ),
)
AXIS_KEYS: tuple[str, ...] = tuple(a.key for a in AXES)


@dataclass(frozen=True)
class Level:
    key: str
    label: Text
    rank: int


LEVELS: tuple[Level, ...] = (
    Level("low", Text(en="Low", zh="低"), 0),
    Level("medium", Text(en="Medium", zh="中"), 1),
    Level("high", Text(en="High", zh="高"), 2),
    Level("severe", Text(en="Severe", zh="严重"), 3),
)
LEVEL_KEYS: tuple[str, ...] = tuple(level.key for level in LEVELS)
LEVEL_RANK: dict[str, int] = {level.key: level.rank for level in LEVELS}

# GB/T 39335-2020 rates likelihood and impact on four levels each. These are their labels.
LIKELIHOOD_LABELS: tuple[Text, ...] = (
    Text(en="Unlikely", zh="很低"),
    Text(en="Possible", zh="低"),
    Text(en="Likely", zh="高"),
    Text(en="Very likely", zh="很高"),
)
SEVERITY_LABELS: tuple[Text, ...] = (
    Text(en="Minor", zh="低"),
    Text(en="Moderate", zh="中"),
    Text(en="Serious", zh="高"),
    Text(en="Very serious", zh="严重"),
)


def axis(key: str) -> Axis:
    for a in AXES:
        if a.key == key:
            return a
    raise KeyError(key)


def level(key: str) -> Level:
    for lv in LEVELS:
        if lv.key == key:
            return lv
    raise KeyError(key)
