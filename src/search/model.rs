//! What a search asks for, checked; what a hit links to; the highlighted snippet.

/// How many hits a page shows.
pub const PAGE_SIZE: i64 = 20;
/// The last page a search may ask for: past it, a better query serves better than paging.
pub const MAX_PAGE: i64 = 50;
/// The longest query read.
pub const MAX_QUERY_CHARS: usize = 200;

/// Marks the start and end of a matched word in the snippet PostgreSQL's `ts_headline`
/// returns (control characters, so that no text is taken for markup; the snippet is
/// escaped as text when shown).
pub const MARK_START: char = '\u{2}';
pub const MARK_END: char = '\u{3}';

/// The kinds of thing a search finds, as named in the `kind` filter and in the SQL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Team,
    Rfc,
    Feedback,
    Decision,
    Call,
    Post,
    Comment,
    Person,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::Team,
        Kind::Rfc,
        Kind::Feedback,
        Kind::Decision,
        Kind::Call,
        Kind::Post,
        Kind::Comment,
        Kind::Person,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Team => "team",
            Kind::Rfc => "rfc",
            Kind::Feedback => "feedback",
            Kind::Decision => "decision",
            Kind::Call => "call",
            Kind::Post => "post",
            Kind::Comment => "comment",
            Kind::Person => "person",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The label in the filter and on a hit.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Team => "Team",
            Kind::Rfc => "RFC",
            Kind::Feedback => "Feedback",
            Kind::Decision => "Decision",
            Kind::Call => "Call for nominations",
            Kind::Post => "Update",
            Kind::Comment => "Comment",
            Kind::Person => "Person",
        }
    }
}

/// Best match first, or newest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Order {
    #[default]
    Best,
    Newest,
}

/// The raw parameters of `/search`, as typed: every one optional, none refused by the
/// extractor, so that a bad value is answered with a message on the page.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct Params {
    pub q: Option<String>,
    pub kind: Option<String>,
    pub team: Option<String>,
    pub order: Option<String>,
    pub page: Option<String>,
}

/// A search checked and ready to run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Search {
    pub q: String,
    pub kind: Option<Kind>,
    /// The team's slug; the handler looks it up.
    pub team: Option<String>,
    pub order: Order,
    /// 1-based.
    pub page: i64,
}

impl Search {
    /// Reads the parameters; every problem is a sentence for the page, and what was
    /// typed is kept by the caller.
    pub fn from_params(p: &Params) -> Result<Search, Vec<String>> {
        let mut problems = Vec::new();
        let q = p.q.as_deref().unwrap_or("").trim().to_string();
        if q.chars().count() > MAX_QUERY_CHARS {
            problems.push(format!(
                "A search can be at most {MAX_QUERY_CHARS} characters long."
            ));
        }
        let kind = match p.kind.as_deref().map(str::trim).unwrap_or("") {
            "" | "all" => None,
            other => match Kind::parse(other) {
                Some(kind) => Some(kind),
                None => {
                    problems.push("Choose one of the kinds listed.".to_string());
                    None
                }
            },
        };
        let team = match p.team.as_deref().map(str::trim).unwrap_or("") {
            "" => None,
            slug => Some(slug.to_string()),
        };
        let order = match p.order.as_deref().map(str::trim).unwrap_or("") {
            "" | "best" => Order::Best,
            "newest" => Order::Newest,
            _ => {
                problems.push("Order by best match or newest first.".to_string());
                Order::Best
            }
        };
        let page = match p.page.as_deref().map(str::trim).unwrap_or("") {
            "" => 1,
            n => match n.parse::<i64>() {
                Ok(n) if (1..=MAX_PAGE).contains(&n) => n,
                _ => {
                    problems.push(format!("Pages go from 1 to {MAX_PAGE}."));
                    1
                }
            },
        };
        if problems.is_empty() {
            Ok(Search {
                q,
                kind,
                team,
                order,
                page,
            })
        } else {
            Err(problems)
        }
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1) * PAGE_SIZE
    }

    /// The query string of this search on another page.
    pub fn href(&self, page: i64) -> String {
        let mut pairs = vec![("q", self.q.clone())];
        if let Some(kind) = self.kind {
            pairs.push(("kind", kind.as_str().to_string()));
        }
        if let Some(team) = &self.team {
            pairs.push(("team", team.clone()));
        }
        if self.order == Order::Newest {
            pairs.push(("order", "newest".to_string()));
        }
        if page > 1 {
            pairs.push(("page", page.to_string()));
        }
        let query = serde_urlencoded::to_string(pairs).unwrap_or_default();
        format!("/search?{query}")
    }
}

