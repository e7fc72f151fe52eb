//! The page of `templates/inbox/`.

use askama::Template;
use askama_web::WebTemplate;
use time::OffsetDateTime;

use super::model::Section;
use crate::decisions::model::time_left;
use crate::web::dates::format_utc;
use crate::web::layout::Layout;

#[derive(Clone, Debug)]
pub struct ItemView {
    pub title: String,
    pub url: String,
    pub context: String,
    /// "closes 2026-03-09 09:00 UTC (6 days left)", or empty.
    pub due: String,
}

#[derive(Clone, Debug)]
pub struct SectionView {
    pub heading: &'static str,
    pub empty: &'static str,
    pub items: Vec<ItemView>,
    /// How many more the section holds than it lists.
    pub more: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "inbox/index.html")]
pub struct InboxPage {
    pub layout: Layout,
    pub sections: Vec<SectionView>,
}

impl InboxPage {
    pub fn new(layout: Layout, sections: Vec<Section>, now: OffsetDateTime) -> Self {
        InboxPage {
            layout,
            sections: sections
                .into_iter()
                .map(|s| SectionView {
                    heading: s.heading,
                    empty: s.empty,
                    more: s.more,
                    items: s
                        .items
                        .into_iter()
                        .map(|i| ItemView {
                            due: i
                                .due_at
                                .map(|at| {
                                    format!("closes {} ({})", format_utc(at), time_left(at, now))
                                })
                                .unwrap_or_default(),
                            title: i.title,
                            url: i.url,
                            context: i.context,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}
