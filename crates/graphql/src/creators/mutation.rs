//! Artist profiles and labels: organizations, members, rosters.

use async_graphql::{Context, ID, InputObject, Object};
use backline_application::creators as uc;
use backline_application::creators::{
    PressKitInput, ProfileUpload, SocialInput, UpdateArtistProfile, VisualInput, delete_profile_upload,
    update_artist_profile,
};
use backline_application::workspace::SpaceLookup;
use backline_domain::ids::{ArtistSpaceId, DocumentId, FileId, ImageId, OrganizationId, UserId};

use crate::common::context::parts;
use crate::common::error::{GqlResult, bad_input};
use crate::common::ids::{Kind, decode};
use crate::common::nodes::{ArtistSpaceNode, OrganizationNode, RosterEntryNode};
use crate::creators::types::{GqlOrgRole, GqlVisualKind, OrgMemberNode, roster_nodes};

#[derive(Default)]
pub(crate) struct CreatorMutation;

/// A social handle.
#[derive(InputObject)]
struct SocialHandleInput {
    /// The platform (`instagram`, `tiktok`; 1-32 letters, digits, `_` or `-`).
    platform: String,
    /// The handle as shown (1-200 characters).
    handle: String,
    /// A link to the profile (http or https).
    url: Option<String>,
}

/// A press kit: give exactly one of `url`, `documentId` and `fileId`.
#[derive(InputObject)]
struct PressKitEntryInput {
    /// What it is (1-200 characters).
    title: String,
    /// Where it lives (http or https).
    url: Option<String>,
    /// A PDF or ZIP stored in this space with `uploadDocument`.
    document_id: Option<ID>,
    /// An audio file uploaded to one of this space's tracks.
    file_id: Option<ID>,
}

/// A visual: give either `url` or `imageId`.
#[derive(InputObject)]
struct VisualEntryInput {
    /// PHOTO, ARTWORK or VIDEO.
    kind: GqlVisualKind,
    /// Where it lives (http or https).
    url: Option<String>,
    /// An image uploaded to this space with `uploadImage(input: {target: ARTIST_VISUAL})`.
    image_id: Option<ID>,
    /// A caption or credit (at most 200 characters).
    caption: Option<String>,
}

/// Input of `updateArtistProfile`: each list given replaces the saved one; what is left out
/// stays.
#[derive(InputObject)]
struct UpdateArtistProfileInput {
    /// Long text about the artist (at most 20,000 characters; empty clears it).
    about: Option<String>,
    /// Social handles (at most 30, one per platform).
    socials: Option<Vec<SocialHandleInput>>,
    /// Press kits (at most 30).
    press_kits: Option<Vec<PressKitEntryInput>>,
    /// Visuals (at most 30).
    visuals: Option<Vec<VisualEntryInput>>,
    /// ISO 3166-1 alpha-2 country code; an empty string clears it.
    country_code: Option<String>,
}

/// Input of `createOrganization`.
#[derive(InputObject)]
struct CreateOrganizationInput {
    /// The organization's name (1-120 characters).
    name: String,
    /// A chosen slug (PRO plan or higher); derived from the name when left out.
    slug: Option<String>,
}

/// Input of `requestRoster`: name the space by `artistSpaceId` or `artistSpaceSlug`.
#[derive(InputObject)]
struct RequestRosterInput {
    /// The organization asking.
    organization_id: ID,
    /// The space's id.
    artist_space_id: Option<ID>,
    /// The space's slug (or an active alias's).
    artist_space_slug: Option<String>,
}

fn organization(id: &ID, field: &str) -> async_graphql::Result<OrganizationId> {
    Ok(OrganizationId(decode(Kind::Organization, id, field)?))
}

fn roster_id(id: &ID) -> async_graphql::Result<uuid::Uuid> {
    decode(Kind::RosterEntry, id, "id")
}

