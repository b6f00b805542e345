//! What is wrong with a row of an imported sheet (a needs ledger, a register, a roster), worded
//! like the model's errors: `words()` for the person's language, `Display` in English.
//!
//! The English is the command line's: each row error prints as `row 5, 网格: no grid …`.

use std::fmt;

use crate::RecordKind;
use crate::time::BadDay;
use crate::vocab::{Claimant, Stage};
use crate::words::Words;

/// What is wrong with one cell of an imported sheet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("row {row}, {column}: {problem}")]
pub struct RowError {
    /// The sheet row, counting the header as row 1.
    pub row: usize,
    /// The column's header.
    pub column: &'static str,
    /// What is wrong, and what would be right.
    pub problem: RowProblem,
}

impl RowError {
    /// What is wrong with the cell, in words that name its column but not its row (a
    /// preview shows the row beside it): `网格：…`.
    pub fn cell_words(&self) -> Words {
        Words::new("import.cell")
            .arg("column", self.column)
            .words("problem", self.problem.words())
    }
}

crate::worded!(RowError {
    RowError { row, column, problem } => Words::new("import.row")
            .arg("row", row)
            .arg("column", column)
            .words("problem", problem.words()),
        example: RowError { row: 5, column: "网格", problem: RowProblem::Empty };
});

/// A place that was looked for by name within its parent: the parent's code or id, and its
/// name (the Chinese wording names it; the English, as ever, gives the code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parent {
    /// Its code or id: `zt`, `zt-g3`.
    pub id: String,
    /// Its name: 中台社区, 第3网格.
    pub name: String,
}

impl fmt::Display for Parent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id)
    }
}

/// Why a place named in a row is not one place of the directory.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlaceProblem {
    /// No community has that code or name.
    #[error("no community is called '{given}': add it to the directory first")]
    NoCommunity {
        /// The name given.
        given: String,
    },
    /// No grid of the community has that id or name.
    #[error("no grid in community {community} is called '{given}': add it to the directory first")]
    NoGrid {
        /// The name given.
        given: String,
        /// The community.
        community: Parent,
    },
    /// No building of the grid has that id or name.
    #[error("no building in grid {grid} is called '{given}': add it to the directory first")]
    NoBuilding {
        /// The name given.
        given: String,
        /// The grid.
        grid: Parent,
    },
    /// Several communities have that name.
    #[error("more than one community is called '{given}' ({first}, {second}…): use its id")]
    SeveralCommunities {
        /// The name given.
        given: String,
        /// The first two that have it.
        first: String,
        /// The second.
        second: String,
    },
    /// Several grids of the community have that name.
    #[error(
        "more than one grid in community {community} is called '{given}' ({first}, {second}…): use its id"
    )]
    SeveralGrids {
        /// The name given.
        given: String,
        /// The community.
        community: Parent,
        /// The first two that have it.
        first: String,
        /// The second.
        second: String,
    },
    /// Several buildings of the grid have that name.
    #[error(
        "more than one building in grid {grid} is called '{given}' ({first}, {second}…): use its id"
    )]
    SeveralBuildings {
        /// The name given.
        given: String,
        /// The grid.
        grid: Parent,
        /// The first two that have it.
        first: String,
        /// The second.
        second: String,
    },
    /// A grid given by its id, which is in another community.
    #[error("grid {grid} is in community {community}, not {given}")]
    GridElsewhere {
        /// The grid.
        grid: String,
        /// Its community.
        community: String,
        /// The community of the row.
        given: String,
    },
    /// A building given by its id, which is in another grid.
    #[error("building {building} is in grid {grid}, not {given}")]
    BuildingElsewhere {
        /// The building.
        building: String,
        /// Its grid.
        grid: String,
        /// The grid of the row.
        given: String,
    },
}

fn several(key: &'static str, given: &str, first: &str, second: &str) -> Words {
    Words::new(key)
        .arg("given", given)
        .arg("first", first)
        .arg("second", second)
}

fn parent(words: Words, name: &'static str, parent: &Parent) -> Words {
    words.arg(name, &parent.id).arg("name", &parent.name)
}

fn example_parent(id: &str, name: &str) -> Parent {
    Parent {
        id: id.into(),
        name: name.into(),
    }
}

