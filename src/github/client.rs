//! The few GitHub API calls Concord makes, as the App's installation: teams and their
//! members, people by login or id, team memberships, and issue comments.

use reqwest::Method;
use serde::Deserialize;
use serde_json::json;
use time::OffsetDateTime;

use super::app::{GithubApp, GithubError};
use super::model::Account;

#[derive(Deserialize)]
struct TeamAnswer {
    slug: String,
}

#[derive(Deserialize)]
struct MembershipAnswer {
    state: String,
}

#[derive(Deserialize)]
struct CommentAnswer {
    id: i64,
}

/// Members are read a page of 100 at a time, at most this many pages.
const MEMBER_PAGES: usize = 50;

impl GithubApp {
    /// Whether the organization has a team with this slug (its slug as GitHub spells it).
    pub async fn team(
        &self,
        slug: &str,
        now: OffsetDateTime,
    ) -> Result<Option<String>, GithubError> {
        match self
            .call::<TeamAnswer>(
                Method::GET,
                &format!("orgs/{}/teams/{slug}", self.org),
                None,
                now,
            )
            .await
        {
            Ok(team) => Ok(team.map(|t| t.slug)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every member of a team (direct and through child teams, as GitHub lists them).
    pub async fn team_members(
        &self,
        slug: &str,
        now: OffsetDateTime,
    ) -> Result<Vec<Account>, GithubError> {
        let mut all = Vec::new();
        for page in 1..=MEMBER_PAGES {
            let path = format!(
                "orgs/{}/teams/{slug}/members?per_page=100&page={page}",
                self.org
            );
            let batch = self
                .call::<Vec<Account>>(Method::GET, &path, None, now)
                .await?
                .unwrap_or_default();
            let last = batch.len() < 100;
            all.extend(batch);
            if last {
                break;
            }
        }
        Ok(all)
    }

    /// Whether a login is an active member of a team (a pending invitation is not).
    pub async fn is_team_member(
        &self,
        slug: &str,
        login: &str,
        now: OffsetDateTime,
    ) -> Result<bool, GithubError> {
        let path = format!("orgs/{}/teams/{slug}/memberships/{login}", self.org);
        match self
            .call::<MembershipAnswer>(Method::GET, &path, None, now)
            .await
        {
            Ok(answer) => Ok(answer.is_some_and(|m| m.state == "active")),
            Err(e) if e.is_not_found() => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The account with this login now, if any.
    pub async fn user_by_login(
        &self,
        login: &str,
        now: OffsetDateTime,
    ) -> Result<Option<Account>, GithubError> {
        match self
            .call::<Account>(Method::GET, &format!("users/{login}"), None, now)
            .await
        {
            Ok(account) => Ok(account),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The account with this numeric id, under its current login (renames followed).
    pub async fn user_by_id(
        &self,
        id: i64,
        now: OffsetDateTime,
    ) -> Result<Option<Account>, GithubError> {
        match self
            .call::<Account>(Method::GET, &format!("user/{id}"), None, now)
            .await
        {
            Ok(account) => Ok(account),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Adds a login to a team as a member (GitHub invites them to the organization first
    /// if they are not in it). Adding someone already in the team changes nothing.
    pub async fn add_to_team(
        &self,
        slug: &str,
        login: &str,
        now: OffsetDateTime,
    ) -> Result<(), GithubError> {
        let path = format!("orgs/{}/teams/{slug}/memberships/{login}", self.org);
        self.call::<serde_json::Value>(Method::PUT, &path, Some(&json!({ "role": "member" })), now)
            .await
            .map(|_| ())
    }

    /// Removes a login from a team; someone not in it is no error.
    pub async fn remove_from_team(
        &self,
        slug: &str,
        login: &str,
        now: OffsetDateTime,
    ) -> Result<(), GithubError> {
        let path = format!("orgs/{}/teams/{slug}/memberships/{login}", self.org);
        match self
            .call::<serde_json::Value>(Method::DELETE, &path, None, now)
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Writes a comment on an issue or pull request (`repo` is `owner/name`), or edits
    /// the one Concord wrote before (`existing`); returns the comment's id.
    pub async fn comment(
        &self,
        repo: &str,
        number: i64,
        existing: Option<i64>,
        body: &str,
        now: OffsetDateTime,
    ) -> Result<i64, GithubError> {
        let (method, path) = match existing {
            Some(id) => (Method::PATCH, format!("repos/{repo}/issues/comments/{id}")),
            None => (
                Method::POST,
                format!("repos/{repo}/issues/{number}/comments"),
            ),
        };
        self.call::<CommentAnswer>(method, &path, Some(&json!({ "body": body })), now)
            .await?
            .map(|c| c.id)
            .ok_or_else(|| GithubError::Garbage("no comment in the answer".into()))
    }
}
