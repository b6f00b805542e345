//! The canonical vocabulary of docs/design.md: English machine tokens, with the Chinese names that
//! input also accepts and the UI shows.
//!
//! Every vocabulary enum is stored in Automerge as its token string, so documents never depend on
//! the UI language and a token added later only makes older readers refuse that one record.

use std::fmt;
use std::str::FromStr;

use autosurgeon::{Hydrate, HydrateError, Reconcile, Reconciler};

/// A token that is not in the vocabulary it was given for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} '{given}': use one of {expected}")]
pub struct UnknownToken {
    /// Which vocabulary: "category", "stage", …
    pub kind: &'static str,
    /// Its name in Chinese: "类别", "阶段", …
    pub kind_zh: &'static str,
    /// What was given.
    pub given: String,
    /// The accepted tokens, comma separated.
    pub expected: String,
}

crate::worded!(UnknownToken {
    UnknownToken { kind, kind_zh, given, expected } => crate::words::Words::new("error.unknown_token")
            .name("kind", kind, kind_zh)
            .arg("given", given)
            .arg("expected", expected),
        example: "late".parse::<Stage>().unwrap_err();
});

/// What every vocabulary enum offers, for code that handles any of them (parsers, pickers).
pub trait Vocabulary: FromStr<Err = UnknownToken> + Copy + Send + Sync + 'static {
    /// Every value, in order.
    fn all() -> &'static [Self];
    /// The canonical English token.
    fn token(self) -> &'static str;
    /// The Chinese name.
    fn zh(self) -> &'static str;
}

macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $name:ident ($kind:literal, $kind_zh:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = ($token:literal, $zh:literal), )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in the vocabulary's own order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The canonical English token (machine output, storage).
            pub fn token(self) -> &'static str {
                match self { $($name::$variant => $token,)+ }
            }

            /// The Chinese name (UI, and accepted as input).
            pub fn zh(self) -> &'static str {
                match self { $($name::$variant => $zh,)+ }
            }
        }

        impl Vocabulary for $name {
            fn all() -> &'static [Self] { $name::ALL }
            fn token(self) -> &'static str { $name::token(self) }
            fn zh(self) -> &'static str { $name::zh(self) }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.token())
            }
        }

        impl FromStr for $name {
            type Err = UnknownToken;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let s = s.trim();
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.token().eq_ignore_ascii_case(s) || v.zh() == s)
                    .ok_or_else(|| UnknownToken {
                        kind: $kind,
                        kind_zh: $kind_zh,
                        given: s.to_string(),
                        expected: $name::ALL.iter().map(|v| v.token()).collect::<Vec<_>>().join(", "),
                    })
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.token())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }

        impl Reconcile for $name {
            type Key<'a> = autosurgeon::reconcile::NoKey;
            fn reconcile<R: Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
                reconciler.str(self.token())
            }
        }

        impl Hydrate for $name {
            fn hydrate_string(s: &'_ str) -> Result<Self, HydrateError> {
                s.parse().map_err(|e: UnknownToken| HydrateError::unexpected($kind, e.given))
            }
        }
    };
}

vocabulary! {
    /// The five-step loop, plus Closed.
    Stage ("stage", "阶段") {
        /// Step 1, precise discovery (精准发现).
        Discovered = ("discovered", "发现"),
        /// Step 2, classification and summary (分类汇总).
        Classified = ("classified", "分类"),
        /// Step 3, coordinated design (统筹设计).
        Designed = ("designed", "设计"),
        /// Step 4, linked implementation (联动实施).
        Implementing = ("implementing", "实施"),
        /// Step 5, two-way evaluation (双向评估).
        Evaluated = ("evaluated", "评估"),
        /// The loop is closed, or the need was closed early with a reason.
        Closed = ("closed", "办结"),
    }
}

