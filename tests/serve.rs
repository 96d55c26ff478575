//! `topobook serve`, run as the real binary on temporary books: what it serves, what it
//! refuses, and how it follows the files.

// Tests and measuring programs unwrap what they set up themselves.
#![allow(clippy::unwrap_used)]

mod common;
#[path = "common/serve.rs"]
mod serve;

use std::path::Path;
use std::time::Duration;

use serve::{PATIENCE, atomic_write, start, wait_until};

fn book() -> tempfile::TempDir {
    common::book("serve")
}

#[test]
fn serves_pages_assets_and_the_404_page_with_types_and_cache_headers() {
    let dir = book();
    let s = start(dir.path(), &[]);

    let home = s.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(home.header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(home.header("cache-control"), Some("no-cache"));
    assert!(home.body.contains("Welcome home."));
    assert!(
        home.body.contains("<script src=\"/__topobook/live.js\" data-page=\"index.html\""),
        "{}",
        home.body
    );

    assert!(s.get("/guide/").body.contains("The guide starts here."));
    let folder = s.get("/guide");
    assert_eq!((folder.status, folder.header("location")), (308, Some("/guide/")));
    let a = s.get("/guide/a.html");
    assert!(a.body.contains("First text.") && a.body.contains("data-page=\"guide/a.html\""));
    assert!(a.body.contains("status-pass"), "the verdict is in the page");

    for (path, ty) in [
        ("/css/theme.css", "text/css; charset=utf-8"),
        ("/js/topobook.js", "text/javascript; charset=utf-8"),
        ("/favicon.svg", "image/svg+xml; charset=utf-8"),
        ("/img/pic.png", "image/png"),
        ("/img/pic.jpg", "image/jpeg"),
        ("/img/pic.gif", "image/gif"),
        ("/img/pic.webp", "image/webp"),
        ("/fonts/f.woff2", "font/woff2"),
        ("/notes.txt", "text/plain; charset=utf-8"),
        ("/data.json", "application/json; charset=utf-8"),
        ("/data.xml", "text/xml; charset=utf-8"),
        ("/__topobook/live.js", "text/javascript; charset=utf-8"),
    ] {
        let p = s.get(path);
        assert_eq!((p.status, p.header("content-type")), (200, Some(ty)), "{path}");
        assert_eq!(p.header("cache-control"), Some("no-cache"), "{path}");
        assert_eq!(p.header("x-content-type-options"), Some("nosniff"), "{path}");
    }
    let (status, png) = s.raw_get("/img/pic.png");
    assert!(status == 200 && png.ends_with("PNG\r\n\u{1a}\nfake"), "{png}");

    // Assets are validated with their ETag.
    let css = s.get("/css/theme.css");
    let etag = css.header("etag").expect("an etag").to_string();
    assert_eq!(s.get_with("/css/theme.css", &[("If-None-Match", &etag)]).status, 304);
    assert_eq!(s.get_with("/css/theme.css", &[("If-None-Match", "\"other\"")]).status, 200);
    // A query string (the stylesheet cache-buster) does not change what is served.
    assert_eq!(s.get("/css/theme.css?topobook=x.2").body, css.body);

    let missing = s.get("/no/such/page.html");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(missing.body.contains("Page not found"), "the theme's 404 page: {}", missing.body);
    assert!(missing.body.contains("data-page=\"no/such/page.html\""), "it reloads when the page appears");

    let (status, head) = s.raw(
        format!("HEAD /guide/a.html HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", s.addr).as_bytes(),
    );
    assert_eq!(status, 200);
    assert!(!head.contains("First text."), "{head}");
    let (status, _) = s.raw(
        format!("POST / HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", s.addr)
            .as_bytes(),
    );
    assert_eq!(status, 405);
}

#[test]
fn traversal_in_every_encoding_and_symlinks_out_of_the_book_get_404() {
    let outer = tempfile::tempdir().expect("temp dir");
    let root = outer.path().join("book");
    common::copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/books/serve"), &root);
    std::fs::write(outer.path().join("secret.txt"), "TOP-SECRET-VALUE").expect("write secret");
    std::fs::create_dir_all(outer.path().join("private")).expect("mkdir");
    std::fs::write(outer.path().join("private/key.txt"), "TOP-SECRET-VALUE").expect("write secret");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(outer.path().join("secret.txt"), root.join("content/leak.txt"))
            .expect("symlink");
        std::os::unix::fs::symlink(outer.path().join("private"), root.join("content/private"))
            .expect("symlink");
        std::os::unix::fs::symlink("/etc/hostname", root.join("content/host.txt")).expect("symlink");
    }
    let s = start(&root, &[]);
    let targets = [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/guide/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/.%2e/secret.txt",
        "/%2e./secret.txt",
        "/..%2fsecret.txt",
        "/..%2Fsecret.txt",
        "/%2e%2e%2fsecret.txt",
        "/%252e%252e/secret.txt",
        "/..%5csecret.txt",
        "/%5c..%5csecret.txt",
        "//etc/passwd",
        "/%2fetc/passwd",
        "/%c0%ae%c0%ae/secret.txt",
        "/index.html%00.png",
        "/%00/../secret.txt",
        "/%2500",
        "/%252e%252e%252fsecret.txt",
        "/%c0%af..%c0%afsecret.txt",
        "/%e0%80%ae%e0%80%ae/secret.txt",
        "/..;/secret.txt",
        "/etc/passwd",
        "/C:/Windows/win.ini",
        "/C:%5cWindows%5cwin.ini",
        "/c%3a/secret.txt",
        "/%5c%5cserver%5cshare",
        "/./index.html",
        "/guide/./a.html",
        "/leak.txt",
        "/private/key.txt",
        "/host.txt",
        "/book.toml",
        "/content/index.md",
        "/guide/a.md",
    ];
    for target in targets {
        let (status, text) = s.raw_get(target);
        assert_eq!(status, 404, "{target}: {text}");
        assert!(!text.contains("TOP-SECRET-VALUE"), "{target}");
    }
    // Raw backslashes and an absolute URL are refused too (by the HTTP parser or by us).
    for target in ["/..\\secret.txt", "/guide\\..\\..\\secret.txt"] {
        let (status, text) = s.raw_get(target);
        assert!(status == 404 || status == 400, "{target}: {text}");
        assert!(!text.contains("TOP-SECRET-VALUE"), "{target}");
    }
    let (status, text) = s.raw_get(&format!("http://{}/../secret.txt", s.addr));
    assert!(status == 404 || status == 400, "{text}");
    assert!(!text.contains("TOP-SECRET-VALUE"));
    // The loader refused the links and said so.
    #[cfg(unix)]
    {
        let err = s.stderr();
        assert!(err.contains("symlink that leaves the book folder"), "{err}");
    }
}

