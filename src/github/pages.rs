//! The pages of `templates/github/`.

use askama::Template;
use askama_web::WebTemplate;

use super::model::Change;
use super::sync::TeamPlan;
use crate::web::form::{Field, FormErrors, render_errors};
use crate::web::layout::Layout;

/// `/teams/<slug>/github`: the team's link, and the form to set it.
#[derive(Template, WebTemplate)]
#[template(path = "github/team.html")]
pub struct TeamGithubPage {
    pub layout: Layout,
    pub team_slug: String,
    pub team_name: String,
    /// The organization the App is installed on; `None`: the App is not configured.
    pub org: Option<String>,
    /// The GitHub team linked now, with who linked it and when.
    pub linked: Option<(String, String, String)>,
    pub slug: Field,
    pub problems: Vec<String>,
    /// Whether the person may set the link (a lead or an administrator).
    pub may_link: bool,
    /// What the daily check last found, one sentence each.
    pub drift: Vec<String>,
}

impl TeamGithubPage {
    pub fn new(
        layout: Layout,
        team: &crate::teams::model::Team,
        org: Option<String>,
        linked: Option<(String, String, String)>,
        typed: &str,
        errors: &FormErrors,
    ) -> Self {
        TeamGithubPage {
            layout,
            team_slug: team.slug.clone(),
            team_name: team.name.clone(),
            org,
            linked,
            slug: Field::new("github_slug", "GitHub team slug", typed, 100, errors)
                .hint("As in github.com/orgs/<org>/teams/<slug>. Concord's ledger stays the source of truth: the plan on /admin/github makes the GitHub team match it."),
            problems: render_errors(errors),
            may_link: true,
            drift: Vec::new(),
        }
    }
}

/// One linked team's plan, as the administrators' page shows it.
pub struct PlanView {
    pub team_slug: String,
    pub team_name: String,
    pub github_team: String,
    pub changes: Vec<Change>,
}

impl From<&TeamPlan> for PlanView {
    fn from(plan: &TeamPlan) -> Self {
        PlanView {
            team_slug: plan.link.team_slug.clone(),
            team_name: plan.link.team_name.clone(),
            github_team: plan.github_team.clone(),
            changes: plan.changes.clone(),
        }
    }
}

/// `/admin/github`: every linked team's plan, and the apply button.
#[derive(Template, WebTemplate)]
#[template(path = "github/admin.html")]
pub struct AdminGithubPage {
    pub layout: Layout,
    pub org: Option<String>,
    pub plans: Vec<PlanView>,
    /// Why the plan could not be made (GitHub could not be asked).
    pub problem: Option<String>,
}

impl AdminGithubPage {
    pub fn drift(&self) -> usize {
        self.plans.iter().map(|p| p.changes.len()).sum()
    }
}
