//! Repository tests on a fresh database (SQLite, or PostgreSQL with `TEST_DATABASE_URL`).

use backline_application::ports::{
    CollaboratorRepository, InvitationRepository, NewUser, RefreshTokenRecord, RepoError, RotateOutcome,
    SessionRepository, Unique, UserRepository, WorkspaceRepository,
};
use backline_db::testing::TestDatabase;
use backline_db::{
    Database, SqlCollaboratorRepository, SqlInvitationRepository, SqlSessionRepository, SqlUserRepository,
    SqlWorkspaceRepository,
};
use backline_domain::access::ResourceKind;
use backline_domain::identity::{Session, Subscription, User};
use backline_domain::ids::{ArtistSpaceId, CollaboratorId, InvitationId, ProjectId, SessionId, UserId};
use backline_domain::page::{Direction, PageRequest};
use backline_domain::roles::{AuthMethod, Plan, PlatformRole, Role, SubscriptionStatus};
use backline_domain::sharing::{Invitation, InvitationStatus};
use backline_domain::values::SlugType;
use backline_domain::workspace::{ArtistSpace, Collaborator, MembershipStatus, Project, ProjectStatus, ResourcePath};
use chrono::Utc;
use uuid::Uuid;

/// A fresh migrated database and its pool, the guard first so that it drops after the pool
/// (a tuple's bindings drop last first).
async fn database() -> anyhow::Result<(TestDatabase, Database)> {
    let fresh = TestDatabase::new().await?;
    let db = Database::connect(fresh.url()).await?;
    db.migrate_up().await?;
    Ok((fresh, db))
}

fn new_user(name: &str) -> NewUser {
    let now = Utc::now();
    let id = UserId(Uuid::now_v7());
    NewUser {
        user: User {
            id,
            email: format!("{name}@example.com"),
            username: name.to_owned(),
            image: None,
            auth_method: AuthMethod::Email,
            is_verified: false,
            country_code: None,
            platform_role: PlatformRole::Artist,
            created_at: now,
            updated_at: now,
        },
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        subscription: Subscription {
            user_id: id,
            plan: Plan::Free,
            status: SubscriptionStatus::Active,
            billing_cycle: None,
            current_period_end: None,
            storage_used: 0,
            created_at: now,
        },
    }
}

fn owner_row(resource: Uuid, kind: ResourceKind, user: UserId) -> Collaborator {
    let now = Utc::now();
    Collaborator {
        id: CollaboratorId(Uuid::now_v7()),
        resource_id: resource,
        resource_kind: kind,
        user_id: user,
        role: Role::Owner,
        status: MembershipStatus::Active,
        added_at: now,
        joined_at: now,
        removed_at: None,
        removed_by: None,
    }
}

fn space(owner: UserId, slug: &str) -> ArtistSpace {
    let now = Utc::now();
    ArtistSpace {
        id: ArtistSpaceId(Uuid::now_v7()),
        short_id: Uuid::now_v7().simple().to_string()[26..].to_owned(),
        slug: slug.into(),
        slug_type: SlugType::Auto,
        name: slug.into(),
        image: None,
        bio: None,
        country_code: None,
        links: serde_json::json!({}),
        owner_id: owner,
        created_at: now,
        updated_at: now,
    }
}

fn project(space: &ArtistSpace, owner: UserId, slug: &str) -> Project {
    let now = Utc::now();
    Project {
        id: ProjectId(Uuid::now_v7()),
        short_id: Uuid::now_v7().simple().to_string()[26..].to_owned(),
        slug: slug.into(),
        slug_type: SlugType::Auto,
        name: slug.into(),
        image: None,
        description: None,
        artist_space_id: space.id,
        owner_id: owner,
        status: ProjectStatus::Draft,
        created_at: now,
        updated_at: now,
    }
}

/// Two accounts, ana and bo, and a space "s" ana owns.
/// A fresh database with two accounts, ana and bo, and a space "s" ana owns, with the
/// repositories the tests use. The guard is the last field, so it drops after the pool.
struct AnaAndBo {
    db: Database,
    workspace: SqlWorkspaceRepository,
    collaborators: SqlCollaboratorRepository,
    ana: NewUser,
    bo: NewUser,
    s: ArtistSpace,
    _fresh: TestDatabase,
}

