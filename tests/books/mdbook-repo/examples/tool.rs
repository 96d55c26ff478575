fn tool() -> u8 {
    7
}
