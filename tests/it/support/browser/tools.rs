//! The programs the browser tests need, found on the machine and started once per test
//! run: chromedriver (which starts a headless Chromium per session) and the Nu Html
//! Checker as an HTTP service. Nothing is downloaded here: Chromium and chromedriver come
//! from Debian's `chromium` and `chromium-driver` packages, the checkers from `npm ci`.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Set by CI (which installs everything): a missing piece fails instead of skipping.
pub const REQUIRE_VAR: &str = "CONCORD_REQUIRE_BROWSER";

const INSTALL: &str = "apt-get install chromium chromium-driver default-jre-headless \
                       && npm ci --ignore-scripts";

pub struct Tools {
    pub chromium: PathBuf,
    pub webdriver_url: String,
    pub vnu_url: String,
    pub axe_source: String,
    /// The watchdogs' pipes: they stop chromedriver and the checker when this process
    /// ends, however it ends. Never read; kept open until then.
    _watchdogs: Mutex<Vec<ChildStdin>>,
}

static TOOLS: OnceLock<Result<Tools, String>> = OnceLock::new();

/// The running tools, or why they cannot run. Starts them on first use.
pub fn tools() -> Result<&'static Tools, &'static str> {
    TOOLS.get_or_init(start).as_ref().map_err(String::as_str)
}

pub fn required() -> bool {
    std::env::var(REQUIRE_VAR).is_ok_and(|v| v == "1")
}

/// Prints the loud banner (once per run) for a skipped browser test. Straight to the
/// process's stderr: `eprintln!` in a test is captured, and shown only if the test fails.
pub fn announce_skip(test: &str, why: &str) {
    use std::io::Write;
    static BANNER: std::sync::Once = std::sync::Once::new();
    let mut stderr = std::io::stderr().lock();
    BANNER.call_once(|| {
        let _ = writeln!(
            stderr,
            "\n{bar}\n!! BROWSER TESTS SKIPPED: {why}\n!! Pages are NOT being checked in a real \
             browser, for valid HTML or for accessibility.\n!! Install the missing pieces with: \
             {INSTALL}\n!! ({REQUIRE_VAR}=1 turns this skip into a failure, as CI does.)\n{bar}\n",
            bar = "!".repeat(78)
        );
    });
    let _ = writeln!(stderr, "skipped browser test {test}: {why}");
}

fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

fn start() -> Result<Tools, String> {
    let from_env = |var: &str| {
        std::env::var_os(var)
            .map(PathBuf::from)
            .filter(|path| path.is_file())
    };
    let chromium =
        from_env("CONCORD_CHROMIUM").or_else(|| on_path(&["chromium", "chromium-browser"]));
    let chromedriver = from_env("CONCORD_CHROMEDRIVER").or_else(|| on_path(&["chromedriver"]));
    let java = on_path(&["java"]);
    let vnu_jar = repo_root().join("node_modules/vnu-jar/build/dist/vnu.jar");
    let axe_js = repo_root().join("node_modules/axe-core/axe.min.js");
    let mut missing = Vec::new();
    if chromium.is_none() {
        missing.push("chromium (Debian package `chromium`)".to_string());
    }
    if chromedriver.is_none() {
        missing.push("chromedriver (Debian package `chromium-driver`)".to_string());
    }
    if java.is_none() {
        missing.push("java 17+ (Debian package `default-jre-headless`)".to_string());
    }
    for file in [&vnu_jar, &axe_js] {
        if !file.is_file() {
            missing.push(format!("{} (run `npm ci`)", file.display()));
        }
    }
    let (Some(chromium), Some(chromedriver), Some(java), true) =
        (chromium, chromedriver, java, missing.is_empty())
    else {
        return Err(format!("missing {}", missing.join(", ")));
    };
    let axe_source = std::fs::read_to_string(&axe_js).map_err(|e| format!("read axe: {e}"))?;

    let log_dir = std::env::temp_dir().join(format!("concord-browser-{}", std::process::id()));
    std::fs::create_dir_all(&log_dir).map_err(|e| format!("create {}: {e}", log_dir.display()))?;
    let driver_port = free_port();
    let vnu_port = free_port();
    let driver = watched(
        Command::new(&chromedriver)
            .arg(format!("--port={driver_port}"))
            .arg("--allowed-ips=127.0.0.1"),
        &log_dir.join("chromedriver.log"),
    )?;
    let vnu = watched(
        Command::new(&java)
            // Quick start over peak speed (half the CPU to get going; the documents are
            // small). The C1-only JIT needs a deeper stack for the schema compiler.
            .args(["-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss32m"])
            .arg("-Dnu.validator.servlet.bind-address=127.0.0.1")
            .arg("-cp")
            .arg(&vnu_jar)
            .arg("nu.validator.servlet.Main")
            .arg(vnu_port.to_string()),
        &log_dir.join("vnu.log"),
    )?;
    // chromedriver is quick; the checker reads its schemas and the HTML spec first, which
    // takes a while on a busy machine. Tests drive the browser meanwhile and wait for it
    // only when they check their pages (`wait_for_checker`).
    wait_for_port(driver_port, Duration::from_secs(20))
        .map_err(|()| format!("chromedriver did not start; see {}", log_dir.display()))?;
    Ok(Tools {
        chromium,
        webdriver_url: format!("http://127.0.0.1:{driver_port}"),
        vnu_url: format!("http://127.0.0.1:{vnu_port}/"),
        axe_source,
        _watchdogs: Mutex::new(vec![driver, vnu]),
    })
}