#[test]
fn other_host_names_and_cross_origin_sockets_are_refused() {
    let dir = book();
    let s = start(dir.path(), &[]);
    let (status, _) = s.raw(b"GET / HTTP/1.1\r\nHost: attacker.example:3000\r\nConnection: close\r\n\r\n");
    assert_eq!(status, 403);
    for host in ["localhost", "127.0.0.1", s.addr.as_str()] {
        let (status, _) =
            s.raw(format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes());
        assert_eq!(status, 200, "{host}");
    }
    use tungstenite::client::IntoClientRequest;
    let mut req =
        format!("ws://{}/__topobook/live?page=index.html", s.addr).into_client_request().expect("request");
    req.headers_mut().insert("Origin", "http://attacker.example".parse().expect("header"));
    let stream = std::net::TcpStream::connect(&s.addr).expect("connect");
    assert!(
        tungstenite::client::client(req, stream).is_err(),
        "a foreign origin must not get the live socket"
    );
}

#[test]
fn a_save_is_one_rebuild_one_message_and_new_content() {
    let dir = book();
    let s = start(dir.path(), &[]);
    let page = s.get("/guide/a.html");
    let live = s.live("guide/a.html", &page.build());
    let state = live.next(PATIENCE).expect("state message");
    assert_eq!(state["type"], "state");
    assert_eq!(state["errors"], serde_json::json!([]));

    let file = dir.path().join("content/guide/a.md");
    let text = std::fs::read_to_string(&file).expect("read");
    atomic_write(&file, &text.replace("First text.", "Second text."));
    let update = live.next_of("update", PATIENCE).expect("an update");
    let changed: Vec<&str> =
        update["changed"].as_array().expect("list").iter().filter_map(|v| v.as_str()).collect();
    assert!(changed.contains(&"guide/a.html"), "{update}");
    assert!(!changed.contains(&"index.html"), "only what changed: {update}");
    assert!(s.get("/guide/a.html").body.contains("Second text."));
    // Exactly one rebuild: the build's own reads of the files never count as changes.
    let more = live.drain(Duration::from_millis(1500));
    assert!(
        more.iter().all(|m| m["changed"]
            .as_array()
            .is_none_or(|c| c.iter().all(|p| p.as_str().is_some_and(|p| p.starts_with("search/"))))),
        "{more:?}"
    );
    let err = s.stderr();
    assert_eq!(err.matches("updated `content/guide/a.md`").count(), 1, "one rebuild: {err}");

    // Reading and opening files is not a change.
    for _ in 0..5 {
        let _ = std::fs::read_to_string(&file);
        let _ = std::fs::File::open(dir.path().join("book.toml"));
    }
    assert!(live.drain(Duration::from_millis(700)).is_empty());
}

