//! Value objects: each parses raw input once and holds a value that is known to be valid.

mod country;
mod email;
mod links;
mod password;
mod short_id;
mod slug;
mod text;
mod username;

pub use country::CountryCode;
pub use email::Email;
pub use links::NamedLinks;
pub use password::Password;
pub use short_id::{SHORT_ID_ALPHABET, SHORT_ID_LEN, ShortId};
pub use slug::{MAX_SLUG_LEN, RESERVED_SLUGS, Slug, SlugType};
pub use text::{Description, Name};
pub use username::Username;
