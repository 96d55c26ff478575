//! The HTTP side: an axum router over the current snapshot, the live-reload WebSocket, and an
//! accept loop with a connection cap and a header timeout (slow or idle clients cannot pile
//! up).
//!
//! Connections that send no complete request head within [`HEADER_TIMEOUT`], or stop
//! reading their answers for [`WRITE_STALL_TIMEOUT`], are dropped.
//!
//! - `GET /<path>`: the file of the snapshot at the normalised path ([`super::path`]); a
//!   folder is its `index.html`; a folder without its slash is redirected; anything else is
//!   the theme's `404.html` with status 404. HTML gets the live script injected and
//!   `Cache-Control: no-cache`; other files `no-cache` with an `ETag` (the server instance
//!   and the generation that last changed the file), so a reload revalidates them cheaply.
//! - `GET /__topobook/live.js`: the live script; `GET /__topobook/live` (WebSocket): the
//!   reload messages of [`super::hub`].
//! - When bound to a loopback address, only `localhost` host names are answered (a page on
//!   another site cannot read the preview through DNS rebinding), and the WebSocket refuses
//!   other origins.

use std::future::Future;
use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use serde::Deserialize;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::sync::broadcast::error::RecvError;

use super::hub::{Hub, Subscription};
use super::path;
use super::store::{Entry, Snapshot, Store};
use crate::escape;

/// URL of the live script.
pub const LIVE_JS: &str = "/__topobook/live.js";
/// URL of the live-reload WebSocket.
pub const LIVE_WS: &str = "/__topobook/live";
/// The live script (self-contained: reload, stylesheet swap, error overlay, reconnect).
pub const LIVE_SCRIPT: &str = include_str!("live.js");
/// Most connections served at once; more wait in the listen queue.
pub const MAX_CONNECTIONS: usize = 4096;
/// Time a client has to send a request's headers (and longest a keep-alive connection idles).
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest a response may wait for a client that does not read it before the connection is
/// dropped (a client that never reads would otherwise hold its connection forever).
pub const WRITE_STALL_TIMEOUT: Duration = Duration::from_secs(10);
/// WebSocket ping interval (finds peers that vanished without closing).
const PING: Duration = Duration::from_secs(30);
/// Longest a page may take to accept one message before it is dropped (it reconnects and
/// catches up).
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// What every handler shares.
#[derive(Clone)]
pub struct App {
    pub store: Arc<Store>,
    pub hub: Arc<Hub>,
    /// Bound to loopback: answer `localhost` host names only.
    pub local_only: bool,
}

pub fn router(app: App) -> Router {
    Router::new()
        .route(LIVE_JS, get(live_js))
        .route(LIVE_WS, get(live_socket))
        .fallback(site_file)
        .layer(middleware::from_fn_with_state(app.clone(), guard_host))
        .with_state(app)
}

/// Serve `router` on `listener` until the task is dropped.
pub async fn serve(listener: TcpListener, router: Router) {
    let limit = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok(permit) = limit.clone().acquire_owned().await else { return };
        let stream = match listener.accept().await {
            Ok((s, _)) => s,
            // Out of file descriptors, or a connection reset before it was accepted: wait a
            // little instead of spinning.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(router.clone());
        tokio::spawn(async move {
            let _permit = permit;
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder.timer(TokioTimer::new()).header_read_timeout(HEADER_TIMEOUT);
            let io = TokioIo::new(StallGuard::new(stream, WRITE_STALL_TIMEOUT));
            let _ = builder.serve_connection(io, service).with_upgrades().await;
        });
    }
}

/// A connection whose writes fail once the peer has accepted no byte for `limit`: hyper has
/// no write timeout, and a client that sends requests but never reads the answers would
/// otherwise keep its connection (and its task) forever.
pub struct StallGuard<T> {
    inner: T,
    limit: Duration,
    /// Armed while a write waits for the peer; reset by every write that makes progress.
    stalled: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl<T> StallGuard<T> {
    pub fn new(inner: T, limit: Duration) -> Self {
        StallGuard { inner, limit, stalled: None }
    }

    /// After a write returned `Pending`: fail when the peer has been stuck for too long.
    fn check(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let limit = self.limit;
        let timer = self.stalled.get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        match timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client stopped reading the response",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for StallGuard<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for StallGuard<T> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        match Pin::new(&mut self.inner).poll_write(cx, buf) {
            Poll::Pending => self.check(cx),
            done => {
                self.stalled = None;
                done
            }
        }
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match Pin::new(&mut self.inner).poll_write_vectored(cx, bufs) {
            Poll::Pending => self.check(cx),
            done => {
                self.stalled = None;
                done
            }
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match Pin::new(&mut self.inner).poll_flush(cx) {
            Poll::Pending => self.check(cx).map_ok(|_| ()),
            done => {
                self.stalled = None;
                done
            }
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Is `host` (a `Host` header value) a name of this machine's loopback interface?
pub fn is_local_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        match rest.split_once(']') {
            Some((ip, _)) => return ip.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback()),
            None => return false,
        }
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => host,
        }
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn text_response(status: StatusCode, text: &'static str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response()
}

async fn guard_host(State(app): State<App>, req: Request, next: Next) -> Response {
    if app.local_only {
        let host = req.headers().get(header::HOST).map(|h| h.to_str().unwrap_or("?"));
        if host.is_some_and(|h| !is_local_host(h)) {
            return text_response(
                StatusCode::FORBIDDEN,
                "topobook serve answers to `localhost` only; start it with `--host` to serve other names\n",
            );
        }
    }
    next.run(req).await
}

async fn live_js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        LIVE_SCRIPT,
    )
        .into_response()
}