impl Stage {
    /// The stage a need moves to next in the ordinary loop.
    pub fn next(self) -> Option<Stage> {
        match self {
            Stage::Discovered => Some(Stage::Classified),
            Stage::Classified => Some(Stage::Designed),
            Stage::Designed => Some(Stage::Implementing),
            Stage::Implementing => Some(Stage::Evaluated),
            Stage::Evaluated => Some(Stage::Closed),
            Stage::Closed => None,
        }
    }
}

vocabulary! {
    /// What kind of need it is.
    Category ("category", "类别") {
        /// 困难家庭帮扶
        Hardship = ("hardship", "困难帮扶"),
        /// 居家养老
        HomeElderlyCare = ("home-elderly-care", "居家养老"),
        /// 医疗康复
        Rehabilitation = ("rehabilitation", "医疗康复"),
        /// 老年人关爱
        ElderlyCare = ("elderly-care", "老年关爱"),
        /// 青少年服务
        Youth = ("youth", "青少年服务"),
        /// 教育培训
        Education = ("education", "教育培训"),
        /// 志愿服务
        Volunteering = ("volunteering", "志愿服务"),
        /// 设施维修
        Facilities = ("facilities", "设施维修"),
        /// 邻里纠纷
        Dispute = ("dispute", "邻里纠纷"),
        /// 停车
        Parking = ("parking", "停车"),
        /// 其他
        Other = ("other", "其他"),
    }
}

vocabulary! {
    /// The channel a need came in through: "three lines and a station", and more.
    Source ("source", "来源") {
        /// 党组织线
        PartyLine = ("party-line", "党组织线"),
        /// 群众性自治组织线
        SelfGovernanceLine = ("self-governance-line", "自治组织线"),
        /// 社会组织线
        SocialOrgLine = ("social-org-line", "社会组织线"),
        /// 民需管家服务站
        ButlerStation = ("butler-station", "民需管家服务站"),
        /// 入户走访
        DoorToDoor = ("door-to-door", "入户走访"),
        /// 议事会
        Meeting = ("meeting", "议事会"),
        /// 线上征集
        Online = ("online", "线上征集"),
    }
}

vocabulary! {
    /// Where a need or topic is settled: small matters stay in the grid, big ones in the
    /// community, hard ones are solved jointly.
    Level ("level", "层级") {
        /// 小事不出网格
        Grid = ("grid", "网格"),
        /// 大事不出社区
        Community = ("community", "社区"),
        /// 难事联动共解
        Joint = ("joint", "联动"),
    }
}

vocabulary! {
    /// How a need is met: by the community directly, or as a need-project.
    Route ("route", "办理方式") {
        /// The community solves it itself.
        Direct = ("direct", "直接办理"),
        /// It becomes a need-project (民需服务项目).
        Project = ("project", "项目"),
    }
}

vocabulary! {
    /// The three kinds of need-project.
    ProjectKind ("project kind", "项目类型") {
        /// 常规项目, claimed by party members.
        Regular = ("regular", "常规项目"),
        /// 专业项目, claimed by professionals.
        Professional = ("professional", "专业项目"),
        /// 重点项目, claimed by units and social organisations.
        Key = ("key", "重点项目"),
    }
}

vocabulary! {
    /// Who carries a need out.
    Claimant ("claimant", "认领方") {
        /// The community itself (the direct route).
        Community = ("community", "社区"),
        /// A party member.
        PartyMember = ("party-member", "党员"),
        /// A professional.
        Professional = ("professional", "专业人士"),
        /// A unit (双报到单位, 六联六促单位, a company).
        Unit = ("unit", "单位"),
        /// A social organisation.
        SocialOrg = ("social-org", "社会组织"),
    }
}

impl Claimant {
    /// Whether this claimant may claim a project of this kind, or a direct-route need when
    /// `kind` is `None`.
    pub fn may_claim(self, kind: Option<ProjectKind>) -> bool {
        match kind {
            None => self == Claimant::Community,
            Some(ProjectKind::Regular) => self == Claimant::PartyMember,
            Some(ProjectKind::Professional) => self == Claimant::Professional,
            Some(ProjectKind::Key) => matches!(self, Claimant::Unit | Claimant::SocialOrg),
        }
    }
}