crate::worded!(PlaceProblem {
    PlaceProblem::NoCommunity { given } =>
        Words::new("import.place.no_community").arg("given", given),
        example: PlaceProblem::NoCommunity { given: "中台".into() };
    PlaceProblem::NoGrid { given, community } =>
        parent(Words::new("import.place.no_grid"), "community", community).arg("given", given),
        example: PlaceProblem::NoGrid {
            given: "第9网格".into(),
            community: example_parent("zt", "中台社区"),
        };
    PlaceProblem::NoBuilding { given, grid } =>
        parent(Words::new("import.place.no_building"), "grid", grid).arg("given", given),
        example: PlaceProblem::NoBuilding {
            given: "99号楼".into(),
            grid: example_parent("zt-g3", "第3网格"),
        };
    PlaceProblem::SeveralCommunities { given, first, second } =>
        several("import.place.several_communities", given, first, second),
        example: PlaceProblem::SeveralCommunities {
            given: "中台社区".into(),
            first: "zt".into(),
            second: "zt2".into(),
        };
    PlaceProblem::SeveralGrids { given, community, first, second } => parent(
            several("import.place.several_grids", given, first, second),
            "community",
            community,
        ),
        example: PlaceProblem::SeveralGrids {
            given: "第3网格".into(),
            community: example_parent("zt", "中台社区"),
            first: "zt-g3".into(),
            second: "zt-g3b".into(),
        };
    PlaceProblem::SeveralBuildings { given, grid, first, second } => parent(
            several("import.place.several_buildings", given, first, second),
            "grid",
            grid,
        ),
        example: PlaceProblem::SeveralBuildings {
            given: "12号楼".into(),
            grid: example_parent("zt-g3", "第3网格"),
            first: "zt-g3-b12".into(),
            second: "zt-g3-b12a".into(),
        };
    PlaceProblem::GridElsewhere { grid, community, given } =>
        Words::new("import.place.grid_elsewhere")
            .arg("grid", grid)
            .arg("community", community)
            .arg("given", given),
        example: PlaceProblem::GridElsewhere {
            grid: "dt-g1".into(),
            community: "dt".into(),
            given: "zt".into(),
        };
    PlaceProblem::BuildingElsewhere { building, grid, given } =>
        Words::new("import.place.building_elsewhere")
            .arg("building", building)
            .arg("grid", grid)
            .arg("given", given),
        example: PlaceProblem::BuildingElsewhere {
            building: "zt-g4-b2".into(),
            grid: "zt-g4".into(),
            given: "zt-g3".into(),
        };
});

/// What is wrong with one cell of an imported row.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowProblem {
    /// A cell every need has is empty.
    #[error("is empty: every need has one")]
    Empty,
    /// A person's name is empty.
    #[error("is empty: every {} has a name", .0.en())]
    NoName(RecordKind),
    /// Not one of the column's values.
    #[error("'{given}' is not one of {}", .expected.join("、"))]
    NotOneOf {
        /// The cell.
        given: String,
        /// The values it could be, in Chinese as the sheet has them.
        expected: Vec<&'static str>,
    },
    /// A 认领方 cell that does not start with a kind of claimant.
    #[error(
        "'{0}' does not start with a kind of claimant ({kinds}), like 党员：王建国",
        kinds = claimant_kinds()
    )]
    BadClaimant(String),
    /// A 满意度 that is not 1 to 5.
    #[error("'{0}' is not a satisfaction from 1 to 5")]
    BadSatisfaction(String),
    /// Not a day.
    #[error(transparent)]
    BadDay(#[from] BadDay),
    /// Not a phone number.
    #[error("'{0}' is not a phone number: use digits, like 13812341234")]
    BadPhone(String),
    /// A cell filled in at a stage before the one that fills it.
    #[error("is set but the need is only {}", .0.zh())]
    TooEarly(Stage),
    /// 办结日期 empty on a closed need.
    #[error("is empty but the need is {}", Stage::Closed.zh())]
    NotClosed,
    /// 办结日期 on a need that is not closed.
    #[error("is set but the need is {}", .0.zh())]
    ClosedButAt(Stage),
    /// A ledger number that a need of the store has already.
    #[error("{ledger_no} is already in the ledger ({need})")]
    LedgerNoTaken {
        /// The ledger number.
        ledger_no: String,
        /// The need that has it.
        need: String,
    },
    /// A ledger number that an earlier row of the sheet has already.
    #[error("{ledger_no} is already in the ledger (row {row})")]
    LedgerNoRepeated {
        /// The ledger number.
        ledger_no: String,
        /// The earlier row.
        row: usize,
    },
    /// A place that is not one place of the directory (boxed: it is the largest problem).
    #[error(transparent)]
    Place(Box<PlaceProblem>),
    /// A team that the volunteer's community does not have.
    #[error(
        "no team of {community} is called '{given}': add it with `gridbook volunteer team` first"
    )]
    NoTeam {
        /// The name given.
        given: String,
        /// The community's name.
        community: String,
    },
}