async fn ana_bo_and_anas_space() -> anyhow::Result<AnaAndBo> {
    let (fresh, db) = database().await?;
    let users = SqlUserRepository::new(db.clone());
    let workspace = SqlWorkspaceRepository::new(db.clone());
    let (ana, bo) = (new_user("ana"), new_user("bo"));
    users.create(&ana).await?;
    users.create(&bo).await?;
    let s = space(ana.user.id, "s");
    workspace
        .insert_space(&s, &owner_row(s.id.0, ResourceKind::ArtistSpace, ana.user.id))
        .await?;
    Ok(AnaAndBo {
        collaborators: SqlCollaboratorRepository::new(db.clone()),
        db,
        workspace,
        ana,
        bo,
        s,
        _fresh: fresh,
    })
}

#[tokio::test]
async fn unique_emails_and_usernames_are_reported_as_duplicates() -> anyhow::Result<()> {
    let (_fresh, db) = database().await?;
    let users = SqlUserRepository::new(db);
    let ana = new_user("ana");
    users.create(&ana).await?;
    let mut same_email = new_user("other");
    same_email.user.email = ana.user.email.clone();
    assert!(matches!(
        users.create(&same_email).await,
        Err(RepoError::Duplicate(Unique::Email))
    ));
    let mut same_name = new_user("ANA");
    same_name.user.email = "x@example.com".into();
    assert!(matches!(
        users.create(&same_name).await,
        Err(RepoError::Duplicate(Unique::Username))
    ));
    assert_eq!(
        users.find_by_username("AnA").await?.map(|user| user.id),
        Some(ana.user.id)
    );
    Ok(())
}

#[tokio::test]
async fn pages_children_of_many_parents_in_one_statement() -> anyhow::Result<()> {
    let (_fresh, db) = database().await?;
    let users = SqlUserRepository::new(db.clone());
    let workspace = SqlWorkspaceRepository::new(db.clone());
    let ana = new_user("ana");
    users.create(&ana).await?;
    let (a, b) = (space(ana.user.id, "a"), space(ana.user.id, "b"));
    for s in [&a, &b] {
        workspace
            .insert_space(s, &owner_row(s.id.0, ResourceKind::ArtistSpace, ana.user.id))
            .await?;
    }
    let mut a_projects = Vec::new();
    for i in 0..5 {
        let p = project(&a, ana.user.id, &format!("p{i}"));
        workspace
            .insert_project(&p, &owner_row(p.id.0, ResourceKind::Project, ana.user.id))
            .await?;
        a_projects.push(p.id);
    }
    let before = db.statements_executed();
    let pages = workspace.projects_of(&[a.id, b.id], PageRequest::first(2)).await?;
    assert_eq!(db.statements_executed() - before, 1);
    let page_a = &pages[&a.id];
    assert_eq!(
        page_a.items.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![a_projects[4], a_projects[3]]
    );
    assert!(page_a.has_next_page);
    assert!(pages[&b.id].items.is_empty());

    let after = PageRequest {
        after: Some(a_projects[3].0),
        before: None,
        limit: 2,
        direction: Direction::Forward,
    };
    let next = workspace.projects_of(&[a.id], after).await?;
    assert_eq!(
        next[&a.id].items.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![a_projects[2], a_projects[1]]
    );
    let backward = PageRequest {
        after: None,
        before: Some(a_projects[1].0),
        limit: 2,
        direction: Direction::Backward,
    };
    let previous = workspace.projects_of(&[a.id], backward).await?;
    assert_eq!(
        previous[&a.id].items.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![a_projects[3], a_projects[2]]
    );
    assert_eq!(
        workspace.count_projects_of(&[a.id, b.id]).await?,
        [(a.id, 5), (b.id, 0)].into_iter().collect()
    );
    Ok(())
}