async fn one_entry(
    ctx: &Context<'_>,
    entry: backline_domain::organizations::RosterEntry,
) -> async_graphql::Result<RosterEntryNode> {
    roster_nodes(ctx, vec![entry])
        .await?
        .pop()
        .ok_or_else(|| async_graphql::Error::new("roster entry is missing"))
}

#[Object]
impl CreatorMutation {
    /// Changes an artist space's profile (OWNER and ADMIN). Everything is checked before
    /// anything is saved.
    async fn update_artist_profile(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The space.")] artist_space_id: ID,
        #[graphql(desc = "The changes.")] input: UpdateArtistProfileInput,
    ) -> async_graphql::Result<ArtistSpaceNode> {
        let (app, request) = parts(ctx)?;
        let id = ArtistSpaceId(decode(Kind::ArtistSpace, &artist_space_id, "artistSpaceId")?);
        let press_kits = input
            .press_kits
            .map(|kits| {
                kits.into_iter()
                    .map(|kit| {
                        Ok(PressKitInput {
                            title: kit.title,
                            url: kit.url,
                            file_id: kit
                                .file_id
                                .map(|id| decode(Kind::File, &id, "pressKits").map(FileId))
                                .transpose()?,
                            document_id: kit
                                .document_id
                                .map(|id| decode(Kind::Document, &id, "pressKits").map(DocumentId))
                                .transpose()?,
                        })
                    })
                    .collect::<async_graphql::Result<Vec<_>>>()
            })
            .transpose()?;
        let visuals = input
            .visuals
            .map(|visuals| {
                visuals
                    .into_iter()
                    .map(|visual| {
                        Ok(VisualInput {
                            kind: visual.kind.into(),
                            url: visual.url,
                            image_id: visual
                                .image_id
                                .map(|id| decode(Kind::Image, &id, "visuals").map(ImageId))
                                .transpose()?,
                            caption: visual.caption,
                        })
                    })
                    .collect::<async_graphql::Result<Vec<_>>>()
            })
            .transpose()?;
        let change = UpdateArtistProfile {
            about: input.about,
            socials: input.socials.map(|socials| {
                socials
                    .into_iter()
                    .map(|social| SocialInput {
                        platform: social.platform,
                        handle: social.handle,
                        url: social.url,
                    })
                    .collect()
            }),
            press_kits,
            visuals,
            country_code: input
                .country_code
                .map(|code| Some(code).filter(|code| !code.trim().is_empty())),
        };
        let (space, _) = update_artist_profile(&app.creators, &request.actor, id, change)
            .await
            .gql()?;
        Ok(ArtistSpaceNode(space))
    }

    /// Deletes a press-kit document of a space (OWNER and ADMIN), taking it out of the profile
    /// if it is listed there; its bytes return to the uploader. Returns its id.
    async fn delete_document(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The document.")] id: ID,
    ) -> async_graphql::Result<ID> {
        let (app, request) = parts(ctx)?;
        let document = DocumentId(decode(Kind::Document, &id, "id")?);
        delete_profile_upload(&app.creators, &request.actor, ProfileUpload::Document(document))
            .await
            .gql()?;
        Ok(id)
    }

    /// Deletes a visual image of a space (OWNER and ADMIN), taking it out of the profile if it
    /// is listed there; its bytes return to the uploader. Returns its id.
    async fn delete_artist_visual(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The image (`img_…`).")] image_id: ID,
    ) -> async_graphql::Result<ID> {
        let (app, request) = parts(ctx)?;
        let image = ImageId(decode(Kind::Image, &image_id, "imageId")?);
        delete_profile_upload(&app.creators, &request.actor, ProfileUpload::Visual(image))
            .await
            .gql()?;
        Ok(image_id)
    }

