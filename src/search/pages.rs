use askama::Template;
use askama_web::WebTemplate;

use super::db::Hit;
use super::model::{self, Kind, Order, Params, Search};
use crate::web::dates::format_utc;
use crate::web::layout::Layout;

/// One hit as shown.
#[derive(Clone, Debug)]
pub struct HitView {
    pub kind: &'static str,
    pub title: String,
    pub href: String,
    pub team: Option<(String, String)>,
    /// Each piece of the snippet, and whether it matched.
    pub snippet: Vec<(String, bool)>,
    pub at: String,
    /// For a person: the teams they belong to now, as (slug, name).
    pub teams: Vec<(String, String)>,
}

impl HitView {
    pub fn of(hit: &Hit, teams: Vec<(String, String)>) -> Option<HitView> {
        let kind = Kind::parse(&hit.kind)?;
        Some(HitView {
            kind: kind.label(),
            title: hit.title.clone(),
            href: model::link(
                kind,
                hit.id,
                hit.parent_id,
                hit.slug.as_deref(),
                hit.team_slug.as_deref(),
            ),
            team: hit.team_slug.clone().zip(hit.team_name.clone()),
            snippet: model::snippet_parts(&hit.snippet),
            at: format_utc(hit.at),
            teams,
        })
    }
}

/// An option of a filter.
#[derive(Clone, Debug)]
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "search/index.html")]
pub struct SearchPage {
    pub layout: Layout,
    /// What was typed, shown back as is.
    pub q: String,
    pub kinds: Vec<Opt>,
    pub teams: Vec<Opt>,
    pub newest: bool,
    pub problems: Vec<String>,
    /// None until something was searched for.
    pub hits: Option<Vec<HitView>>,
    pub page: i64,
    pub previous: Option<String>,
    pub next: Option<String>,
}

impl SearchPage {
    /// The form, filled with what was typed, and the filters' options.
    pub fn new(layout: Layout, params: &Params, teams: &[(String, String)]) -> SearchPage {
        let typed = |v: &Option<String>| v.as_deref().unwrap_or("").trim().to_string();
        let kind = typed(&params.kind);
        let team = typed(&params.team);
        let mut kinds = vec![Opt {
            value: String::new(),
            label: "Everything".into(),
            selected: kind.is_empty() || kind == "all",
        }];
        kinds.extend(Kind::ALL.into_iter().map(|k| Opt {
            value: k.as_str().into(),
            label: k.label().into(),
            selected: kind == k.as_str(),
        }));
        let mut team_options = vec![Opt {
            value: String::new(),
            label: "Every team".into(),
            selected: team.is_empty(),
        }];
        team_options.extend(teams.iter().map(|(slug, name)| Opt {
            value: slug.clone(),
            label: name.clone(),
            selected: team == *slug,
        }));
        SearchPage {
            layout,
            q: params.q.clone().unwrap_or_default(),
            kinds,
            teams: team_options,
            newest: typed(&params.order) == "newest",
            problems: Vec::new(),
            hits: None,
            page: 1,
            previous: None,
            next: None,
        }
    }

    /// The page of hits for `search`; `more` when there is a next page.
    pub fn with_hits(mut self, search: &Search, hits: Vec<HitView>, more: bool) -> SearchPage {
        self.page = search.page;
        self.previous = (search.page > 1).then(|| search.href(search.page - 1));
        self.next = (more && search.page < model::MAX_PAGE).then(|| search.href(search.page + 1));
        self.newest = search.order == Order::Newest;
        self.hits = Some(hits);
        self
    }
}
