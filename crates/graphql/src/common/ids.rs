//! Opaque global ids: a kind prefix and the UUID (`spc_0190…`). `node(id:)` accepts every one.

use uuid::Uuid;

use crate::common::error::bad_input;

/// The kinds of object with a global id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    User,
    ArtistSpace,
    Project,
    Track,
    Session,
    File,
    Comment,
    Notification,
    InviteLink,
    Invitation,
    ArtistAlias,
    ReviewLink,
    Organization,
    RosterEntry,
    Image,
    Document,
}

impl Kind {
    fn prefix(self) -> &'static str {
        match self {
            Kind::User => "usr",
            Kind::ArtistSpace => "spc",
            Kind::Project => "prj",
            Kind::Track => "trk",
            Kind::Session => "ses",
            Kind::File => "fil",
            Kind::Comment => "cmt",
            Kind::Notification => "ntf",
            Kind::InviteLink => "inv",
            Kind::Invitation => "ivt",
            Kind::ArtistAlias => "als",
            Kind::ReviewLink => "rvl",
            Kind::Organization => "org",
            Kind::RosterEntry => "ros",
            Kind::Image => "img",
            Kind::Document => "doc",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::User => "user",
            Kind::ArtistSpace => "artist space",
            Kind::Project => "project",
            Kind::Track => "track",
            Kind::Session => "session",
            Kind::File => "file",
            Kind::Comment => "comment",
            Kind::Notification => "notification",
            Kind::InviteLink => "invite link",
            Kind::Invitation => "invitation",
            Kind::ArtistAlias => "artist alias",
            Kind::ReviewLink => "review link",
            Kind::Organization => "organization",
            Kind::RosterEntry => "roster entry",
            Kind::Image => "image",
            Kind::Document => "document",
        }
    }

    const ALL: [Kind; 16] = [
        Kind::User,
        Kind::ArtistSpace,
        Kind::Project,
        Kind::Track,
        Kind::Session,
        Kind::File,
        Kind::Comment,
        Kind::Notification,
        Kind::InviteLink,
        Kind::Invitation,
        Kind::ArtistAlias,
        Kind::ReviewLink,
        Kind::Organization,
        Kind::RosterEntry,
        Kind::Image,
        Kind::Document,
    ];
}

/// The global id of an object.
pub(crate) fn encode(kind: Kind, id: Uuid) -> async_graphql::ID {
    async_graphql::ID(format!("{}_{}", kind.prefix(), id.simple()))
}

/// Splits any global id into kind and UUID; `None` when malformed.
pub(crate) fn decode_any(id: &str) -> Option<(Kind, Uuid)> {
    let (prefix, rest) = id.split_once('_')?;
    let kind = Kind::ALL.into_iter().find(|kind| kind.prefix() == prefix)?;
    Some((kind, Uuid::try_parse(rest).ok()?))
}

/// Decodes the id of an object of `kind` given in argument `field`.
pub(crate) fn decode(kind: Kind, id: &async_graphql::ID, field: &str) -> async_graphql::Result<Uuid> {
    match decode_any(id) {
        Some((found, uuid)) if found == kind => Ok(uuid),
        _ => Err(bad_input(
            field,
            format!("'{}' is not a {} id", id.as_str(), kind.name()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_keep_their_kind() -> async_graphql::Result<()> {
        let uuid = Uuid::now_v7();
        let id = encode(Kind::Track, uuid);
        assert!(id.starts_with("trk_"));
        assert_eq!(decode(Kind::Track, &id, "id")?, uuid);
        assert!(decode(Kind::Project, &id, "id").is_err());
        assert_eq!(decode_any("nope"), None);
        assert_eq!(decode_any("trk_xyz"), None);
        Ok(())
    }
}