#[tokio::test]
async fn deleting_a_space_removes_everything_in_it() -> anyhow::Result<()> {
    let (_fresh, db) = database().await?;
    let users = SqlUserRepository::new(db.clone());
    let workspace = SqlWorkspaceRepository::new(db.clone());
    let collaborators = SqlCollaboratorRepository::new(db.clone());
    let ana = new_user("ana");
    users.create(&ana).await?;
    let s = space(ana.user.id, "s");
    workspace
        .insert_space(&s, &owner_row(s.id.0, ResourceKind::ArtistSpace, ana.user.id))
        .await?;
    let p = project(&s, ana.user.id, "p");
    workspace
        .insert_project(&p, &owner_row(p.id.0, ResourceKind::Project, ana.user.id))
        .await?;
    assert!(matches!(
        workspace
            .insert_project(
                &project(&s, ana.user.id, "p"),
                &owner_row(Uuid::now_v7(), ResourceKind::Project, ana.user.id)
            )
            .await,
        Err(RepoError::Duplicate(_))
    ));
    workspace.delete_space(s.id).await?;
    assert!(workspace.spaces(&[s.id]).await?.is_empty());
    assert!(workspace.projects(&[p.id]).await?.is_empty());
    assert!(collaborators.roles_of(ana.user.id, &[s.id.0, p.id.0]).await?.is_empty());
    Ok(())
}

#[tokio::test]
async fn a_removed_collaborator_keeps_a_removed_row_and_comes_back_on_a_new_one() -> anyhow::Result<()> {
    let AnaAndBo {
        db: _,
        workspace,
        collaborators,
        ana,
        bo,
        s,
        _fresh,
    } = ana_bo_and_anas_space().await?;
    let path = ResourcePath::Space(s.id);
    let joined = Utc::now();
    let joining = Collaborator::joining(CollaboratorId(Uuid::now_v7()), path, bo.user.id, Role::Editor, joined)
        .join_onto(collaborators.membership(s.id.0, bo.user.id).await?);
    collaborators.join(&joining).await?;
    let row = joining.into_row();
    assert_eq!(collaborators.count_for(&[s.id.0]).await?[&s.id.0], 2);

    let removed = row
        .remove(Some(ana.user.id), Utc::now())
        .ok_or_else(|| anyhow::anyhow!("active"))?;
    assert!(collaborators.remove(&removed, &[]).await?);
    assert!(
        !collaborators.remove(&removed, &[]).await?,
        "a second removal finds nothing ACTIVE"
    );
    // No role, not listed, not counted; the row is kept as REMOVED.
    assert!(collaborators.roles_of(bo.user.id, &[s.id.0]).await?.is_empty());
    assert!(collaborators.find(s.id.0, bo.user.id).await?.is_none());
    assert_eq!(collaborators.count_for(&[s.id.0]).await?[&s.id.0], 1);
    assert_eq!(collaborators.all_for(&[s.id.0]).await?.len(), 1);
    assert_eq!(workspace.count_spaces_of_user(bo.user.id).await?, 0);
    let stored = collaborators
        .membership(s.id.0, bo.user.id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("kept"))?;
    assert_eq!(stored.status, MembershipStatus::Removed);
    assert_eq!(stored.removed_by, Some(ana.user.id));
    let former = collaborators.former(s.id.0, 10).await?;
    assert_eq!(former.len(), 1);
    assert_eq!((former[0].user_id, former[0].role), (bo.user.id, Role::Editor));

    // Joining again starts a new ACTIVE row; the past membership stays in the history.
    let again = Collaborator::joining(
        CollaboratorId(Uuid::now_v7()),
        path,
        bo.user.id,
        Role::Viewer,
        Utc::now(),
    )
    .join_onto(Some(stored.clone()));
    collaborators.join(&again).await?;
    let back = collaborators
        .find(s.id.0, bo.user.id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("active again"))?;
    assert_ne!(back.id, stored.id);
    assert_eq!((back.role, back.status), (Role::Viewer, MembershipStatus::Active));
    assert_eq!(
        collaborators.membership(s.id.0, bo.user.id).await?.map(|row| row.id),
        Some(back.id)
    );
    assert_eq!(collaborators.former(s.id.0, 10).await?.len(), 1);
    // A second ACTIVE row for the same pair is refused.
    let twice = Collaborator::joining(
        CollaboratorId(Uuid::now_v7()),
        path,
        bo.user.id,
        Role::Viewer,
        Utc::now(),
    );
    assert!(matches!(
        collaborators.join(&twice.join_onto(None)).await,
        Err(RepoError::Duplicate(Unique::Membership))
    ));
    Ok(())
}

