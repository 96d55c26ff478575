use std::fmt::Write;

fn main() {
    // ANCHOR: body
    let mut line = String::new();
    write!(line, "{}", 42).ok();
    // ANCHOR_END: body
    println!("{line}");
}
