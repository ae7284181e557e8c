//! REFI-QDA (QDA-XML 1.0): the exchange format of NVivo, ATLAS.ti, MAXQDA,
//! QDA Miner, Quirkos and QualCoder. `guid` derives every GUID from a
//! stable id, `codebook` writes the codes (alone, as a `.qdc`, or inside a
//! project), `project` writes `project.qde` as the contributions arrive.

mod codebook;
mod guid;
mod project;
mod xml;

pub use codebook::Codebook;
pub use guid::{guid, GuidKind};
pub use project::{source_text, ProjectWriter};

/// Namespace of `project.qde`.
pub const PROJECT_NAMESPACE: &str = "urn:QDA-XML:project:1.0";
/// Namespace of the codebook exchange file (`.qdc`).
pub const CODEBOOK_NAMESPACE: &str = "urn:QDA-XML:codebook:1.0";
