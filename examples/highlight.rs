//! Highlighting speed: `cargo run --release --example highlight` prints µs per line.

// A measuring program: it prints its figures.
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)]
fn main() {
    let t = std::time::Instant::now();
    let s = topobook::render::highlight::syntaxes();
    println!("load {:?} (lazy {:?})", s.load_time, t.elapsed());
    let mut yaml = String::new();
    for i in 0..40 {
        yaml.push_str(&format!("  - name: snet-{i}\n    prefix: 10.0.{i}.0/24 # comment\n"));
    }
    let bash = "az network vnet create --name vnet --resource-group rg \\\n  --address-prefixes 10.0.0.0/16\nfor x in a b; do echo \"$x\"; done\n".repeat(3);
    for (lang, code) in [("yaml", &yaml), ("bash", &bash), ("bash", &bash)] {
        let n = 200;
        let t = std::time::Instant::now();
        let mut len = 0;
        for _ in 0..n {
            len += topobook::render::highlight::highlight(lang, code).len();
        }
        let lines = code.lines().count() * n;
        println!(
            "{lang}: {:.2} us/line, out {} bytes/in {}",
            t.elapsed().as_secs_f64() * 1e6 / lines as f64,
            len / n,
            code.len()
        );
    }
}