impl From<PlaceProblem> for RowProblem {
    fn from(place: PlaceProblem) -> RowProblem {
        RowProblem::Place(Box::new(place))
    }
}

/// The kinds of claimant, as a 认领方 cell starts: 党员、….
fn claimant_kinds() -> String {
    let names: Vec<&str> = Claimant::ALL.iter().map(|c| c.zh()).collect();
    names.join("、")
}

crate::worded!(RowProblem {
    RowProblem::Empty => Words::new("import.empty"), example: RowProblem::Empty;
    RowProblem::NoName(who) => Words::new("import.no_name").name("who", who.en(), who.zh()),
        example: RowProblem::NoName(RecordKind::Resident), RowProblem::NoName(RecordKind::Volunteer);
    RowProblem::NotOneOf { given, expected } => Words::new("import.not_one_of")
            .arg("given", given)
            .arg("expected", expected.join("、")),
        example: RowProblem::NotOneOf {
            given: "餐饮".into(),
            expected: crate::vocab::Category::ALL.iter().map(|c| c.zh()).collect(),
        };
    RowProblem::BadClaimant(given) => Words::new("import.bad_claimant")
            .arg("given", given)
            .arg("kinds", claimant_kinds()),
        example: RowProblem::BadClaimant("王建国".into());
    RowProblem::BadSatisfaction(given) => Words::new("import.bad_satisfaction").arg("given", given),
        example: RowProblem::BadSatisfaction("9".into());
    RowProblem::BadDay(BadDay(given)) => Words::new("import.bad_day").arg("given", given),
        example: RowProblem::BadDay(BadDay("3/11/2026".into()));
    RowProblem::BadPhone(given) => Words::new("error.bad_phone").arg("given", given),
        example: RowProblem::BadPhone("138-x".into());
    RowProblem::TooEarly(stage) => Words::new("import.too_early").arg("stage", stage.zh()),
        example: RowProblem::TooEarly(Stage::Classified);
    RowProblem::NotClosed => Words::new("import.not_closed").arg("stage", Stage::Closed.zh()),
        example: RowProblem::NotClosed;
    RowProblem::ClosedButAt(stage) => Words::new("import.closed_but_at").arg("stage", stage.zh()),
        example: RowProblem::ClosedButAt(Stage::Implementing);
    RowProblem::LedgerNoTaken { ledger_no, need } => Words::new("import.ledger_no_taken")
            .arg("ledger_no", ledger_no)
            .arg("need", need),
        example: RowProblem::LedgerNoTaken {
            ledger_no: "ZT-2611-K7Q2ZD-0012".into(),
            need: "N-K7Q2ZD-12".into(),
        };
    RowProblem::LedgerNoRepeated { ledger_no, row } => Words::new("import.ledger_no_repeated")
            .arg("ledger_no", ledger_no)
            .arg("row", row),
        example: RowProblem::LedgerNoRepeated {
            ledger_no: "ZT-2611-K7Q2ZD-0012".into(),
            row: 4,
        };
    RowProblem::Place(place) => place.words(),
        example: PlaceProblem::NoCommunity { given: "中台".into() }.into();
    RowProblem::NoTeam { given, community } => Words::new("import.no_team")
            .arg("given", given)
            .arg("community", community),
        example: RowProblem::NoTeam { given: "理发队".into(), community: "中台社区".into() };
});
