//! Organisations and services: nation, regulator and the kinds of service we support.

use serde::{Deserialize, Serialize};

/// The nation whose rules apply to an organisation's services.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Nation {
    England,
    Wales,
    Scotland,
}

impl Nation {
    pub const ALL: [Nation; 3] = [Nation::England, Nation::Wales, Nation::Scotland];

    pub fn code(self) -> &'static str {
        match self {
            Nation::England => "england",
            Nation::Wales => "wales",
            Nation::Scotland => "scotland",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|n| n.code() == code)
    }
}

/// The regulator a service answers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Regulator {
    /// Ofsted: children's social care in England.
    Ofsted,
    /// Care Quality Commission: adult social care in England.
    Cqc,
    /// Care Inspectorate Wales: all regulated care in Wales.
    Ciw,
    /// The Care Inspectorate: all regulated care in Scotland.
    CareInspectorate,
}

impl Regulator {
    pub const ALL: [Regulator; 4] = [
        Regulator::Ofsted,
        Regulator::Cqc,
        Regulator::Ciw,
        Regulator::CareInspectorate,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Regulator::Ofsted => "ofsted",
            Regulator::Cqc => "cqc",
            Regulator::Ciw => "ciw",
            Regulator::CareInspectorate => "care_inspectorate",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The regulator that normally registers a service of this kind in this nation.
    /// An organisation records its own regulator; this is the default offered.
    pub fn usual_for(nation: Nation, kind: ServiceKind) -> Regulator {
        match (nation, kind.serves_children()) {
            (Nation::England, true) => Regulator::Ofsted,
            (Nation::England, false) => Regulator::Cqc,
            (Nation::Wales, _) => Regulator::Ciw,
            (Nation::Scotland, _) => Regulator::CareInspectorate,
        }
    }
}

/// The kinds of service Homeward supports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceKind {
    ChildrensHome,
    FosteringService,
    SupportedAccommodation,
    HomeCare,
    AdultCareHome,
}

impl ServiceKind {
    pub const ALL: [ServiceKind; 5] = [
        ServiceKind::ChildrensHome,
        ServiceKind::FosteringService,
        ServiceKind::SupportedAccommodation,
        ServiceKind::HomeCare,
        ServiceKind::AdultCareHome,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ServiceKind::ChildrensHome => "childrens_home",
            ServiceKind::FosteringService => "fostering_service",
            ServiceKind::SupportedAccommodation => "supported_accommodation",
            ServiceKind::HomeCare => "home_care",
            ServiceKind::AdultCareHome => "adult_care_home",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Supported accommodation in England houses 16- and 17-year-olds, so it counts as children's.
    pub fn serves_children(self) -> bool {
        matches!(
            self,
            ServiceKind::ChildrensHome
                | ServiceKind::FosteringService
                | ServiceKind::SupportedAccommodation
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for n in Nation::ALL {
            assert_eq!(Nation::from_code(n.code()), Some(n));
        }
        for r in Regulator::ALL {
            assert_eq!(Regulator::from_code(r.code()), Some(r));
        }
        for k in ServiceKind::ALL {
            assert_eq!(ServiceKind::from_code(k.code()), Some(k));
        }
        assert_eq!(Nation::from_code("france"), None);
    }

    #[test]
    fn usual_regulators() {
        use Regulator::*;
        assert_eq!(
            Regulator::usual_for(Nation::England, ServiceKind::ChildrensHome),
            Ofsted
        );
        assert_eq!(
            Regulator::usual_for(Nation::England, ServiceKind::HomeCare),
            Cqc
        );
        assert_eq!(
            Regulator::usual_for(Nation::Wales, ServiceKind::HomeCare),
            Ciw
        );
        assert_eq!(
            Regulator::usual_for(Nation::Scotland, ServiceKind::FosteringService),
            CareInspectorate
        );
    }
}
