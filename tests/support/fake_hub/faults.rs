//! Faults the fake hub can be told to inject on the next requests to a path: a status, a
//! 429 with `Retry-After`, latency, a cut-off or endless body, a redirect, an echoed token, a
//! blob that ignores `Range`.

use super::*;

/// A fault to inject on requests whose path starts with a prefix.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Answer with this status (and a JSON error body).
    Status(u16),
    /// 429 with `Retry-After: secs`.
    RateLimit { retry_after: u64 },
    /// Start the body, then drop the connection.
    Truncate,
    /// Wait before answering (then answer normally).
    Latency(Duration),
    /// A body of this many bytes (a README that never ends), streamed.
    Huge(usize),
    /// 307 to another location.
    Redirect(String),
    /// An error (`status`, `X-Error-Code: code`) whose message is `message` with `{token}`
    /// replaced by the bearer token the request carried, as a careless hub or proxy echoes
    /// it: in `X-Error-Message` and the JSON body, or (`header: false`) in the body alone.
    Echo {
        status: u16,
        code: Option<&'static str>,
        message: String,
        header: bool,
    },
    /// A blob that claims to be this many bytes: 200 whatever the `Range`, the file's bytes
    /// then zeros, streamed (a server that ignores ranges, in front of a 4 GB model layer).
    Sparse(u64),
    /// A listing page whose `Link: rel="next"` names this cursor (a listing that loops).
    NextCursor(String),
}

#[derive(Debug)]
pub(super) struct Injected {
    pub(super) prefix: String,
    pub(super) fault: Fault,
    pub(super) remaining: usize,
}

pub(super) fn take_fault(state: &HubState, path: &str) -> Option<Fault> {
    let mut faults = state.faults.lock().unwrap();
    let i = faults
        .iter()
        .position(|f| f.remaining > 0 && path.starts_with(&f.prefix))?;
    faults[i].remaining -= 1;
    Some(faults[i].fault.clone())
}

/// A README front matter followed by `size` bytes of prose, streamed in 64 KiB chunks.
pub(super) fn huge_readme(size: usize) -> Response {
    let head = Bytes::from_static(b"---\nlicense: mit\n---\n# Huge card\n");
    let chunk = Bytes::from(vec![b'a'; 64 * 1024]);
    let n = size / chunk.len();
    let stream = futures_util::stream::iter(
        std::iter::once(Ok::<_, std::io::Error>(head)).chain(std::iter::repeat_n(chunk, n).map(Ok)),
    );
    let mut r = Response::new(Body::from_stream(stream));
    r.headers_mut().insert(
        "X-Repo-Commit",
        HeaderValue::from_static("0000000000000000000000000000000000000000"),
    );
    r
}

/// The blob at `path` claimed to be `size` bytes: its bytes, then zeros, in 64 KiB chunks.
pub(super) fn sparse_blob(state: &HubState, path: &str, size: u64) -> Response {
    let digest = path.rsplit('/').next().unwrap_or_default();
    let head = blob_file(state, digest)
        .and_then(|f| std::fs::read(f).ok())
        .unwrap_or_default();
    let head_len = head.len() as u64;
    let chunk = Bytes::from(vec![0u8; 64 * 1024]);
    let zeros = size.saturating_sub(head_len);
    let full = zeros / chunk.len() as u64;
    let tail = (zeros % chunk.len() as u64) as usize;
    let stream = futures_util::stream::iter(
        std::iter::once(Bytes::from(head))
            .chain(std::iter::repeat_n(chunk.clone(), full as usize))
            .chain(std::iter::once(chunk.slice(..tail)))
            .map(Ok::<_, std::io::Error>),
    );
    let mut r = Response::new(Body::from_stream(stream));
    r.headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    r
}