#[test]
fn editor_temp_and_backup_files_are_ignored() {
    let dir = book();
    let s = start(dir.path(), &[]);
    let live = s.live("index.html", "");
    let _ = live.next(PATIENCE);
    let content = dir.path().join("content");
    for name in [
        ".index.md.swp",
        ".index.md.swx",
        "index.md~",
        "4913",
        "index.md.tmp",
        ".#index.md",
        ".DS_Store",
        "#index.md#",
    ] {
        std::fs::write(content.join(name), "# Junk\n").expect("write");
    }
    std::fs::remove_file(content.join("4913")).expect("remove");
    assert!(live.drain(Duration::from_millis(800)).is_empty());
    assert!(!s.stderr().contains("updated"), "{}", s.stderr());
    assert_eq!(s.get("/index.md~").status, 404);
}

#[test]
fn new_renamed_and_deleted_pages_follow_the_files() {
    let dir = book();
    let s = start(dir.path(), &[]);
    let missing = s.get("/guide/b.html");
    assert_eq!(missing.status, 404);
    let live = s.live("guide/b.html", &missing.build());
    let _ = live.next(PATIENCE);
    let content = dir.path().join("content/guide");

    std::fs::write(content.join("b.md"), "# Page B\n\nBrand new.\n").expect("write");
    let m = live.next_of("update", PATIENCE).expect("update");
    assert!(m["changed"].as_array().is_some_and(|c| c.iter().any(|p| p == "guide/b.html")), "{m}");
    assert!(s.get("/guide/b.html").body.contains("Brand new."));
    assert!(s.get("/toc.js").body.contains("Page B"), "the sidebar lists it");

    std::fs::rename(content.join("b.md"), content.join("c.md")).expect("rename");
    let m = live.next_of("update", PATIENCE).expect("update");
    assert!(m["removed"].as_array().is_some_and(|c| c.iter().any(|p| p == "guide/b.html")), "{m}");
    assert_eq!(s.get("/guide/b.html").status, 404);
    assert!(s.get("/guide/c.html").body.contains("Brand new."));

    std::fs::remove_file(content.join("c.md")).expect("remove");
    wait_until("the deleted page is gone", || s.get("/guide/c.html").status == 404);
    assert!(!s.get("/toc.js").body.contains("Page B"));
}

