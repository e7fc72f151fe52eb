//! Shared HTTP pieces every room uses: who is asking, CSRF, flash messages, the page
//! layout, form validation and Markdown rendering.

pub mod csrf;
pub mod dates;
pub mod extract;
pub mod flash;
pub mod form;
pub mod layout;
pub mod markdown;
pub mod security;