    /// Creates an organization (a label) with you as its OWNER.
    async fn create_organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The name and an optional chosen slug.")] input: CreateOrganizationInput,
    ) -> async_graphql::Result<OrganizationNode> {
        let (app, request) = parts(ctx)?;
        let created = uc::create_organization(&app.creators, &request.actor, &input.name, input.slug.as_deref())
            .await
            .gql()?;
        Ok(OrganizationNode(
            created,
            backline_domain::organizations::OrgRole::Owner,
        ))
    }

    /// Adds a member or changes their role. Owners manage everyone; admins add and remove plain
    /// members. An organization keeps at least one owner.
    async fn set_organization_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization.")] organization_id: ID,
        #[graphql(desc = "The person.")] user_id: ID,
        #[graphql(desc = "Their role.")] role: GqlOrgRole,
    ) -> async_graphql::Result<OrgMemberNode> {
        let (app, request) = parts(ctx)?;
        let org = organization(&organization_id, "organizationId")?;
        let user = UserId(decode(Kind::User, &user_id, "userId")?);
        Ok(OrgMemberNode(
            uc::set_organization_member(&app.creators, &request.actor, org, user, role.into())
                .await
                .gql()?,
        ))
    }

    /// Removes a member (or leave, with your own id). Their ADMIN access to rostered spaces
    /// ends at once. Returns the removed user's id.
    async fn remove_organization_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization.")] organization_id: ID,
        #[graphql(desc = "The person.")] user_id: ID,
    ) -> async_graphql::Result<ID> {
        let (app, request) = parts(ctx)?;
        let org = organization(&organization_id, "organizationId")?;
        let user = UserId(decode(Kind::User, &user_id, "userId")?);
        uc::remove_organization_member(&app.creators, &request.actor, org, user)
            .await
            .gql()?;
        Ok(user_id)
    }

    /// Asks to add an artist space to the organization's roster (its OWNERs and ADMINs). The
    /// space's owner is notified (NEW_INVITE) and accepts or declines.
    async fn request_roster(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization and the space.")] input: RequestRosterInput,
    ) -> async_graphql::Result<RosterEntryNode> {
        let (app, request) = parts(ctx)?;
        let org = organization(&input.organization_id, "organizationId")?;
        let space = match (input.artist_space_id, input.artist_space_slug) {
            (Some(id), None) => SpaceLookup::Id(ArtistSpaceId(decode(Kind::ArtistSpace, &id, "artistSpaceId")?)),
            (None, Some(slug)) => SpaceLookup::Slug(slug),
            _ => {
                return Err(bad_input(
                    "artistSpaceId",
                    "give exactly one of artistSpaceId and artistSpaceSlug",
                ));
            }
        };
        let entry = uc::request_roster(&app.creators, &request.actor, org, space)
            .await
            .gql()?;
        one_entry(ctx, entry).await
    }

    /// The space's owner accepts a roster request: the organization's owners and admins act as
    /// ADMIN on the space from now on.
    async fn accept_roster_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The roster entry.")] id: ID,
    ) -> async_graphql::Result<RosterEntryNode> {
        let (app, request) = parts(ctx)?;
        let entry = uc::accept_roster_request(&app.creators, &request.actor, roster_id(&id)?)
            .await
            .gql()?;
        one_entry(ctx, entry).await
    }

    /// The space's owner declines a roster request.
    async fn decline_roster_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The roster entry.")] id: ID,
    ) -> async_graphql::Result<RosterEntryNode> {
        let (app, request) = parts(ctx)?;
        let entry = uc::decline_roster_request(&app.creators, &request.actor, roster_id(&id)?)
            .await
            .gql()?;
        one_entry(ctx, entry).await
    }

    /// Takes a space off a roster (the space's owner, or the organization's owners and
    /// admins); the organization's access ends at once, live subscriptions included.
    async fn remove_from_roster(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The roster entry.")] id: ID,
    ) -> async_graphql::Result<RosterEntryNode> {
        let (app, request) = parts(ctx)?;
        let entry = uc::remove_from_roster(&app.creators, &request.actor, roster_id(&id)?)
            .await
            .gql()?;
        one_entry(ctx, entry).await
    }
}