#[test]
fn bad_input_shows_in_the_overlay_and_never_stops_the_server() {
    let dir = book();
    let mut s = start(dir.path(), &[]);
    let page = s.get("/guide/a.html");
    let live = s.live("guide/a.html", &page.build());
    let _ = live.next(PATIENCE);
    let file = dir.path().join("content/guide/a.md");
    let good = std::fs::read_to_string(&file).expect("read");

    // A YAML syntax error: the page still renders, the overlay lists the error with its place.
    atomic_write(&file, &good.replace("key_vault: kv-ml", "key_vault: [kv-ml"));
    let m = live.next_of("update", PATIENCE).expect("update");
    let errors = &m["errors"]["guide/a.html"];
    assert_eq!(errors[0]["code"], "yaml-syntax", "{m}");
    assert_eq!(errors[0]["file"], "content/guide/a.md");
    assert!(errors[0]["line"].as_u64().is_some_and(|l| l >= 7), "{m}");
    wait_until("the terminal shows it too", || s.stderr().contains("error[yaml-syntax]"));
    // A page that connects now gets the problem at once.
    let again = s.live("guide/a.html", "");
    assert_eq!(again.next(PATIENCE).expect("state")["errors"][0]["code"], "yaml-syntax");

    // Binary garbage and a broken `book.toml`: still up, still serving the last good site.
    std::fs::write(&file, [0xff, 0xfe, 0x00, 0x41]).expect("write");
    let _ = live.next_of("update", PATIENCE).expect("update");
    std::fs::write(dir.path().join("book.toml"), "[book\ntitle = ").expect("write");
    let m = live.next_of("update", PATIENCE).expect("update");
    assert!(m["book"].as_array().is_some_and(|b| !b.is_empty()), "{m}");
    assert_eq!(s.get("/").status, 200);
    std::fs::remove_file(dir.path().join("book.toml")).expect("remove");
    let m = live.next_of("update", PATIENCE).expect("update");
    assert!(m["book"][0]["message"].as_str().is_some_and(|t| t.contains("book.toml")), "{m}");
    assert_eq!(s.get("/").status, 200, "the last good site stays");
    assert!(s.alive());

    // The fix clears everything.
    std::fs::write(dir.path().join("book.toml"), "[book]\ntitle = \"Serve test\"\nsrc = \"content\"\n")
        .expect("write");
    atomic_write(&file, &good);
    wait_until("the overlay is clear", || {
        let st = s.live("guide/a.html", "");
        let m = st.next(PATIENCE).unwrap_or_default();
        m["errors"] == serde_json::json!([]) && m["book"] == serde_json::json!([])
    });
    assert!(s.get("/guide/a.html").body.contains("First text."));
    assert!(s.alive());
}

#[test]
fn a_stylesheet_change_touches_no_page() {
    let dir = book();
    let css_dir = dir.path().join("themes/default/static/css");
    std::fs::create_dir_all(&css_dir).expect("mkdir");
    std::fs::write(css_dir.join("print.css"), "body { color: black; }\n").expect("write");
    let s = start(dir.path(), &[]);
    let live = s.live("index.html", "");
    let _ = live.next(PATIENCE);
    std::fs::write(css_dir.join("print.css"), "body { color: gray; }\n").expect("write");
    let m = live.next_of("update", PATIENCE).expect("update");
    assert_eq!(m["changed"], serde_json::json!(["css/print.css"]), "{m}");
    assert!(s.get("/css/print.css").body.contains("gray"));
}

#[test]
fn pages_that_reconnect_catch_up() {
    let dir = book();
    let s = start(dir.path(), &[]);
    let old = s.get("/guide/a.html").build();
    let file = dir.path().join("content/guide/a.md");
    let text = std::fs::read_to_string(&file).expect("read");
    atomic_write(&file, &text.replace("First text.", "Missed text."));
    wait_until("the edit is served", || s.get("/guide/a.html").body.contains("Missed text."));
    // The page, still showing the old build, reconnects: it is told what it missed.
    let live = s.live("guide/a.html", &old);
    let m = live.next(PATIENCE).expect("replayed update");
    assert_eq!(m["type"], "update", "{m}");
    assert!(m["changed"].as_array().is_some_and(|c| c.iter().any(|p| p == "guide/a.html")));
    // A page from another server process reloads.
    let stranger = s.live("guide/a.html", "feedbeef.3");
    assert_eq!(stranger.next(PATIENCE).expect("reload")["type"], "reload");
}