vocabulary! {
    /// Why a need was closed from Classified without going round the loop.
    CloseReason ("close reason", "关闭原因") {
        /// Judged unreasonable.
        Unreasonable = ("unreasonable", "不合理"),
        /// A duplicate of another need.
        Duplicate = ("duplicate", "重复"),
        /// Withdrawn by the resident.
        Withdrawn = ("withdrawn", "撤回"),
        /// Closed after evaluation: the loop is complete.
        Completed = ("completed", "闭环"),
    }
}

vocabulary! {
    /// How hard a need is to meet.
    Difficulty ("difficulty", "难度") {
        /// 低
        Low = ("low", "低"),
        /// 中
        Medium = ("medium", "中"),
        /// 高
        High = ("high", "高"),
    }
}

vocabulary! {
    /// The four deliberation levels, from the bottom up.
    MeetingLevel ("meeting level", "议事层级") {
        /// 楼栋议事单元
        Building = ("building", "楼栋议事单元"),
        /// 网格议事会
        Grid = ("grid", "网格议事会"),
        /// 院落议事组
        Courtyard = ("courtyard", "院落议事组"),
        /// 协商议事厅
        Hall = ("hall", "协商议事厅"),
    }
}

impl MeetingLevel {
    /// The level a topic goes to when this one cannot settle it.
    pub fn above(self) -> Option<MeetingLevel> {
        match self {
            MeetingLevel::Building => Some(MeetingLevel::Grid),
            MeetingLevel::Grid => Some(MeetingLevel::Courtyard),
            MeetingLevel::Courtyard => Some(MeetingLevel::Hall),
            MeetingLevel::Hall => None,
        }
    }
}

vocabulary! {
    /// A vote on a motion.
    Choice ("ballot", "表决意见") {
        /// 赞成
        For = ("for", "赞成"),
        /// 反对
        Against = ("against", "反对"),
        /// 弃权
        Abstain = ("abstain", "弃权"),
    }
}

vocabulary! {
    /// What a member may do.
    Role ("role", "角色") {
        /// Office admin: everything, the directory and membership.
        Admin = ("admin", "管理员"),
        /// Grid worker: needs and residents.
        GridWorker = ("grid-worker", "网格员"),
        /// Facilitator: meetings and claims.
        Facilitator = ("facilitator", "议事主持人"),
        /// Volunteer lead: roster and time bank.
        VolunteerLead = ("volunteer-lead", "志愿队长"),
    }
}

vocabulary! {
    /// A time-bank movement's kind.
    MovementKind ("movement", "时间银行变动") {
        /// Hours and points earned by service.
        Earn = ("earn", "获得"),
        /// Hours or points spent.
        Redeem = ("redeem", "兑换"),
        /// A signed correction of an earlier mistake.
        Correct = ("correct", "更正"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_chinese_names_parse_to_the_same_value() {
        assert_eq!(
            "home-elderly-care".parse::<Category>(),
            Ok(Category::HomeElderlyCare)
        );
        assert_eq!(
            "居家养老".parse::<Category>(),
            Ok(Category::HomeElderlyCare)
        );
        assert_eq!("Parking".parse::<Category>(), Ok(Category::Parking));
        assert_eq!("赞成".parse::<Choice>(), Ok(Choice::For));
    }

    #[test]
    fn an_unknown_token_names_the_accepted_ones() {
        let err = "meals".parse::<Category>().unwrap_err();
        assert!(
            err.to_string().contains("unknown category 'meals'"),
            "{err}"
        );
        assert!(err.to_string().contains("home-elderly-care"), "{err}");
    }

    #[test]
    fn every_token_round_trips() {
        for s in Stage::ALL {
            assert_eq!(s.token().parse::<Stage>(), Ok(*s));
            assert_eq!(s.zh().parse::<Stage>(), Ok(*s));
        }
        for c in Category::ALL {
            assert_eq!(c.zh().parse::<Category>(), Ok(*c));
        }
    }
}
