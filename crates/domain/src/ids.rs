//! Identifiers. Each kind of record has its own type so one cannot be passed for another.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh random identifier (UUID v4: nothing about the record leaks through it).
            pub fn new_random() -> Self {
                Self(Uuid::new_v4())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// An organisation: the tenant and the hard security boundary.
    OrgId
);
id_type!(
    /// A service run by an organisation: a home, a fostering service, a home-care branch.
    ServiceId
);
id_type!(
    /// A user account (staff or partner).
    UserId
);
id_type!(
    /// A person in care: the child or adult who may go missing.
    PersonId
);
id_type!(
    /// A photo of a person.
    PhotoId
);
id_type!(
    /// A missing episode: from "not back" to closed.
    EpisodeId
);
id_type!(
    /// An organisation's missing policy for one kind of service.
    PolicyId
);
