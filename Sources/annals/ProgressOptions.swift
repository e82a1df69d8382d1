import ArgumentParser

extension ProgressChoice: ExpressibleByArgument {}

/// The `--progress` option of the long-running commands.
struct ProgressOptions: ParsableArguments {
    @Option(name: .long, help: "Progress on standard error: auto (when it is a terminal), always or never. Never on standard output.")
    var progress: ProgressChoice = .auto
}
