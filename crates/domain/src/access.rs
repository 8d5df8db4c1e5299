//! The access matrix of seed 000, exactly, as one pure function. `docs/access-control.md`
//! explains how each cell is applied.

use crate::roles::Role;

/// The kinds of resource the matrix speaks of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourceKind {
    /// An artist space.
    ArtistSpace,
    /// A project inside a space.
    Project,
    /// A track inside a project.
    Track,
    /// A file (an audio version or an image) on a track.
    File,
    /// A time-synced comment on a file.
    Comment,
}

impl ResourceKind {
    /// Every kind, in the matrix's column order.
    pub const ALL: [ResourceKind; 5] = [
        ResourceKind::ArtistSpace,
        ResourceKind::Project,
        ResourceKind::Track,
        ResourceKind::File,
        ResourceKind::Comment,
    ];
}

/// What an actor wants to do. `Create` is judged on the role the actor holds on the parent the
/// new resource goes into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Create a resource of the kind inside a parent.
    Create,
    /// Read it.
    Read,
    /// Change it.
    Update,
    /// Delete it.
    Delete,
}

impl Action {
    /// Every action, in C/R/U/D order.
    pub const ALL: [Action; 4] = [Action::Create, Action::Read, Action::Update, Action::Delete];
}

/// Whether `role` may perform `action` on a resource of `kind` (seed 000's matrix):
///
/// | Actor  | ArtistSpace | Project | Track | File | Comment |
/// |--------|-------------|---------|-------|------|---------|
/// | Owner  | CRUD        | CRUD    | CRUD  | CRUD | CRUD    |
/// | Admin  | RU          | CRUD    | CRUD  | CRUD | CRUD    |
/// | Editor | R           | R       | RU    | CRU  | CRUD    |
/// | Viewer | R           | R       | R     | R    | CR      |
pub fn permits(role: Role, kind: ResourceKind, action: Action) -> bool {
    use Action::{Create as C, Read as R, Update as U};
    use ResourceKind as K;
    match (role, kind) {
        (Role::Owner, _) => true,
        (Role::Admin, K::ArtistSpace) => matches!(action, R | U),
        (Role::Admin, _) => true,
        (Role::Editor, K::ArtistSpace | K::Project) => action == R,
        (Role::Editor, K::Track) => matches!(action, R | U),
        (Role::Editor, K::File) => matches!(action, C | R | U),
        (Role::Editor, K::Comment) => true,
        (Role::Viewer, K::Comment) => matches!(action, C | R),
        (Role::Viewer, _) => action == R,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The seed's matrix as text, one row per role, one cell per kind.
    const MATRIX: [(Role, [&str; 5]); 4] = [
        (Role::Owner, ["CRUD", "CRUD", "CRUD", "CRUD", "CRUD"]),
        (Role::Admin, ["RU", "CRUD", "CRUD", "CRUD", "CRUD"]),
        (Role::Editor, ["R", "R", "RU", "CRU", "CRUD"]),
        (Role::Viewer, ["R", "R", "R", "R", "CR"]),
    ];

    #[test]
    fn all_eighty_cells_match_the_seed() {
        let mut checked = 0;
        for (role, cells) in MATRIX {
            for (kind, cell) in ResourceKind::ALL.into_iter().zip(cells) {
                for (action, letter) in Action::ALL.into_iter().zip(['C', 'R', 'U', 'D']) {
                    assert_eq!(
                        permits(role, kind, action),
                        cell.contains(letter),
                        "{role:?} {kind:?} {action:?}"
                    );
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 80);
    }
}
