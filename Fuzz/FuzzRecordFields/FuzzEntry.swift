import FuzzDriver

/// The entry point of a plain (non-fuzzer) build. SwiftPM links an executable target's entry
/// as `<Target>_main` and aliases `main` to it; this target has no `@main` (libFuzzer owns
/// `main` under `--sanitize=fuzzer`), so it provides that symbol itself. Under the fuzzer
/// nothing calls it.
@_cdecl("FuzzRecordFields_main")
public func fuzzEntry(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    annals_fuzz_main(argc, argv)
}
