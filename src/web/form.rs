//! Form validation that keeps what the person typed: handlers collect messages per field
//! in [`FormErrors`] and render the same form again with the input and the messages.
//! [`Field`] and [`Choice`] carry one input to `templates/fields.html`'s macros.
//! [`Form`] reads a submitted form, refusing what no browser sends.

use axum::extract::{FromRequest, RawForm, Request};
use serde::de::DeserializeOwned;

use crate::error::AppError;
use crate::web::extract::percent_decode;

/// A form as a browser sends it (`application/x-www-form-urlencoded`, UTF-8, each name
/// once), deserialized into `T`. Anything else is one 400 page saying what was wrong,
/// since no form of ours produces it: duplicate names (`a=1&a=2`, `a[]=1&a[]=2`), text
/// that is not UTF-8, malformed escapes, or a value the type cannot hold. Forms whose
/// names repeat on purpose (checkboxes) read [`RawForm`] and [`pairs`] instead.
pub struct Form<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = axum::response::Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        use axum::response::IntoResponse;
        let RawForm(body) = RawForm::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let refuse = |why: String| {
            AppError::BadRequest(format!(
                "This form did not arrive the way a browser sends it: {why}. Please go back, reload the page and send it again."
            ))
            .into_response()
        };
        let pairs = pairs(&body).map_err(refuse)?;
        let mut names = std::collections::BTreeSet::new();
        if let Some((name, _)) = pairs.iter().find(|(name, _)| !names.insert(name.as_str())) {
            return Err(refuse(format!(
                "the field “{}” appears more than once",
                shown(name)
            )));
        }
        serde_urlencoded::from_bytes(&body)
            .map(Form)
            .map_err(|e| refuse(format!("{e}")))
    }
}

/// A field name for a message: printable and short.
fn shown(name: &str) -> String {
    name.chars().filter(|c| !c.is_control()).take(40).collect()
}

/// The name-value pairs of a urlencoded body, in order; an error when a name or value
/// is not UTF-8 once decoded or an escape is malformed.
pub fn pairs(body: &[u8]) -> Result<Vec<(String, String)>, String> {
    let decode = |part: &[u8]| {
        let spaced: Vec<u8> = part
            .iter()
            .map(|&b| if b == b'+' { b' ' } else { b })
            .collect();
        let bytes = percent_decode(&spaced).ok_or("it has a malformed %-escape")?;
        String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text")
    };
    body.split(|&b| b == b'&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut halves = part.splitn(2, |&b| b == b'=');
            let name = decode(halves.next().unwrap_or_default())?;
            let value = decode(halves.next().unwrap_or_default())?;
            Ok((name, value))
        })
        .collect::<Result<_, &str>>()
        .map_err(str::to_string)
}

/// Messages per form field, in the order they were found.
#[derive(Clone, Debug, Default)]
pub struct FormErrors(Vec<(&'static str, String)>);

impl FormErrors {
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push((field, message.into()));
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &(&'static str, String)> {
        self.0.iter()
    }

    /// Checks a required text field: trimmed, not empty, at most `max` characters.
    pub fn required(
        &mut self,
        field: &'static str,
        label: &str,
        value: &str,
        max: usize,
    ) -> String {
        let value = value.trim();
        if value.is_empty() {
            self.add(field, format!("{label} is required."));
        } else {
            self.check_length(field, label, value, max);
        }
        value.to_string()
    }

    /// Checks an optional text field: trimmed, at most `max` characters; empty is `None`.
    pub fn optional(
        &mut self,
        field: &'static str,
        label: &str,
        value: &str,
        max: usize,
    ) -> Option<String> {
        let value = value.trim();
        self.check_length(field, label, value, max);
        (!value.is_empty()).then(|| value.to_string())
    }

    fn check_length(&mut self, field: &'static str, label: &str, value: &str, max: usize) {
        let length = value.chars().count();
        if length > max {
            self.add(
                field,
                format!("{label} is too long: {length} characters, at most {max}."),
            );
        } else if value
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            self.add(field, format!("{label} contains control characters."));
        }
    }
}

/// A text field with its label, what was typed, a hint and the error, if any.
#[derive(Clone, Debug)]
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub value: String,
    pub hint: &'static str,
    pub error: Option<String>,
    pub max: usize,
}

impl Field {
    pub fn new(
        name: &'static str,
        label: &'static str,
        value: &str,
        max: usize,
        errors: &FormErrors,
    ) -> Self {
        Field {
            name,
            label,
            value: value.to_string(),
            hint: "",
            error: errors.get(name).map(str::to_string),
            max,
        }
    }

    pub fn hint(mut self, hint: &'static str) -> Self {
        self.hint = hint;
        self
    }

    /// Whether a time field may show its value in a `datetime-local` control
    /// (`fields.html`'s `datetime` falls back to a text box, keeping what was typed).
    pub fn fits_datetime_local(&self) -> bool {
        crate::web::dates::fits_datetime_local(self.value.trim())
    }

    /// The ids of the hint and the error message, for `aria-describedby`.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if !self.hint.is_empty() {
            ids.push(format!("{}-hint", self.name));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.name));
        }
        ids.join(" ")
    }
}

/// A choice among fixed options.
#[derive(Clone, Debug)]
pub struct Choice {
    pub name: &'static str,
    pub label: &'static str,
    pub options: Vec<Choosable>,
    pub error: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Choosable {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

impl Choice {
    pub fn described_by(&self) -> String {
        if self.error.is_some() {
            format!("{}-error", self.name)
        } else {
            String::new()
        }
    }
}

/// Every message of a form, for the summary above it.
pub fn render_errors(errors: &FormErrors) -> Vec<String> {
    errors.iter().map(|(_, message)| message.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_decoded_strictly() {
        assert_eq!(
            pairs(b"a=1+2&b=%C3%A9&&c").unwrap(),
            vec![
                ("a".to_string(), "1 2".to_string()),
                ("b".to_string(), "é".to_string()),
                ("c".to_string(), String::new()),
            ]
        );
        assert!(pairs(b"a=%FF%FE").is_err());
        assert!(pairs(b"a=%G1").is_err());
    }

    #[test]
    fn required_field_is_trimmed_and_bounded() {
        let mut errors = FormErrors::default();
        assert_eq!(errors.required("t", "Title", "  hi  ", 5), "hi");
        assert!(errors.is_empty());
        errors.required("t", "Title", "   ", 5);
        assert_eq!(errors.get("t"), Some("Title is required."));
        let mut errors = FormErrors::default();
        errors.required("t", "Title", "ééééééé", 6);
        assert_eq!(
            errors.get("t"),
            Some("Title is too long: 7 characters, at most 6.")
        );
    }

    #[test]
    fn optional_field_allows_empty_but_not_control_characters() {
        let mut errors = FormErrors::default();
        assert_eq!(errors.optional("n", "Note", " ", 5), None);
        assert!(errors.is_empty());
        errors.optional("n", "Note", "a\u{0}b", 5);
        assert_eq!(errors.get("n"), Some("Note contains control characters."));
    }
}