/// Where a hit's page is, from its kind and the ids the query returned.
pub fn link(
    kind: Kind,
    id: i64,
    parent_id: Option<i64>,
    slug: Option<&str>,
    team_slug: Option<&str>,
) -> String {
    match kind {
        Kind::Team => format!("/teams/{}", slug.unwrap_or_default()),
        Kind::Rfc => format!("/rfcs/{id}"),
        Kind::Feedback => format!("/rfcs/{}#feedback-{id}", parent_id.unwrap_or_default()),
        Kind::Decision => format!("/decisions/{id}"),
        Kind::Call => format!("/calls/{id}"),
        Kind::Post | Kind::Comment => format!(
            "/posts/{}/{}",
            team_slug.unwrap_or_default(),
            slug.unwrap_or_default()
        ),
        Kind::Person => format!("/people/{}", slug.unwrap_or_default()),
    }
}

/// The snippet as pieces of text, each marked as matched or not. Markdown's emphasis,
/// heading and code marks are left out (a snippet is plain text), and so are line breaks.
pub fn snippet_parts(snippet: &str) -> Vec<(String, bool)> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut marked = false;
    for c in snippet.chars() {
        match c {
            MARK_START | MARK_END => {
                if !current.is_empty() {
                    parts.push((std::mem::take(&mut current), marked));
                }
                marked = c == MARK_START;
            }
            '*' | '#' | '`' => {}
            '\n' | '\r' => current.push(' '),
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        parts.push((current, marked));
    }
    parts
}

/// The options given to `ts_headline`.
pub fn headline_options() -> String {
    format!("StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=30, MinWords=12")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        let query = serde_urlencoded::to_string(pairs).expect("encode");
        serde_urlencoded::from_str(&query).expect("decode")
    }

    #[test]
    fn a_plain_query_is_the_best_matches_on_the_first_page() {
        let s = Search::from_params(&params(&[("q", "  pull requests ")])).expect("valid");
        assert_eq!(s.q, "pull requests");
        assert_eq!(
            (s.kind, s.team.clone(), s.order, s.page),
            (None, None, Order::Best, 1)
        );
        assert_eq!(s.offset(), 0);
    }

    #[test]
    fn filters_are_read_and_written_back() {
        let p = params(&[
            ("q", "bots"),
            ("kind", "rfc"),
            ("team", "core"),
            ("order", "newest"),
            ("page", "3"),
        ]);
        let s = Search::from_params(&p).expect("valid");
        assert_eq!(s.kind, Some(Kind::Rfc));
        assert_eq!(s.offset(), 2 * PAGE_SIZE);
        assert_eq!(
            s.href(4),
            "/search?q=bots&kind=rfc&team=core&order=newest&page=4"
        );
        assert_eq!(s.href(1), "/search?q=bots&kind=rfc&team=core&order=newest");
    }

    #[test]
    fn bad_values_are_each_named() {
        let p = params(&[
            ("q", &"x".repeat(MAX_QUERY_CHARS + 1)),
            ("kind", "secrets"),
            ("order", "loudest"),
            ("page", "0"),
        ]);
        let problems = Search::from_params(&p).expect_err("invalid");
        assert_eq!(problems.len(), 4, "{problems:?}");
        let page = Search::from_params(&params(&[("page", "999999999999999999999")]));
        assert!(page.is_err());
    }

    #[test]
    fn every_kind_parses_back() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
        }
    }

    #[test]
    fn a_snippet_splits_at_its_marks() {
        let s = format!("Bots may {MARK_START}open{MARK_END} <b>{MARK_START}pulls{MARK_END}");
        assert_eq!(
            snippet_parts(&s),
            vec![
                ("Bots may ".to_string(), false),
                ("open".to_string(), true),
                (" <b>".to_string(), false),
                ("pulls".to_string(), true),
            ]
        );
    }

    #[test]
    fn a_snippet_leaves_markdown_marks_out() {
        let s = format!("## Why\n**Bots** may {MARK_START}open{MARK_END} `pulls`");
        assert_eq!(
            snippet_parts(&s),
            vec![
                (" Why Bots may ".to_string(), false),
                ("open".to_string(), true),
                (" pulls".to_string(), false),
            ]
        );
    }

    #[test]
    fn links_go_to_each_kinds_page() {
        assert_eq!(
            link(Kind::Feedback, 7, Some(3), None, Some("core")),
            "/rfcs/3#feedback-7"
        );
        assert_eq!(
            link(Kind::Comment, 9, Some(2), Some("hello"), Some("core")),
            "/posts/core/hello"
        );
        assert_eq!(
            link(Kind::Person, 1, None, Some("ada-lo"), None),
            "/people/ada-lo"
        );
    }
}
