//! `topobook serve [DIR] [--port 3000] [--host 127.0.0.1] [--open]`: the live preview.

use std::io::Write;
use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::path::Path;

use super::exit;
use crate::serve;
use crate::site::SiteOptions;

/// What the command line asks for.
#[derive(Clone, Debug)]
pub struct Args {
    pub host: String,
    pub port: u16,
    pub open: bool,
}

/// Bind the first address `host:port` resolves to.
fn bind(host: &str, port: u16) -> Result<TcpListener, String> {
    let addrs: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve `--host {host}`: {}", e.to_string().to_lowercase()))?
        .collect();
    let mut last = format!("`--host {host}` names no address");
    for addr in addrs {
        match TcpListener::bind(addr) {
            Ok(l) => return Ok(l),
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
                last = format!(
                    "port {port} of `{host}` is in use; pick another `--port`, or `--port 0` for a free one"
                )
            }
            Err(e) => last = format!("cannot listen on `{addr}`: {}", e.to_string().to_lowercase()),
        }
    }
    Err(last)
}

/// The URL to print for a bound address.
fn url_for(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V4(a) if a.ip().is_unspecified() => format!("http://127.0.0.1:{}/", a.port()),
        SocketAddr::V6(a) if a.ip().is_unspecified() => format!("http://[::1]:{}/", a.port()),
        a => format!("http://{a}/"),
    }
}

/// Open `url` in the default browser, without waiting for it.
fn open_browser(url: &str) {
    let mut cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    cmd.arg(url).stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
    match cmd.spawn() {
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
        }
        Err(e) => eprintln!("warning: cannot open a browser ({e}); open {url} yourself"),
    }
}

/// Serve the book in `dir` until Ctrl-C. Exit 2 when the book cannot be loaded or the
/// address cannot be bound.
pub fn run(dir: &Path, args: &Args, options: SiteOptions) -> i32 {
    let listener = match bind(&args.host, args.port) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE_OR_IO;
        }
    };
    let Ok(addr) = listener.local_addr() else {
        eprintln!("error: cannot read the address the server listens on");
        return exit::USAGE_OR_IO;
    };
    let local_only = addr.ip().is_loopback();
    if !local_only {
        eprintln!(
            "warning: listening on `{}`, which is not a loopback address: anyone who can reach this machine \
             can read the book; use `--host 127.0.0.1` to keep the preview on this machine",
            addr.ip()
        );
    }
    // Let the server hold many connections.
    crate::sys::raise_file_limit(8192);
    let preview = match serve::start(dir, options, local_only) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE_OR_IO;
        }
    };
    let url = url_for(addr);
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "serving `{}` at {url}", preview.title);
        let _ = out.flush();
    }
    eprintln!("watching `{}` for changes; press Ctrl-C to stop", dir.display());
    if args.open {
        open_browser(&url);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the server runtime: {e}");
            return exit::USAGE_OR_IO;
        }
    };
    runtime.block_on(async move {
        let listener =
            match listener.set_nonblocking(true).and_then(|()| tokio::net::TcpListener::from_std(listener)) {
                Ok(l) => l,
                Err(e) => {
                    eprintln!("error: cannot listen: {e}");
                    return exit::USAGE_OR_IO;
                }
            };
        tokio::select! {
            () = serve::http::serve(listener, serve::http::router(preview.app)) => {}
            _ = tokio::signal::ctrl_c() => eprintln!("stopped"),
        }
        exit::OK
    })
}
