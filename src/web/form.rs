//! Form validation that keeps what the person typed: handlers collect messages per field
//! in [`FormErrors`] and render the same form again with the input and the messages.
//! [`Field`] and [`Choice`] carry one input to `templates/fields.html`'s macros.

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
