//! What every context's GraphQL module shares, and nothing context-specific: the request
//! context, error mapping, global ids, pagination, the node types' declarations (their fields
//! live in their contexts), shared enums, the dataloader and loading ahead, and the few field helpers several
//! contexts expose (owner, images, waveforms, comment lists). Context modules import this and
//! never each other in a circle.

pub(crate) mod ahead;
pub(crate) mod args;
pub(crate) mod context;
pub(crate) mod enums;
pub(crate) mod error;
pub(crate) mod ids;
pub(crate) mod images;
pub(crate) mod live;
pub(crate) mod loaders;
pub(crate) mod node;
pub(crate) mod nodes;
pub(crate) mod owner;
pub(crate) mod pagination;
pub(crate) mod total_count;
pub(crate) mod waveform;
