//! The decision page (`--format html`): a snapshot for a small mixed shortlist of open models
//! (the fake hub's fixtures) and closed ones (`api:` refs); every text escaped, in content and
//! in attributes; nothing on the page that a browser would fetch; and the page checked in a
//! real headless browser (Debian's `chromium`, installed by scripts/install-browser.sh): the
//! rendered DOM has its rows and verdicts, the script ran without error, nothing was logged to
//! the console (a Content-Security-Policy violation or a script error would be), and no request
//! left the page, as seen by a proxy the browser is pointed at.

mod support;

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use support::fake_hub::FakeHub;
use support::{isopen, shortlist};

const TODAY: &str = "2026-12-05";

/// The page for the mixed shortlist, audited against the fake hub on `TODAY`.
fn mixed_page(hub: &FakeHub) -> String {
    let (mut cmd, _home) = isopen(&hub.url);
    let out = cmd
        .env("ISOPEN_TODAY", TODAY)
        .args(["batch", &shortlist("mixed.txt"), "--format", "html"])
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The page with what changes on every release or rule edit replaced.
fn stable(page: &str) -> String {
    let version = regex::Regex::new(r"isopen \d+\.\d+\.\d+").unwrap();
    let rules = regex::Regex::new(r"rules \d+ files [0-9a-f]{12}").unwrap();
    let catalog = regex::Regex::new(r"API catalog \d+ files [0-9a-f]{12}").unwrap();
    let page = version.replace_all(page, "isopen [version]");
    let page = rules.replace_all(&page, "rules [files] [hash]");
    catalog
        .replace_all(&page, "API catalog [files] [hash]")
        .into_owned()
}

#[test]
fn the_page_for_a_mixed_shortlist() {
    let hub = FakeHub::fixtures();
    let page = mixed_page(&hub);
    insta::assert_snapshot!("mixed_shortlist_page", stable(&page));
}

#[test]
fn the_matrix_holds_open_and_closed_models_with_their_answers() {
    let hub = FakeHub::fixtures();
    let page = mixed_page(&hub);
    for model in [
        "meta-llama/Llama-3.1-8B-Instruct",
        "EleutherAI/pythia-1b",
        "acme/card-says-nc",
        "api:openai/gpt-4o",
        "api:anthropic/claude-sonnet-4",
        "api:cohere/command-r-plus",
    ] {
        assert!(page.contains(&format!(">{model}</a>")), "{model}");
    }
    let rows = page.matches("<tr data-model=").count();
    assert_eq!(rows, 12, "six rows in the matrix and six in the questions");
    for verdict in ["conditional", "prohibited", "unknown"] {
        assert!(
            page.contains(&format!("data-verdict=\"{verdict}\"")),
            "{verdict}"
        );
    }
    for q in [
        "Self-hosting and data privacy",
        "Compute cost",
        "Fine-tuning rights",
        "Support and community",
        "Long-term viability",
    ] {
        assert!(page.contains(q), "{q}");
    }
    assert!(page.contains("Serving memory against parameters"));
    assert!(page.contains("Verdict and risk mix"));
    assert!(page.contains("@media print"));
    assert!(page.contains(&format!("audited on {TODAY}")));
    assert!(
        page.contains("stale"),
        "the catalog's entries are older than 180 days"
    );
}

#[test]
fn every_text_is_escaped_in_content_and_attributes() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("evil\"<b>model");
    std::fs::create_dir(&model).unwrap();
    std::fs::write(
        model.join("README.md"),
        "---\nlicense: other\nlicense_name: '</style><script>alert(1)</script>'\n\
         license_link: 'x\" onmouseover=\"alert(2)'\n\
         datasets:\n  - '\"><img src=x onerror=alert(3)>'\n---\n\
         # Card\n\n</title><script>alert(4)</script>\n",
    )
    .unwrap();
    std::fs::write(
        model.join("LICENSE"),
        "You may use this model <script>alert(5)</script> for research only, not commercially.\n",
    )
    .unwrap();
    let hub = FakeHub::fixtures();
    let (mut cmd, _home) = isopen(&hub.url);
    let out = cmd
        .env("ISOPEN_TODAY", TODAY)
        .args([
            "audit",
            model.to_str().unwrap(),
            "api:openai/gpt-4o",
            "--format",
            "html",
        ])
        .output()
        .unwrap();
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(
        page.contains("evil&quot;&lt;b&gt;model"),
        "the path, escaped"
    );
    assert!(!page.contains("evil\"<b>"), "the path is never raw");
    for raw in ["<script>alert", "<img", "\" onmouseover", "<b>model"] {
        assert!(!page.contains(raw), "{raw} reached the page raw");
    }
    assert!(page.contains("&lt;/style&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    // The page's own style and script, once each, and nothing closes them early.
    assert_eq!(page.matches("<script").count(), 1);
    assert_eq!(page.matches("</script>").count(), 1);
    assert_eq!(page.matches("<style").count(), 1);
    assert_eq!(page.matches("</style>").count(), 1);
    // Every `<` on the page opens one of the page's own tags (texts are escaped), and no tag
    // carries an event handler: no attribute value was closed early by a quote in a text.
    let tags = regex::Regex::new(r"<[a-zA-Z][^>]*>").unwrap();
    let names = regex::Regex::new(r#"\s([a-zA-Z:-]+)(?:=|\s|$)"#).unwrap();
    let values = regex::Regex::new(r#""[^"]*""#).unwrap();
    for tag in tags.find_iter(&page) {
        let tag = tag.as_str();
        let without_values = values.replace_all(tag, "\"\"");
        for n in names.captures_iter(&without_values) {
            assert!(!n[1].to_ascii_lowercase().starts_with("on"), "{tag}");
        }
    }
}

#[test]
fn nothing_on_the_page_would_be_fetched() {
    let hub = FakeHub::fixtures();
    let page = mixed_page(&hub);
    let lower = page.to_ascii_lowercase();
    let refs =
        regex::Regex::new(r#"(?:src|href|xlink:href|action|poster|data)\s*=\s*"([^"]*)""#).unwrap();
    for c in refs.captures_iter(&lower) {
        let value = &c[1];
        assert!(
            value.starts_with('#'),
            "a reference that is not on the page: {value}"
        );
    }
    assert!(!lower.contains("@import"));
    assert!(!lower.contains("url("));
    assert!(!lower.contains("<link"));
    assert!(!lower.contains("<iframe") && !lower.contains("<object") && !lower.contains("<embed"));
    assert!(!lower.contains("<img") && !lower.contains("<image"));
    assert!(!lower.contains("fetch(") && !lower.contains("xmlhttprequest"));
    let csp = regex::Regex::new(r#"<meta http-equiv="content-security-policy" content="([^"]*)""#)
        .unwrap();
    let policy = &csp.captures(&lower).expect("a CSP meta tag")[1];
    assert!(policy.contains("default-src &#39;none&#39;"), "{policy}");
    assert!(
        !policy.contains("unsafe-inline") && !policy.contains("http"),
        "{policy}"
    );
}

// ---- the headless browser ----

/// The browser: `ISOPEN_BROWSER`, else Debian's `chromium` (or `chromium-browser`) on PATH.
/// Under `CI=true` a missing browser fails the test (`.ci/run` installs it); elsewhere the
/// test says so and skips.
fn browser() -> Option<PathBuf> {
    let named = std::env::var_os("ISOPEN_BROWSER").map(PathBuf::from);
    let found = named.or_else(|| {
        let path = std::env::var_os("PATH")?;
        std::env::split_paths(&path)
            .flat_map(|d| ["chromium", "chromium-browser"].map(|n| d.join(n)))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("no headless browser: run scripts/install-browser.sh (or set ISOPEN_BROWSER)");
        }
        eprintln!("skipping: no chromium on PATH (scripts/install-browser.sh installs it)");
    }
    found
}

/// A proxy that answers nothing and records the first line and headers of every request the
/// browser sends through it.
struct Proxy {
    port: u16,
    seen: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

impl Proxy {
    fn start() -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (s, st) = (seen.clone(), stop.clone());
        std::thread::spawn(move || {
            while !st.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((mut conn, _)) => {
                        let _ = conn.set_nonblocking(false);
                        let _ = conn.set_read_timeout(Some(Duration::from_secs(2)));
                        let mut buf = [0u8; 4096];
                        let n = conn.read(&mut buf).unwrap_or(0);
                        s.lock()
                            .unwrap()
                            .push(String::from_utf8_lossy(&buf[..n]).into_owned());
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(20)),
                }
            }
        });
        Proxy { port, seen, stop }
    }

    /// The requests a page made: every request but those to the browser's own services (its
    /// network clock, component updates and sign-in, which it sends whatever the page) — by
    /// host, as HTTPS requests show only their host in CONNECT. The page itself names none of
    /// those hosts as something to load (`nothing_on_the_page_would_be_fetched`).
    fn page_requests(&self) -> Vec<String> {
        let own = |host: &str| {
            let host = host.split(':').next().unwrap_or("");
            ["google.com", "googleapis.com", "gvt1.com", "gstatic.com"]
                .iter()
                .any(|d| host == *d || host.ends_with(&format!(".{d}")))
        };
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|r| {
                let host = r
                    .lines()
                    .find_map(|l| {
                        l.strip_prefix("Host: ")
                            .or_else(|| l.strip_prefix("host: "))
                    })
                    .unwrap_or("");
                !own(host.trim())
            })
            .map(|r| r.lines().next().unwrap_or("").to_string())
            .collect()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// What the browser made of a page: the DOM after scripts ran, its log, and the requests it
/// sent through the proxy.
struct Rendered {
    dom: String,
    log: String,
    requests: Vec<String>,
}

/// Runs the headless browser on `page` with `extra` arguments. A browser still running after
/// two minutes is killed and the test fails (a hang, not a measurement).
fn run_browser(browser: &Path, page: &Path, extra: &[String]) -> Rendered {
    let profile = tempfile::tempdir().unwrap();
    let proxy = Proxy::start();
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--proxy-server=http://127.0.0.1:{}", proxy.port))
        .arg("--proxy-bypass-list=<-loopback>")
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the browser");
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("the browser did not finish");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    // Requests made while the page loaded have reached the proxy by now.
    std::thread::sleep(Duration::from_millis(200));
    Rendered {
        dom: out.join().unwrap(),
        log: err.join().unwrap(),
        requests: proxy.page_requests(),
    }
}

/// The console lines of a browser log: script errors and CSP violations are logged there.
fn console(log: &str) -> Vec<&str> {
    log.lines().filter(|l| l.contains(":CONSOLE")).collect()
}

#[test]
fn the_browser_detects_requests_and_console_errors() {
    // The checks below must be able to fail: a page that loads an image over HTTP and over
    // HTTPS and throws is seen doing all three.
    let Some(browser) = browser() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("leaky.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html><html><body><img src=\"http://isopen-probe.test/a.png\">\
         <img src=\"https://isopen-probe.test/b.png\"><script>undefinedFunction();</script>\
         </body></html>",
    )
    .unwrap();
    let r = run_browser(&browser, &page, &["--dump-dom".into()]);
    assert!(r.dom.contains("isopen-probe.test"), "{}", r.dom);
    assert!(
        r.requests
            .iter()
            .any(|q| q.starts_with("GET http://isopen-probe.test/a.png")),
        "{:?}",
        r.requests
    );
    assert!(
        r.requests
            .iter()
            .any(|q| q.starts_with("CONNECT isopen-probe.test:443")),
        "{:?}",
        r.requests
    );
    assert!(
        console(&r.log)
            .iter()
            .any(|l| l.contains("undefinedFunction")),
        "{}",
        r.log
    );
}

#[test]
fn the_page_renders_in_a_headless_browser() {
    let Some(browser) = browser() else { return };
    let hub = FakeHub::fixtures();
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.html");
    std::fs::write(&page, mixed_page(&hub)).unwrap();

    let r = run_browser(&browser, &page, &["--dump-dom".into()]);
    assert!(
        r.dom.contains("data-script=\"ok\""),
        "the script did not run to its end:\n{}",
        r.log
    );
    assert!(r.dom.contains("Sorting and filtering are on"));
    assert!(r.dom.contains("6 shown"), "the filter counted the rows");
    assert_eq!(r.dom.matches("<tr data-model=").count(), 12);
    for verdict in ["conditional", "prohibited", "unknown"] {
        assert!(
            r.dom.contains(&format!("data-verdict=\"{verdict}\"")),
            "{verdict}"
        );
    }
    assert!(r.dom.contains("api:anthropic/claude-sonnet-4"));
    assert!(
        console(&r.log).is_empty(),
        "console output: {:?}",
        console(&r.log)
    );
    assert!(
        r.requests.is_empty(),
        "the page made requests: {:?}",
        r.requests
    );

    let shot = dir.path().join("page.png");
    let r = run_browser(
        &browser,
        &page,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,1600".into(),
        ],
    );
    let png = std::fs::read(&shot).unwrap_or_else(|e| panic!("no screenshot ({e}): {}", r.log));
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 10_000);
    // scripts/screenshot.sh keeps this render for the README.
    if let Some(keep) = std::env::var_os("ISOPEN_SCREENSHOT") {
        std::fs::write(&keep, &png).unwrap();
    }
    assert!(r.requests.is_empty(), "{:?}", r.requests);
}