fn invitation(space: &ArtistSpace, inviter: UserId, email: &str) -> Invitation {
    let now = Utc::now();
    Invitation {
        id: InvitationId(Uuid::now_v7()),
        resource_id: space.id.0,
        resource_kind: ResourceKind::ArtistSpace,
        inviter_id: inviter,
        email: email.to_owned(),
        role: Role::Editor,
        status: InvitationStatus::Pending,
        token_hash: Uuid::now_v7().simple().to_string(),
        message: None,
        expires_at: now + chrono::Duration::days(7),
        created_at: now,
        updated_at: now,
    }
}

#[tokio::test]
async fn one_pending_invitation_per_address_and_accepting_writes_an_active_row() -> anyhow::Result<()> {
    let AnaAndBo {
        db,
        workspace: _,
        collaborators,
        ana,
        bo,
        s,
        _fresh,
    } = ana_bo_and_anas_space().await?;
    let invitations = SqlInvitationRepository::new(db.clone());
    let first = invitation(&s, ana.user.id, &bo.user.email);
    invitations.insert(&first, &[]).await?;
    // Both backends name the same rule for the partial unique index.
    assert!(matches!(
        invitations
            .insert(&invitation(&s, ana.user.id, &bo.user.email), &[])
            .await,
        Err(RepoError::Duplicate(Unique::Membership))
    ));
    let joining = Collaborator::joining(
        CollaboratorId(Uuid::now_v7()),
        ResourcePath::Space(s.id),
        bo.user.id,
        Role::Editor,
        Utc::now(),
    );
    let member = invitations
        .accept(first.id, &joining, Utc::now(), &[])
        .await?
        .ok_or_else(|| anyhow::anyhow!("the pending invitation was accepted"))?;
    assert_eq!((member.role, member.status), (Role::Editor, MembershipStatus::Active));
    assert_eq!(
        collaborators.find(s.id.0, bo.user.id).await?.map(|row| row.status),
        Some(MembershipStatus::Active)
    );
    assert!(
        invitations.accept(first.id, &joining, Utc::now(), &[]).await?.is_none(),
        "an accepted invitation is not accepted again"
    );
    // Once answered, the address may be invited again.
    invitations
        .insert(&invitation(&s, ana.user.id, &bo.user.email), &[])
        .await?;
    Ok(())
}

#[tokio::test]
async fn a_refresh_token_rotates_once_even_under_concurrency() -> anyhow::Result<()> {
    let (_fresh, db) = database().await?;
    let users = SqlUserRepository::new(db.clone());
    let sessions = SqlSessionRepository::new(db.clone());
    let ana = new_user("ana");
    users.create(&ana).await?;
    let now = Utc::now();
    let session = Session {
        id: SessionId(Uuid::now_v7()),
        user_id: ana.user.id,
        user_agent: None,
        ip: None,
        created_at: now,
        last_active_at: now,
        expires_at: now + chrono::Duration::days(30),
        revoked_at: None,
    };
    let token = |hash: &str| RefreshTokenRecord {
        id: Uuid::now_v7(),
        session_id: session.id,
        token_hash: hash.into(),
        created_at: now,
        expires_at: now + chrono::Duration::days(30),
        used_at: None,
    };
    let first = token("first");
    sessions.create(&session, &first).await?;
    let (token_a, token_b) = (token("a"), token("b"));
    let (a, b) = tokio::join!(
        sessions.rotate(first.id, &token_a, now),
        sessions.rotate(first.id, &token_b, now)
    );
    let outcomes = [a?, b?];
    assert_eq!(
        outcomes
            .iter()
            .filter(|outcome| **outcome == RotateOutcome::Rotated)
            .count(),
        1,
        "{outcomes:?}"
    );
    assert!(sessions.revoke(session.id, now).await?);
    assert!(!sessions.revoke(session.id, now).await?);
    assert!(sessions.list_active(ana.user.id, now).await?.is_empty());
    Ok(())
}

#[tokio::test]
async fn every_migration_reverts_and_reapplies() -> anyhow::Result<()> {
    let (_fresh, db) = database().await?;
    let applied = db.migration_status().await?.len();
    assert!(applied >= 13, "{applied} migrations");
    for _ in 0..applied {
        db.migrate_down().await?;
    }
    assert!(
        db.migration_status().await?.iter().all(|status| !status.applied),
        "everything reverted"
    );
    db.migrate_up().await?;
    assert!(db.migration_status().await?.iter().all(|status| status.applied));
    db.close().await
}