#[test]
fn stays_up_under_200_concurrent_clients() {
    let dir = book();
    let mut s = start(dir.path(), &[]);
    let addr = s.addr.clone();
    let threads: Vec<_> = (0..200)
        .map(|i| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let path = ["/", "/guide/a.html", "/css/theme.css", "/nope.html", "/toc.js"][i % 5];
                let mut ok = 0;
                for _ in 0..5 {
                    let Ok(mut c) = std::net::TcpStream::connect(&addr) else { continue };
                    let _ = c.set_read_timeout(Some(PATIENCE));
                    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
                    if std::io::Write::write_all(&mut c, req.as_bytes()).is_err() {
                        continue;
                    }
                    let mut buf = Vec::new();
                    let _ = std::io::Read::read_to_end(&mut c, &mut buf);
                    if buf.starts_with(b"HTTP/1.1 200") || buf.starts_with(b"HTTP/1.1 404") {
                        ok += 1;
                    }
                }
                ok
            })
        })
        .collect();
    let ok: usize = threads.into_iter().map(|t| t.join().unwrap_or(0)).sum();
    assert_eq!(ok, 1000);
    assert!(s.alive());
    assert_eq!(s.get("/").status, 200);
}

#[test]
fn the_built_site_has_no_reload_script() {
    let run = common::build("serve");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut stack = vec![run.site()];
    let mut files = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir").flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files += 1;
                let bytes = std::fs::read(&p).expect("read");
                let text = String::from_utf8_lossy(&bytes);
                assert!(
                    !text.contains("__topobook") && !text.contains("topobook-overlay"),
                    "{}",
                    p.display()
                );
            }
        }
    }
    assert!(files > 10);
}

#[test]
fn usage_errors_exit_2_and_a_public_address_warns() {
    let dir = book();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port().to_string();
    let (code, _, err) = common::topobook(&["serve", &dir.path().to_string_lossy(), "--port", &port], None);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is in use") && err.contains("--port 0"), "{err}");
    let (code, _, err) = common::topobook(&["serve", "/no/such/book", "--port", "0"], None);
    assert_eq!(code, 2, "{err}");

    let s = start(dir.path(), &["--host", "0.0.0.0"]);
    wait_until("the warning is printed", || s.stderr().contains("warning: listening on `0.0.0.0`"));
    assert!(s.stderr().contains("anyone who can reach this machine"), "{}", s.stderr());
    assert_eq!(s.get("/").status, 200);
}

#[test]
fn folders_moved_in_and_out_bring_and_take_their_pages() {
    let dir = book();
    let s = start(dir.path(), &[]);
    let live = s.live("index.html", "");
    let _ = live.next(PATIENCE);
    // Move the guide out of the book: its pages and their folder go.
    let outside = tempfile::tempdir().expect("temp dir");
    let parked = outside.path().join("guide");
    std::fs::rename(dir.path().join("content/guide"), &parked).expect("move out");
    wait_until("the moved-out pages are gone", || s.get("/guide/a.html").status == 404);
    assert_eq!(s.get("/guide/").status, 404);
    // Move it back in: no event names the files inside, yet they all return.
    std::fs::rename(&parked, dir.path().join("content/guide")).expect("move in");
    wait_until("the moved-in pages are back", || s.get("/guide/a.html").status == 200);
    assert!(s.get("/guide/").body.contains("The guide starts here."));
}

#[test]
fn a_broken_template_keeps_the_last_good_pages_and_shows_the_error() {
    let dir = book();
    let templates = dir.path().join("themes/default/templates");
    std::fs::create_dir_all(&templates).expect("mkdir");
    let s = start(dir.path(), &[]);
    let live = s.live("guide/a.html", "");
    let _ = live.next(PATIENCE);
    let before = s.get("/guide/a.html").body;
    // A template that compiles but fails on every page: nothing can be rendered.
    std::fs::write(templates.join("page.html"), "{{ page.no_such_field.deeper }}").expect("write");
    let m = live.next_of("update", PATIENCE).expect("update");
    let book = m["book"].as_array().cloned().unwrap_or_default();
    assert!(book.iter().any(|p| p["code"] == "theme"), "{m}");
    assert!(book.iter().any(|p| p["file"] == "themes/default/templates/page.html"), "{m}");
    // The pages keep their last good render.
    let without_build =
        |html: &str| html.lines().filter(|l| !l.contains("data-build=")).collect::<Vec<_>>().join("\n");
    let after = s.get("/guide/a.html").body;
    assert!(after.contains("First text."));
    assert_eq!(without_build(&before), without_build(&after));
    wait_until("the terminal shows it too", || s.stderr().contains("error[theme]"));
    // Removing the override restores the built-in template and clears the overlay.
    std::fs::remove_file(templates.join("page.html")).expect("remove");
    wait_until("the overlay is clear", || {
        let st = s.live("guide/a.html", "");
        st.next(PATIENCE).unwrap_or_default()["book"] == serde_json::json!([])
    });
}

