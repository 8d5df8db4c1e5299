//! Media: files (track versions), their analysis and waveforms, images and documents.

pub(crate) mod loaders;
mod mutation;
mod query;
pub(crate) mod types;

pub(crate) use mutation::MediaMutation;
pub(crate) use query::MediaQuery;