#[derive(Deserialize)]
struct LiveQuery {
    page: Option<String>,
    since: Option<String>,
}

/// Does the `Origin` of a request, if any, name the host it was sent to?
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else { return true };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    let origin = origin.to_str().unwrap_or("");
    origin.strip_prefix("http://").is_some_and(|o| o.eq_ignore_ascii_case(host))
}

async fn live_socket(
    State(app): State<App>,
    headers: HeaderMap,
    Query(q): Query<LiveQuery>,
    ws: WebSocketUpgrade,
) -> Response {
    if app.local_only && !same_origin(&headers) {
        return text_response(StatusCode::FORBIDDEN, "cross-origin live connection refused\n");
    }
    // Subscribe now, so that nothing published during the handshake is missed.
    let sub = app.hub.subscribe(q.page.as_deref().unwrap_or(""), q.since.as_deref());
    // Pages send nothing but pongs, and the messages are small and sent at once: small
    // buffers (the defaults, 128 KiB each way, made 1,000 open pages cost 130 MB).
    ws.max_message_size(4096)
        .max_frame_size(4096)
        .read_buffer_size(4096)
        .write_buffer_size(0)
        .max_write_buffer_size(4 << 20)
        .on_upgrade(move |socket| session(socket, sub))
}

/// Send one message; `false` when the page is gone or does not read.
async fn send(socket: &mut WebSocket, message: Message) -> bool {
    matches!(tokio::time::timeout(SEND_TIMEOUT, socket.send(message)).await, Ok(Ok(())))
}

/// One open page: send what it missed, then every new message, until it goes away.
async fn session(mut socket: WebSocket, sub: Subscription) {
    let Subscription { first, mut rx, covered } = sub;
    for text in first {
        if !send(&mut socket, Message::Text(text)).await {
            return;
        }
    }
    let mut ping = tokio::time::interval(PING);
    ping.tick().await;
    loop {
        tokio::select! {
            m = rx.recv() => match m {
                Ok(m) if m.generation <= covered => {}
                Ok(m) => {
                    if !send(&mut socket, Message::Text(m.text.clone())).await {
                        return;
                    }
                }
                // Too slow to keep up: close; the page reconnects with its last build and
                // is replayed what it missed.
                Err(RecvError::Lagged(_)) | Err(RecvError::Closed) => return,
            },
            m = socket.recv() => match m {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return,
                Some(Ok(_)) => {}
            },
            _ = ping.tick() => {
                if !send(&mut socket, Message::Ping(Bytes::new())).await {
                    return;
                }
            }
        }
    }
}

/// The `Content-Type` of a site path.
pub fn content_type(path: &str) -> String {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let mime = match ext.as_str() {
        "js" | "mjs" => "text/javascript",
        "map" => "application/json",
        _ => mime_guess::from_ext(&ext).first_raw().unwrap_or("application/octet-stream"),
    };
    let textual = mime.starts_with("text/")
        || ["application/json", "application/xml", "image/svg+xml", "application/manifest+json"]
            .contains(&mime);
    if textual { format!("{mime}; charset=utf-8") } else { mime.to_string() }
}

fn is_html(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".html") || lower.ends_with(".htm")
}

/// `html` with the live script added before `</head>` (or `</body>`, or at the end).
pub fn inject(html: &[u8], page: &str, build: &str) -> Vec<u8> {
    let tag = format!(
        "<script src=\"{LIVE_JS}\" data-page=\"{}\" data-build=\"{}\" defer></script>\n",
        escape::html(page),
        escape::html(build)
    );
    let find = |needle: &[u8]| html.windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle));
    let at = find(b"</head>").or_else(|| find(b"</body>")).unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// Does an `If-None-Match` header match `etag`?
fn etag_matches(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').map(str::trim).any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == etag))
}

fn header_value(s: &str) -> HeaderValue {
    HeaderValue::from_str(s).unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"))
}

