//! A real SMTP server on loopback (the `mailin-embedded` crate) that keeps what it is
//! sent, for the notification tests: Concord's own mailer and worker send to it exactly as
//! they would to a mail server.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use mail_parser::MessageParser;
use mailin_embedded::{Handler, Server, response};

/// A mail as the server received it, read back with a real MIME parser.
#[derive(Clone, Debug)]
pub struct Received {
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub list_unsubscribe: Option<String>,
    pub list_unsubscribe_post: Option<String>,
}

impl Received {
    /// Every http(s) link in the plain text.
    pub fn links(&self) -> Vec<String> {
        self.text
            .split_whitespace()
            .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
            .map(str::to_string)
            .collect()
    }

    /// The first link whose path starts with `prefix`, as a local path with its query.
    #[track_caller]
    pub fn link(&self, prefix: &str) -> String {
        self.links()
            .into_iter()
            .filter_map(|l| {
                l.split_once("://")
                    .and_then(|(_, rest)| rest.find('/').map(|at| rest[at..].to_string()))
            })
            .find(|path| path.starts_with(prefix))
            .unwrap_or_else(|| panic!("no link to {prefix} in:\n{}", self.text))
    }
}

/// Each mail as received: its envelope recipients and its raw bytes.
type Kept = Arc<Mutex<Vec<(Vec<String>, Vec<u8>)>>>;

#[derive(Clone)]
struct Keeper {
    to: Vec<String>,
    data: Vec<u8>,
    kept: Kept,
}

impl Handler for Keeper {
    fn data_start(
        &mut self,
        _domain: &str,
        _from: &str,
        _is8bit: bool,
        to: &[String],
    ) -> mailin_embedded::Response {
        self.to = to.to_vec();
        self.data.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> mailin_embedded::Response {
        let mail = (std::mem::take(&mut self.to), std::mem::take(&mut self.data));
        self.kept.lock().expect("kept mail").push(mail);
        response::OK
    }
}

pub struct SmtpSink {
    pub port: u16,
    kept: Kept,
}

impl SmtpSink {
    /// A server listening on a free loopback port.
    pub fn start() -> Self {
        let sink = Self::down();
        sink.listen();
        sink
    }

    /// A free port with nothing listening on it yet: the mail server is down until
    /// [`SmtpSink::listen`].
    pub fn down() -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        SmtpSink {
            port,
            kept: Arc::default(),
        }
    }

    pub fn listen(&self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).expect("bind the SMTP port");
        let mut server = Server::new(Keeper {
            to: Vec::new(),
            data: Vec::new(),
            kept: self.kept.clone(),
        });
        server
            .with_name("sink.test")
            .with_num_threads(32)
            .with_tcp_listener(listener);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Everything received so far, in order.
    pub fn received(&self) -> Vec<Received> {
        let kept = self.kept.lock().expect("kept mail").clone();
        kept.into_iter()
            .map(|(to, raw)| {
                let message = MessageParser::default()
                    .parse(&raw)
                    .expect("a mail message");
                let header = |name: &str| message.header_raw(name).map(|v| v.trim().to_string());
                Received {
                    to: to
                        .into_iter()
                        .map(|t| t.trim_matches(['<', '>']).to_string())
                        .collect(),
                    subject: message.subject().unwrap_or_default().to_string(),
                    text: message.body_text(0).unwrap_or_default().to_string(),
                    html: message.body_html(0).unwrap_or_default().to_string(),
                    list_unsubscribe: header("List-Unsubscribe"),
                    list_unsubscribe_post: header("List-Unsubscribe-Post"),
                }
            })
            .collect()
    }

    /// What reached one address.
    pub fn to(&self, address: &str) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(address)))
            .collect()
    }
}