/// Waits (polling, up to three minutes) until the checker service answers.
pub async fn wait_for_checker(tools: &Tools) -> Result<(), String> {
    static READY: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    READY
        .get_or_try_init(|| async move {
            let started = Instant::now();
            let http = checker_client();
            loop {
                // Jetty may open the port before the checker has loaded its schemas, and
                // answer with an error page meanwhile: only a report on a tiny document
                // shows that the checker is ready (and warms it up).
                let probe = http
                    .post(format!("{}?out=json", tools.vnu_url))
                    .header("content-type", "text/html; charset=utf-8")
                    .body("<!DOCTYPE html><html lang=en><title>probe</title></html>")
                    .send()
                    .await;
                let answer = match probe {
                    Ok(response) => {
                        let status = response.status();
                        let body = response.text().await.unwrap_or_default();
                        let report: serde_json::Value =
                            serde_json::from_str(&body).unwrap_or_default();
                        if report["messages"].is_array() {
                            return Ok(());
                        }
                        format!("{status}: {}", body.chars().take(300).collect::<String>())
                    }
                    Err(e) => e.to_string(),
                };
                if started.elapsed() > Duration::from_secs(180) {
                    return Err(format!(
                        "the Nu Html Checker at {} was not ready within three minutes; its \
                         last answer: {answer}",
                        tools.vnu_url
                    ));
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
        .await
        .map(|_| ())
}

/// An HTTP client for the checker, which refuses requests without a User-Agent.
pub fn checker_client() -> reqwest::Client {
    reqwest::Client::builder()
        .user_agent("concord-browser-tests")
        .build()
        .expect("an HTTP client")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn wait_for_port(port: u16, limit: Duration) -> Result<(), ()> {
    let started = Instant::now();
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    while started.elapsed() < limit {
        if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(())
}

/// Starts `command` under a shell watchdog in a process group of its own: when this
/// process ends, the watchdog's stdin closes and it ends the whole group (chromedriver
/// takes its Chromiums with it), so no browser outlives the test run. A Java that does not
/// stop on SIGTERM (it can hang in a shutdown hook while still starting) gets SIGKILL.
fn watched(command: &mut Command, log: &Path) -> Result<ChildStdin, String> {
    let program = command.get_program().to_owned();
    let args: Vec<_> = command.get_args().map(ToOwned::to_owned).collect();
    let script = r#"
exec 3<&0
"$0" "$@" >>"$CONCORD_TOOL_LOG" 2>&1 </dev/null &
cat <&3 >/dev/null
trap '' TERM
kill -TERM 0
sleep 5
kill -KILL 0
"#;
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(&program)
        .args(&args)
        .env("CONCORD_TOOL_LOG", log)
        .process_group(0)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("start {}: {e}", program.to_string_lossy()))?;
    child
        .stdin
        .take()
        .ok_or_else(|| "no watchdog pipe".to_string())
}