fn file_response(
    app: &App,
    snap: &Snapshot,
    path: &str,
    entry: &Entry,
    headers: &HeaderMap,
    status: StatusCode,
) -> Response {
    let mut res = if is_html(path) {
        let body = inject(&entry.bytes, path, &app.hub.build_id(snap.generation));
        let mut res = Response::new(Body::from(body));
        res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        res
    } else {
        let etag = header_value(&format!("\"{}-{}\"", app.hub.instance(), entry.since));
        let fresh = status == StatusCode::OK && etag_matches(headers, etag.to_str().unwrap_or(""));
        let mut res = if fresh {
            let mut r = Response::new(Body::empty());
            *r.status_mut() = StatusCode::NOT_MODIFIED;
            r
        } else {
            Response::new(Body::from(Bytes::from_owner(entry.bytes.clone())))
        };
        res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        res.headers_mut().insert(header::ETAG, etag);
        if fresh {
            return res;
        }
        res
    };
    *res.status_mut() = status;
    res.headers_mut().insert(header::CONTENT_TYPE, header_value(&content_type(path)));
    res.headers_mut().insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    res
}

fn not_found(app: &App, snap: &Snapshot, page: &str, headers: &HeaderMap) -> Response {
    match snap.get("404.html") {
        Some(entry) => {
            let page = if page.is_empty() { "404.html" } else { page };
            let mut res = file_response(app, snap, page, entry, headers, StatusCode::NOT_FOUND);
            res.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
            res
        }
        None => text_response(StatusCode::NOT_FOUND, "404: no such page in this book\n"),
    }
}

async fn site_file(State(app): State<App>, method: Method, headers: HeaderMap, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let mut res = text_response(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD are served\n");
        res.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return res;
    }
    let snap = app.store.load();
    let Some(site_path) = path::normalise(uri.path()) else {
        return not_found(&app, &snap, "", &headers);
    };
    let file = site_path.file();
    if let Some(entry) = snap.get(&file) {
        return file_response(&app, &snap, &file, entry, &headers, StatusCode::OK);
    }
    if !site_path.folder && snap.get(&format!("{}/index.html", site_path.path)).is_some() {
        let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
        if let Ok(location) = HeaderValue::from_str(&format!("{}/{query}", uri.path())) {
            return (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, location)]).into_response();
        }
    }
    // A page that does not exist (yet) still gets the live script: it reloads when the
    // page appears.
    let page = if file.ends_with(".html") { file } else { String::new() };
    not_found(&app, &snap, &page, &headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types() {
        for (path, want) in [
            ("a.html", "text/html; charset=utf-8"),
            ("css/theme.css", "text/css; charset=utf-8"),
            ("js/topobook.js", "text/javascript; charset=utf-8"),
            ("favicon.svg", "image/svg+xml; charset=utf-8"),
            ("search/a.json", "application/json; charset=utf-8"),
            ("img/a.png", "image/png"),
            ("img/a.JPG", "image/jpeg"),
            ("img/a.gif", "image/gif"),
            ("img/a.webp", "image/webp"),
            ("fonts/a.woff2", "font/woff2"),
            ("sitemap.xml", "text/xml; charset=utf-8"),
            ("notes.txt", "text/plain; charset=utf-8"),
            ("doc.pdf", "application/pdf"),
            ("LICENSE", "application/octet-stream"),
        ] {
            assert_eq!(content_type(path), want, "{path}");
        }
    }

    #[test]
    fn injection_goes_before_the_end_of_head() {
        let html = b"<html><HEAD><title>t</title></HEAD><body>x</body></html>";
        let out = String::from_utf8(inject(html, "a \"b\".html", "i.3")).unwrap_or_default();
        assert_eq!(
            out,
            "<html><HEAD><title>t</title><script src=\"/__topobook/live.js\" data-page=\"a &quot;b&quot;.html\" data-build=\"i.3\" defer></script>\n</HEAD><body>x</body></html>"
        );
        let bare = String::from_utf8(inject(b"plain", "p.html", "i.1")).unwrap_or_default();
        assert!(bare.starts_with("plain<script"), "{bare}");
    }

    #[test]
    fn local_host_names() {
        for h in [
            "localhost",
            "localhost:3000",
            "127.0.0.1:80",
            "127.1.2.3",
            "[::1]:3000",
            "docs.localhost:8",
            "LOCALHOST.",
        ] {
            assert!(is_local_host(h), "{h}");
        }
        for h in [
            "example.com",
            "evil.example:3000",
            "192.168.1.2:3000",
            "[::2]:1",
            "localhost.evil.com",
            "[::1",
            "",
        ] {
            assert!(!is_local_host(h), "{h}");
        }
    }

    #[test]
    fn etags_match_weakly_and_in_lists() {
        let mut h = HeaderMap::new();
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"x-1\", W/\"i-7\""));
        assert!(etag_matches(&h, "\"i-7\""));
        assert!(!etag_matches(&h, "\"i-8\""));
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("*"));
        assert!(etag_matches(&h, "\"i-8\""));
    }
}