#[tokio::test]
async fn former_collaborators_move_from_the_old_history_table_onto_stored_rows() -> anyhow::Result<()> {
    use backline_migration::{Alias, Migrator, MigratorTrait, Query};
    use sea_orm::ConnectionTrait;

    let AnaAndBo {
        db,
        workspace: _,
        collaborators: _,
        ana,
        bo,
        s,
        _fresh,
    } = ana_bo_and_anas_space().await?;
    // Back to the schema before stored membership, where a removed collaborator's row lived in
    // `collaborator_history`.
    let conn = backline_db::testing::connection(&db);
    Migrator::down(conn, Some(1)).await?;
    let (joined, removed) = (
        Utc::now() - chrono::Duration::days(9),
        Utc::now() - chrono::Duration::days(2),
    );
    let former = Query::insert()
        .into_table(Alias::new("collaborator_history"))
        .columns(
            [
                "id",
                "resource_id",
                "resource_kind",
                "user_id",
                "role",
                "status",
                "joined_at",
                "removed_at",
                "removed_by",
            ]
            .map(Alias::new),
        )
        .values_panic([
            Uuid::now_v7().into(),
            s.id.0.into(),
            "ARTIST_SPACE".into(),
            bo.user.id.0.into(),
            "EDITOR".into(),
            "REMOVED".into(),
            joined.into(),
            removed.into(),
            Some(ana.user.id.0).into(),
        ])
        .to_owned();
    conn.execute(&former).await?;
    Migrator::up(conn, None).await?;

    let collaborators = SqlCollaboratorRepository::new(db.clone());
    let history = collaborators.former(s.id.0, 10).await?;
    assert_eq!(history.len(), 1);
    assert_eq!(
        (history[0].user_id, history[0].role, history[0].removed_by),
        (bo.user.id, Role::Editor, Some(ana.user.id))
    );
    assert_eq!(history[0].removed_at.timestamp(), removed.timestamp());
    let owner = collaborators
        .find(s.id.0, ana.user.id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the owner stays"))?;
    assert_eq!(
        (owner.status, owner.joined_at),
        (MembershipStatus::Active, owner.added_at)
    );
    assert!(collaborators.find(s.id.0, bo.user.id).await?.is_none());
    assert!(collaborators.roles_of(bo.user.id, &[s.id.0]).await?.is_empty());
    Ok(())
}

#[tokio::test]
async fn an_owners_row_keeps_its_role_and_stays_even_when_read_before_it_became_the_owners() -> anyhow::Result<()> {
    let AnaAndBo {
        db: _,
        workspace: _,
        collaborators,
        ana,
        bo,
        s,
        _fresh,
    } = ana_bo_and_anas_space().await?;
    let path = ResourcePath::Space(s.id);
    let joining = Collaborator::joining(
        CollaboratorId(Uuid::now_v7()),
        path,
        bo.user.id,
        Role::Admin,
        Utc::now(),
    )
    .join_onto(None);
    collaborators.join(&joining).await?;
    // Read as ADMIN; then Bo is made owner before the change lands.
    let read = joining.into_row();
    let promoted = Collaborator::joining(
        CollaboratorId(Uuid::now_v7()),
        path,
        bo.user.id,
        Role::Owner,
        Utc::now(),
    )
    .join_onto(Some(read.clone()));
    collaborators.transfer_ownership(path, ana.user.id, &promoted).await?;
    assert!(matches!(
        collaborators.set_role(s.id.0, bo.user.id, Role::Viewer).await,
        Err(RepoError::NotFound)
    ));
    let removal = read
        .remove(Some(ana.user.id), Utc::now())
        .ok_or_else(|| anyhow::anyhow!("active"))?;
    assert!(!collaborators.remove(&removal, &[]).await?, "an owner is not removed");
    let row = collaborators
        .find(s.id.0, bo.user.id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("Bo's row"))?;
    assert_eq!((row.role, row.status), (Role::Owner, MembershipStatus::Active));
    Ok(())
}
