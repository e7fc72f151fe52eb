//! People as Concord knows them, and the rules for GitHub logins.

use serde::{Deserialize, Serialize};

/// A person. Keyed by our own id; `github_id` is GitHub's numeric id (logins can be
/// renamed), absent for people created by development sign-in or named by an
/// administrator before their first sign-in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: i64,
    pub login: String,
    pub name: Option<String>,
    pub is_admin: bool,
}

impl User {
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.login)
    }
}

/// The identity GitHub's `GET /user` returns; only what we keep.
#[derive(Clone, Debug, Deserialize)]
pub struct GithubIdentity {
    pub id: i64,
    pub login: String,
    pub name: Option<String>,
    pub avatar_url: Option<String>,
    /// The public address, when the person shows one: a suggestion for /settings only.
    #[serde(default)]
    pub email: Option<String>,
}

/// GitHub's rule for logins: 1 to 39 ASCII letters, digits or single hyphens, not
/// starting or ending with a hyphen.
pub fn is_valid_login(login: &str) -> bool {
    !login.is_empty()
        && login.len() <= 39
        && login
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !login.starts_with('-')
        && !login.ends_with('-')
        && !login.contains("--")
}

/// Why a login was refused, for a form message.
pub fn login_problem(login: &str) -> Option<&'static str> {
    if login.is_empty() {
        Some("Enter a GitHub login.")
    } else if is_valid_login(login) {
        None
    } else {
        Some(
            "A GitHub login has 1 to 39 letters, digits or single hyphens, and does not start or end with a hyphen.",
        )
    }
}

/// An administrator's form to remove or restore a person.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct StandingForm {
    pub login: String,
    /// `remove` or `restore`.
    pub action: String,
}

impl StandingForm {
    /// The login and whether to remove (true) or restore (false) them.
    pub fn validate(&self) -> Result<(String, bool), crate::web::form::FormErrors> {
        let mut errors = crate::web::form::FormErrors::default();
        let login = self.login.trim();
        if let Some(problem) = login_problem(login) {
            errors.add("login", problem);
        }
        let remove = match self.action.as_str() {
            "remove" => true,
            "restore" => false,
            _ => {
                errors.add("action", "Choose whether to remove or restore the person.");
                true
            }
        };
        if errors.is_empty() {
            Ok((login.to_string(), remove))
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_valid_login;

    #[test]
    fn logins_follow_githubs_rule() {
        for ok in ["a", "amber-finch", "A1", &"x".repeat(39)] {
            assert!(is_valid_login(ok), "{ok}");
        }
        for bad in [
            "",
            "-a",
            "a-",
            "a--b",
            "a b",
            "a_b",
            "é",
            &"x".repeat(40),
            "a/b",
        ] {
            assert!(!is_valid_login(bad), "{bad}");
        }
    }
}

/// Where to go after sign-in: only a path on this site, never another host
/// (`//evil.example`, `/\evil.example` and `https://...` all become `/`).
pub fn local_path(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.chars().any(|c| c.is_control() || c == '\\')
                && path.len() <= 1000 =>
        {
            path.to_string()
        }
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod local_path_tests {
    use super::local_path;

    #[test]
    fn only_local_paths_are_kept() {
        assert_eq!(local_path(Some("/teams/core?x=1")), "/teams/core?x=1");
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "evil",
            "/a\\b",
            "/\nx",
            "",
        ] {
            assert_eq!(local_path(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(local_path(None), "/");
    }
}