#[test]
fn a_storm_of_saves_ends_showing_the_final_state_of_every_page() {
    let dir = book();
    let content = dir.path().join("content/storm");
    std::fs::create_dir_all(&content).expect("mkdir");
    for f in 0..20 {
        std::fs::write(content.join(format!("p{f}.md")), format!("# Storm {f}\n\nstart\n")).expect("write");
    }
    let s = start(dir.path(), &[]);
    let mut last = vec![String::new(); 20];
    for round in 0..200 {
        let f = (round * 7) % 20;
        let text = format!("# Storm {f}\n\nround {round}\n");
        if round % 2 == 0 {
            atomic_write(&content.join(format!("p{f}.md")), &text);
        } else {
            std::fs::write(content.join(format!("p{f}.md")), &text).expect("write");
        }
        last[f] = format!("round {round}");
        if round == 100 {
            std::fs::rename(content.join("p3.md"), content.join("moved.md")).expect("rename");
            std::fs::remove_file(content.join("p4.md")).expect("remove");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    wait_until("every page shows its last save", || {
        (0..20).all(|f| {
            let page = s.get(&format!("/storm/p{f}.html"));
            page.status == 200 && page.body.contains(&format!("{}</p>", last[f]))
        })
    });
    // The renamed page shows what it held when it moved; the deleted one came back with the
    // next save of its name.
    assert_eq!(s.get("/storm/moved.html").status, 200);
}

#[test]
fn hundreds_of_live_connections_come_and_go() {
    let dir = book();
    let mut s = start(dir.path(), &[]);
    let url = format!("ws://{}/__topobook/live?page=guide/a.html", s.addr);
    let mut sockets = Vec::new();
    for _ in 0..300 {
        let stream = std::net::TcpStream::connect(&s.addr).expect("connect");
        let _ = stream.set_read_timeout(Some(PATIENCE));
        let (ws, _) = tungstenite::client::client(url.as_str(), stream).expect("handshake");
        sockets.push(ws);
    }
    let file = dir.path().join("content/guide/a.md");
    let text = std::fs::read_to_string(&file).expect("read");
    atomic_write(&file, &text.replace("First text.", "Broadcast text."));
    // Every page hears of the save.
    for ws in &mut sockets {
        let mut heard = false;
        while let Ok(m) = ws.read() {
            if m.to_text().is_ok_and(|t| t.contains("\"type\":\"update\"")) {
                heard = true;
                break;
            }
        }
        assert!(heard);
    }
    drop(sockets);
    assert!(s.alive());
    assert!(s.get("/guide/a.html").body.contains("Broadcast text."));
    let live = s.live("guide/a.html", "");
    assert_eq!(live.next(PATIENCE).expect("state")["type"], "state");
}

#[test]
fn the_terminal_shows_what_build_shows_not_expected_findings_or_advisory_notes() {
    let dir = book();
    // A counter-example (fails on purpose) whose key vault also draws an advisory note.
    let page = "# Counter-example\n\n```yaml topology expect=AML-KV-002\nkey_vaults:\n  - name: kv-locked\n    \
                network: {default_action: Deny, bypass: [None]}\n    \
                private_endpoints: [{name: pe-kv, subresource: vault}]\n```\n";
    std::fs::write(dir.path().join("content/guide/counter.md"), page).expect("write page");
    let s = start(dir.path(), &[]);
    wait_until("the load summary", || s.stderr().contains("topology block"));
    let printed = s.stderr();
    assert!(printed.contains("(0 errors, 0 warnings)"), "{printed}");
    assert!(!printed.contains("AML-KV-002"), "an expected finding is shown on the page only: {printed}");
    assert!(!printed.contains("note[AML-"), "advisory notes are not printed: {printed}");
    assert!(s.get("/guide/counter.html").body.contains("fails as expected"));
}
